#!/usr/bin/env bash
# Starts the topology of StatefulSet @NAME@ (@REPLICAS@ pods) with plain MariaDB programs: no Java, no harness.
# Pod 0 is the leader, with the ConfigMap's @LEADER_CONFIG@; the others get @FOLLOWER_CONFIG@ and replicate from it.
# It does not replay the test's statements or faults: see README.txt and faults.txt.
#
#   ./reproduce.sh                 start, print each follower's replication status, stop
#   KEEP=1 ./reproduce.sh          leave the servers running (it prints how to reach and stop them)
#   MARIADB_BASEDIR=/opt/mariadb-11.4 BASE_PORT=23306 WORK=/tmp/repro ./reproduce.sh
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPLICAS=@REPLICAS@
SERVER_IDS=(@SERVER_IDS@)
BASEDIR=${MARIADB_BASEDIR:-@BASEDIR@}
BASE_PORT=${BASE_PORT:-23306}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/reproduce-@NAME@-XXXXXX")}
USER_NAME=$(id -un)

find_program() { # the first of: $BASEDIR/{bin,sbin,scripts}/<name>, then <name> on the PATH
  for name in "$@"; do
    for dir in "$BASEDIR/bin" "$BASEDIR/sbin" "$BASEDIR/scripts"; do
      if [ -x "$dir/$name" ]; then echo "$dir/$name"; return; fi
    done
  done
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  done
  echo "reproduce.sh: none of $* found in $BASEDIR or on the PATH; install MariaDB or set MARIADB_BASEDIR" >&2
  exit 2
}
MARIADBD=$(find_program mariadbd mysqld)
INSTALL_DB=$(find_program mariadb-install-db mysql_install_db)
CLIENT=$(find_program mariadb mysql)

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
if [ "${KEEP:-0}" != 1 ]; then trap stop_all EXIT; fi

sql() { # sql <ordinal> <statement> [client options]
  local ordinal=$1 statement=$2
  shift 2
  "$CLIENT" --no-defaults --protocol=TCP -h127.0.0.1 -P$((BASE_PORT + ordinal)) -uroot --connect-timeout=5 "$@" \
    -e "$statement"
}

"$MARIADBD" --version
echo "working directory: $WORK"
for ((n = 0; n < REPLICAS; n++)); do
  dir="$WORK/@NAME@-$n"
  mkdir -p "$dir/data"
  config="$HERE/server-config/@FOLLOWER_CONFIG@"
  if [ "$n" = 0 ]; then config="$HERE/server-config/@LEADER_CONFIG@"; fi
  {
    # the role's config from the ConfigMap; MariaDB has no super_read_only (an unknown option stops mariadbd), so
    # read_only takes its place, as in the harness; root may still write where it holds READ_ONLY ADMIN
    sed -E 's/^[[:space:]]*super[-_]read[-_]only.*/read-only = 1/' "$config"
    printf '\n[mysqld]\nserver-id = %s\ndatadir = %s\nport = %s\nbind-address = 127.0.0.1\nsocket = %s\n' \
      "${SERVER_IDS[$n]}" "$dir/data" $((BASE_PORT + n)) "$dir/mysqld.sock"
    printf 'pid-file = %s\nlog-error = %s\nreport-host = 127.0.0.1\nreport-port = %s\nskip-ssl\n' \
      "$dir/mysqld.pid" "$dir/error.log" $((BASE_PORT + n))
  } > "$dir/my.cnf"
  "$INSTALL_DB" --defaults-file="$dir/my.cnf" --basedir="$BASEDIR" --user="$USER_NAME" \
    --auth-root-authentication-method=normal > "$dir/install.log" 2>&1 \
    || { echo "mariadb-install-db failed for @NAME@-$n ($dir/install.log):"; grep -iE "error|warn|can't|fail" \
      "$dir/install.log" | head -20; exit 1; }
  "$MARIADBD" --defaults-file="$dir/my.cnf" --basedir="$BASEDIR" --user="$USER_NAME" > "$dir/console.log" 2>&1 &
  pids+=($!)
  for ((i = 0; i < 120; i++)); do
    if sql "$n" "SELECT 1" >/dev/null 2>&1; then break; fi
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then echo "@NAME@-$n did not start:"; tail -20 "$dir/error.log"; exit 1; fi
    sleep 0.5
  done
  sql "$n" "SELECT 1" >/dev/null || { echo "@NAME@-$n did not answer within 60 s"; tail -20 "$dir/error.log"; exit 1; }
  if [ "$n" != 0 ]; then
    read -r file position _ < <(sql 0 "SHOW MASTER STATUS" --skip-column-names)
    sql "$n" "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$BASE_PORT, MASTER_USER='root', MASTER_PASSWORD='',
              MASTER_LOG_FILE='$file', MASTER_LOG_POS=$position, MASTER_CONNECT_RETRY=1, MASTER_SSL=0; START SLAVE"
  fi
  echo "@NAME@-$n: pid ${pids[-1]}, port $((BASE_PORT + n)), server-id ${SERVER_IDS[$n]}, config $config"
done

for ((n = 1; n < REPLICAS; n++)); do
  for ((i = 0; i < 60; i++)); do
    if sql "$n" "SHOW SLAVE STATUS\G" | grep -q "Slave_IO_Running: Yes"; then break; fi
    sleep 0.5
  done
  echo "@NAME@-$n replication:"
  sql "$n" "SHOW SLAVE STATUS\G" | grep -E "Slave_(IO|SQL)_Running:|Last_(IO_|SQL_)?Errno:|Last_(IO_|SQL_)?Error:|Seconds_Behind_Master:" \
    | sed 's/^ */  /'
done
echo "faults of the test (not replayed):"
sed 's/^/  /' "$HERE/faults.txt"
if [ "${KEEP:-0}" = 1 ]; then
  echo "servers left running: $CLIENT -h127.0.0.1 -P$BASE_PORT -uroot; stop them with: kill ${pids[*]}"
fi
