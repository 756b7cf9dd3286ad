#!/usr/bin/env bash
# What the application's path costs: queries/s and p50/p99 round trip of SELECT 1 and of a 10 kB row on one
# connection, direct to the server's own port vs through the writer endpoint (cluster.jdbcUrl()) vs through the
# pod's client-path proxy (pod.jdbcUrl(), what faults.client(n) acts on) with no fault, interleaved in one run.
# Usage: bench/client-path.sh   (from the repository root)
#        ROUNDS=5 QUERIES=2000 bench/client-path.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -o -pl extension test-compile
./mvnw -q -B -o -pl extension surefire:test -Dtest=ClientPathBenchmark -Dmysqlsts.backend=local \
  -Dbenchmark.rounds="${ROUNDS:-5}" -Dbenchmark.queries="${QUERIES:-2000}" -Dsurefire.failIfNoSpecifiedTests=false 2>&1 \
  | grep -E '^client-path:'
