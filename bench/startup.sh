#!/usr/bin/env bash
# Startup benchmark: a 3-pod LOCAL cluster (caches warm, as from the second run on) against
#  - the floor, measured in the same JVM right after each round: the same three servers started again in ordinal
#    order on their stopped data directories (same binaries, same my.cnf), each until SELECT 1 answers over TCP;
#  - bench/manual-cluster.sh, the seed's steps typed by hand in bash (install-db, mariabackup clones).
# Per round it prints the floor, the harness (with snapshots of cloned starts, the default; for a shape started
# for the first time, followers cloned and their clones kept as its snapshot; and with
# mysqlsts.snapshot=false, every follower cloned), each pod's phases (probe, copy, clone, server start, sidecar)
# and its server's resident memory.
# Usage: bench/startup.sh   (from the repository root; needs Debian's mariadb-server and mariadb-backup)
#        ROUNDS=5 SERVERS="host classpath" bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-5}
servers=${SERVERS:-host classpath}
./mvnw -q -B -o -pl extension test-compile
for ((i = 1; i <= rounds; i++)); do
  bench/manual-cluster.sh 3
done
for server in $servers; do   # host: Debian's MariaDB 10.11 with mariabackup; classpath: MariaDB 11.4 jar, mariadb-dump
  property=(); [ "$server" = classpath ] && property=(-Dmysqlsts.mysqld=classpath)
  ./mvnw -q -B -o -pl extension surefire:test -Dtest=StartupBenchmark -Dmysqlsts.backend=local "${property[@]}" \
    -Dbenchmark.rounds="$rounds" -Dsurefire.failIfNoSpecifiedTests=false 2>&1 \
    | grep -E '^(floor|harness):|^  [a-z0-9-]+: [0-9]+ ms' | sed "s/^/[$server] /"
done
