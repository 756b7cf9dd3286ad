#!/usr/bin/env bash
# What the preload of libfaketime and libfiu (mysqlsts.preload=auto, the default) costs a server, against the same
# server started bare: per round, one start of mariadbd on a ready data directory until SELECT 1 answers over TCP,
# then QUERIES statements in one client session (SELECT NOW(6), which reads the clock, and an INSERT, which writes
# and fsyncs), timed. The preload is set as LOCAL sets it (FAKETIME_CACHE_DURATION=1, FAKETIME_DONT_FAKE_MONOTONIC=1,
# the offset file +0, fiu's control pipes) and, for comparison, with FAKETIME_NO_CACHE=1 (the offset file read at
# every clock read), and with the power-cut layer (faults.powerCut) preloaded last, as LOCAL's default does. Each
# runs with MariaDB's defaults (sync_binlog=0; the redo log O_DIRECT, fsynced at each commit: the layer sees binary
# log appends only) and with the layer's worst case (sync_binlog=1, so each commit empties a journal, and
# innodb_flush_log_at_trx_commit=2 with the redo log through the page cache, so each commit's redo overwrite is
# copied into the journal first).
# Usage: bench/preload.sh   (from the repository root; needs Debian's mariadb-server, libfaketime, fiu-utils, gcc)
#        ROUNDS=5 QUERIES=5000 MYSQLD=/usr/sbin/mariadbd bench/preload.sh
set -euo pipefail
rounds=${ROUNDS:-5}
queries=${QUERIES:-3000}
mysqld=${MYSQLD:-/usr/sbin/mariadbd}
work=$(realpath "$(mktemp -d /tmp/preload-bench.XXXXXX)")
layer_source="$(dirname "$0")/../extension/src/main/resources/dev/mysqlsts/local/powercut.c"
port=$((20000 + RANDOM % 20000))
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
mariadb-install-db --no-defaults --datadir="$work/data" --user="$(id -un)" --auth-root-authentication-method=normal \
  >"$work/install.log" 2>&1
echo "+0" >"$work/clock"
mariadb -V >/dev/null
statements() {
  echo "CREATE DATABASE IF NOT EXISTS b; CREATE TABLE IF NOT EXISTS b.t (id INT AUTO_INCREMENT PRIMARY KEY, at DATETIME(6));"
  for ((q = 0; q < queries / 2; q++)); do echo "SELECT NOW(6); INSERT INTO b.t (at) VALUES (NOW(6));"; done
}
statements >"$work/statements.sql"
now_ms() { date +%s%3N; }
run() { # $1 label, rest: env assignments
  local label=$1; shift
  local start_total=0 query_total=0
  for ((r = 1; r <= rounds; r++)); do
    local t0; t0=$(now_ms)
    env "$@" "$mysqld" --no-defaults --datadir="$work/data" --user="$(id -un)" --port=$port \
      --socket="$work/s.sock" --log-bin="$work/data/bin" --server-id=1 --log-error="$work/err.log" $server_options &
    pid=$!
    until mariadb -h127.0.0.1 -P$port -uroot -e 'SELECT 1' >/dev/null 2>&1; do sleep 0.01; done
    local t1; t1=$(now_ms)
    mariadb -h127.0.0.1 -P$port -uroot <"$work/statements.sql" >/dev/null
    local t2; t2=$(now_ms)
    kill -9 "$pid"; wait "$pid" 2>/dev/null || true   # SIGTERM: 10.11.19 here may log "Got signal 15" and never end
    rm -f /dev/shm/faketime_shm_$pid /dev/shm/sem.faketime_sem_$pid "$work"/fiu-$pid.* "$work"/journals/*
    start_total=$((start_total + t1 - t0)); query_total=$((query_total + t2 - t1))
  done
  printf '%-48s start %5d ms   %d statements %6d ms   (means of %d rounds)\n' "$label" \
    $((start_total / rounds)) "$queries" $((query_total / rounds)) "$rounds"
}
preload="/usr/lib/fiu/fiu_run_preload.so /usr/lib/fiu/fiu_posix_preload.so /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
cc -O2 -shared -fPIC -o "$work/powercut.so" "$layer_source" -ldl -lpthread
mkdir -p "$work/journals"
for server_options in "" "--sync-binlog=1 --innodb-flush-log-at-trx-commit=2 --innodb-log-file-buffering=ON"; do
  echo "server options: ${server_options:-the defaults}"
  for ((i = 0; i < 2; i++)); do
    run "bare" X=1
    run "libfiu + libfaketime" LD_PRELOAD="$preload" FIU_CTRL_FIFO="$work/fiu" \
      FAKETIME_TIMESTAMP_FILE="$work/clock" FAKETIME_CACHE_DURATION=1 FAKETIME_DONT_FAKE_MONOTONIC=1
    run "libfiu + libfaketime + power-cut (as LOCAL does)" LD_PRELOAD="$preload $work/powercut.so" \
      FIU_CTRL_FIFO="$work/fiu" FAKETIME_TIMESTAMP_FILE="$work/clock" FAKETIME_CACHE_DURATION=1 \
      FAKETIME_DONT_FAKE_MONOTONIC=1 MYSQLSTS_POWERCUT_ROOT="$work/data" MYSQLSTS_POWERCUT_JOURNALS="$work/journals"
    [ "$i" = 0 ] && run "preloaded, FAKETIME_NO_CACHE=1" LD_PRELOAD="$preload" FIU_CTRL_FIFO="$work/fiu" \
      FAKETIME_TIMESTAMP_FILE="$work/clock" FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1
  done
done
