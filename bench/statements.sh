#!/usr/bin/env bash
# What recording the test's statements costs: single-row INSERTs/s with no recording, with the harness's
# Connector/J query interceptor (what the reproduction bundle uses), and with the server's general log instead,
# interleaved in rounds in one run.
# Usage: bench/statements.sh   (from the repository root)
#        ROUNDS=6 INSERTS=10000 bench/statements.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -o -pl extension test-compile
./mvnw -q -B -o -pl extension surefire:test -Dtest=StatementRecordingBenchmark -Dmysqlsts.backend=local \
  -Dbenchmark.rounds="${ROUNDS:-6}" -Dbenchmark.inserts="${INSERTS:-10000}" -Dsurefire.failIfNoSpecifiedTests=false \
  "$@" 2>&1 | grep -E '^statements:'
