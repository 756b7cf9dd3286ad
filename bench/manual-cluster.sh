#!/usr/bin/env bash
# The same steps as a LOCAL cluster start, by hand, for comparison: install a data directory, start the
# leader, clone each follower from the previous ordinal with mariabackup, point it at the leader, wait for
# each to answer SELECT 1. Prints "manual: 3 pods ready in <ms> ms". Needs Debian's mariadb-server and
# mariadb-backup. Usage: bench/manual-cluster.sh [replicas]
set -euo pipefail
replicas=${1:-3}
root=$(mktemp -d /tmp/manual-cluster-XXXXXX)
user=(); [ "$(id -u)" = 0 ] && user=(--user=root)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$root"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ready() { until mariadb --no-defaults -h127.0.0.1 -P"$1" -uroot -e 'SELECT 1' >/dev/null 2>&1; do sleep 0.02; done; }

start_ms=$(date +%s%3N)
ports=()
for ((n = 0; n < replicas; n++)); do
  dir=$root/mysql-$n; mkdir -p "$dir"; p=$(port); ports+=("$p")
  if [ "$n" = 0 ]; then
    mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal \
      --skip-test-db "${user[@]}" >"$dir/install.log" 2>&1
    role=(--log-bin=mysql-0-bin)
  else
    mkdir -p "$dir/data"
    mariabackup --no-defaults --backup --stream=xbstream --slave-info --host=127.0.0.1 --port="${ports[n-1]}" \
      --user=root --target-dir="$dir/tmp" 2>"$dir/backup.log" | mbstream -x -C "$dir/data"
    mariabackup --no-defaults --prepare --target-dir="$dir/data" >>"$dir/backup.log" 2>&1
    role=(--read-only)
  fi
  mariadbd --no-defaults --datadir="$dir/data" --port="$p" --bind-address=127.0.0.1 --socket="$dir/s.sock" \
    --server-id=$((100 + n)) --log-error="$dir/error.log" --skip-name-resolve "${role[@]}" "${user[@]}" 2>>"$dir/console.log" &
  pids+=($!); disown
  ready "$p"
  if [ "$n" != 0 ]; then
    if [ -f "$dir/data/xtrabackup_slave_info" ]; then coords=$(sed 's/;$//' "$dir/data/xtrabackup_slave_info")
    else read -r file pos _ < "$dir/data/xtrabackup_binlog_info"; coords="CHANGE MASTER TO MASTER_LOG_FILE='$file', MASTER_LOG_POS=$pos"; fi
    mariadb --no-defaults -h127.0.0.1 -P"$p" -uroot -e "$coords, MASTER_HOST='127.0.0.1', MASTER_PORT=${ports[0]}, MASTER_USER='root', MASTER_PASSWORD=''; START SLAVE;"
  fi
done
echo "manual: $replicas pods ready in $(( $(date +%s%3N) - start_ms )) ms"
