#!/usr/bin/env bash
# Startup benchmark: the harness's 3-pod LOCAL cluster (template cached, as from the second run on) against
# bench/manual-cluster.sh doing the same steps by hand, alternating, 5 rounds each. Prints every figure.
# Usage: bench/startup.sh   (from the repository root; needs Debian's mariadb-server and mariadb-backup)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-5}
./mvnw -q -B -pl extension -am install -DskipTests
for ((i = 1; i <= rounds; i++)); do
  bench/manual-cluster.sh 3
done
for server in host classpath; do   # host: Debian's MariaDB 10.11 with mariabackup; classpath: MariaDB 11.4 jar, mariadb-dump
  property=(); [ "$server" = classpath ] && property=(-Dmysqlsts.mysqld=classpath)
  ./mvnw -q -B -pl extension surefire:test -Dtest=StartupBenchmark -Dmysqlsts.backend=local "${property[@]}" \
    -Dbenchmark.rounds="$rounds" -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | grep -E '^harness:' | sed "s/^/[$server] /"
done
