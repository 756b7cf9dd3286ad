#!/usr/bin/env bash
# Reproduces a test of StatefulSet @NAME@ (@REPLICAS@ pods) with plain MariaDB programs: no Java, no harness.
# Pod 0 is the leader, with the ConfigMap's @LEADER_CONFIG@; the others get @FOLLOWER_CONFIG@ and replicate from it.
# Then it replays replay.tsv: the test's statements, one `mariadb` client per recorded connection, and the faults it
# can (kill, killAll, deletePod, pause/resume, stop/start replication, replication delay; isolate, partition and a
# leader-to-follower cut approximated by STOP SLAVE IO_THREAD), and prints the followers' replication, every table's
# row count and checksum per pod, and what the test asserted. README.txt says what it cannot replay.
#
#   ./reproduce.sh                 start, replay, report, stop and remove everything it made
#   TIMING=real ./reproduce.sh     keep every gap between events (default: gaps longer than MAX_GAP_MS shrink to it)
#   REPLAY=0 ./reproduce.sh        only start the topology and print its replication status
#   KEEP=1 ./reproduce.sh          leave the servers running and the working directory in place
#   MARIADB_BASEDIR=/opt/mariadb-11.4 BASE_PORT=23306 WORK=/tmp/repro MAX_GAP_MS=200 ./reproduce.sh
set -uo pipefail # no -e: a replayed statement or fault may fail, as it may have in the test; failures that matter exit

HERE=$(cd "$(dirname "$0")" && pwd)
REPLICAS=@REPLICAS@
SERVER_IDS=(@SERVER_IDS@)
BASEDIR=${MARIADB_BASEDIR:-@BASEDIR@}
BASE_PORT=${BASE_PORT:-23306}
TIMING=${TIMING:-compressed}
MAX_GAP_MS=${MAX_GAP_MS:-200}
REPLAY=${REPLAY:-1}
KEEP=${KEEP:-0}
NAME=@NAME@
MYSQL_VERSION='@MYSQL_VERSION@'
if [ -n "$MYSQL_VERSION" ]; then
  echo "reproduce.sh: the cluster ran MySQL $MYSQL_VERSION, and this script starts MariaDB programs only" \
    "(mariadb-install-db, mariadbd, the mariadb client): replay.tsv and the statements files hold what the test did" >&2
  exit 2
fi

case "$TIMING" in compressed | real) ;; *)
  echo "reproduce.sh: TIMING=$TIMING: give TIMING=compressed (the default) or TIMING=real" >&2
  exit 2
  ;;
esac
for tool in mkfifo mktemp timeout sed grep tail head cat sort uniq tr basename rm mkdir id; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "reproduce.sh: $tool is not on the PATH (coreutils, sed and grep are needed besides MariaDB)" >&2
    exit 2
  }
done
if [ -n "${WORK:-}" ]; then
  OWN_WORK=0
  mkdir -p "$WORK"
else
  OWN_WORK=1
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/reproduce-$NAME-XXXXXX")
fi
WORK=$(cd "$WORK" && pwd)
USER_OPT=() # mariadbd refuses to run as root without --user=root; as anyone else --user is not needed
if [ "$(id -u)" = 0 ]; then USER_OPT=(--user=root); fi

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
MARIADBD=$(find_program mariadbd mysqld) || exit 2
INSTALL_DB=$(find_program mariadb-install-db mysql_install_db) || exit 2
CLIENT=$(find_program mariadb mysql) || exit 2

pids=()                 # ordinal -> mariadbd pid
declare -A conn_fd=()   # recorded connection -> the fd of its client's fifo
declare -A conn_pid=()  # recorded connection -> its client's pid
declare -A conn_pod=()
declare -A down=()      # ordinal -> 1 while killed and not yet answering
declare -A paused=()
declare -A io_stopped=() # ordinal -> how many cuts keep its IO thread stopped
SLEEP_FD=

pod() { echo "$NAME-$1"; }

cleanup() {
  trap - EXIT INT TERM
  for c in "${!conn_fd[@]}"; do local fd=${conn_fd[$c]}; exec {fd}>&- 2>/dev/null; done
  for c in "${!conn_pid[@]}"; do kill "${conn_pid[$c]}" 2>/dev/null; done
  if [ "$KEEP" = 1 ]; then
    echo "KEEP=1: servers left running (pids ${pids[*]:-none}), working directory $WORK;" \
      "reach mysql-0 with: $CLIENT -h127.0.0.1 -P$BASE_PORT -uroot; stop with: kill ${pids[*]:-}"
    return
  fi
  for pid in "${pids[@]}"; do kill -CONT "$pid" 2>/dev/null; kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait_exit "$pid" 30; done
  for c in "${!conn_pid[@]}"; do wait "${conn_pid[$c]}" 2>/dev/null; done
  if [ "$OWN_WORK" = 1 ]; then
    rm -rf "$WORK"
  else
    rm -rf "$WORK/replay" "$WORK"/"$NAME"-[0-9]*
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_exit() { # wait_exit <pid> <seconds>: until it exits, then kill -9 it
  local pid=$1 i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

sql() { # sql <ordinal> <statement> [client options]
  local ordinal=$1 statement=$2
  shift 2
  timeout 30 "$CLIENT" --no-defaults --protocol=TCP -h127.0.0.1 -P$((BASE_PORT + ordinal)) -uroot \
    --connect-timeout=5 "$@" -e "$statement"
}

close_inherited() { # in a child: the replay's fifo ends are not its own (a client would never see its input end)
  local f
  for f in "${conn_fd[@]}" $SLEEP_FD; do exec {f}>&-; done
}

start_server() { # mariadbd on the pod's data directory, in the background (the supervisor's restart too)
  local n=$1 dir="$WORK/$NAME-$1"
  (
    close_inherited
    exec "$MARIADBD" --defaults-file="$dir/my.cnf" --basedir="$BASEDIR" "${USER_OPT[@]}"
  ) >>"$dir/console.log" 2>&1 &
  pids[n]=$!
}

wait_ready() { # wait_ready <ordinal> <seconds>: until the server answers SELECT 1
  local n=$1 limit=$2 i
  for ((i = 0; i < limit * 4; i++)); do
    if sql "$n" "SELECT 1" >/dev/null 2>&1; then unset "down[$n]"; return 0; fi
    if ! kill -0 "${pids[n]}" 2>/dev/null; then
      echo "$(pod "$n") stopped while starting:"
      tail -20 "$WORK/$NAME-$n/error.log"
      return 1
    fi
    sleep 0.25
  done
  echo "$(pod "$n") did not answer within $limit s"
  tail -20 "$WORK/$NAME-$n/error.log"
  return 1
}

"$MARIADBD" --version
echo "working directory: $WORK"
for ((n = 0; n < REPLICAS; n++)); do
  dir="$WORK/$NAME-$n"
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
  } >"$dir/my.cnf"
  "$INSTALL_DB" --defaults-file="$dir/my.cnf" --basedir="$BASEDIR" "${USER_OPT[@]}" \
    --auth-root-authentication-method=normal >"$dir/install.log" 2>&1 ||
    {
      echo "mariadb-install-db failed for $NAME-$n ($dir/install.log):"
      grep -iE "error|warn|can't|fail" "$dir/install.log" | head -20
      exit 1
    }
  start_server "$n"
  wait_ready "$n" 60 || exit 1
  if [ "$n" != 0 ]; then
    read -r file position _ < <(sql 0 "SHOW MASTER STATUS" --skip-column-names)
    # the harness's follower tuning: a cut or dead link shows within seconds
    sql "$n" "SET GLOBAL slave_net_timeout = 4;
              CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$BASE_PORT, MASTER_USER='root', MASTER_PASSWORD='',
              MASTER_LOG_FILE='$file', MASTER_LOG_POS=$position, MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=2,
              MASTER_SSL=0; START SLAVE" || exit 1
  fi
  echo "$NAME-$n: pid ${pids[n]}, port $((BASE_PORT + n)), server-id ${SERVER_IDS[$n]}, config $config"
done

replication_status() {
  local n
  for ((n = 1; n < REPLICAS; n++)); do
    echo "$NAME-$n replication:"
    if [ -n "${paused[$n]:-}" ]; then echo "  (paused: the fault was in force when the bundle was written)"; continue; fi
    sql "$n" "SHOW SLAVE STATUS\G" | grep -E "Slave_(IO|SQL)_Running:|Last_(IO_|SQL_)?Errno:|Last_(IO_|SQL_)?Error:|Seconds_Behind_Master:|SQL_Delay:" |
      sed 's/^ */  /'
  done
}

if [ "$REPLAY" = 0 ]; then
  for ((n = 1; n < REPLICAS; n++)); do
    for ((i = 0; i < 60; i++)); do
      if sql "$n" "SHOW SLAVE STATUS\G" | grep -q "Slave_IO_Running: Yes"; then break; fi
      sleep 0.5
    done
  done
  replication_status
  echo "faults of the test (REPLAY=0: not replayed):"
  sed 's/^/  /' "$HERE/faults.txt"
  exit 0
fi

# ---------------------------------------------------------------------------------------------------- the replay
REPLAY_DIR="$WORK/replay"
mkdir -p "$REPLAY_DIR"
trap '' PIPE # a replayed client that died (its pod killed) must not kill the script; set here, as children inherit it
mkfifo "$REPLAY_DIR/.sleep"
exec {SLEEP_FD}<>"$REPLAY_DIR/.sleep" # read -t on it sleeps without starting a process

pause_ms() {
  local ms=$1
  if ((ms > 0)); then read -r -t "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))" -u "$SLEEP_FD" _; fi
}

restarted() { # restarted <ordinal> <offset>: a killed pod answers again (the test saw it Ready)
  if [ -n "${down[$1]:-}" ]; then wait_ready "$1" 60 && echo "replay +$2 ms: $(pod "$1") answers again"; fi
}

open_conn() { # one mariadb client per recorded connection, fed through a fifo, started at its first statement
  local c=$1 n=$2 at=$3 fd
  restarted "$n" "$at"
  mkfifo "$REPLAY_DIR/c$c.in"
  (
    close_inherited
    exec "$CLIENT" --no-defaults --protocol=TCP -h127.0.0.1 -P$((BASE_PORT + n)) -uroot --connect-timeout=5 \
      --batch --force --unbuffered --skip-reconnect
  ) <"$REPLAY_DIR/c$c.in" >"$REPLAY_DIR/c$c-$(pod "$n").out" 2>&1 &
  conn_pid[$c]=$!
  conn_pod[$c]=$n
  exec {fd}>"$REPLAY_DIR/c$c.in"
  conn_fd[$c]=$fd
  printf 'DELIMITER @@@@\n' >&"$fd" # a delimiter no statement holds: each recorded statement is sent whole
}

close_conn() {
  local c=$1 fd=${conn_fd[$1]:-}
  if [ -n "$fd" ]; then exec {fd}>&-; fi
  unset "conn_fd[$c]"
}

settle() { # before a replication fault: the clients run what they were sent, the followers catch up (as a test
  # usually awaits replication before it stops, delays or cuts it); bounded, so that a paused pod only costs the bound
  local c fd afd ack file position n
  for c in "${!conn_fd[@]}"; do
    kill -0 "${conn_pid[$c]}" 2>/dev/null || continue
    ack="$REPLAY_DIR/c$c.ack"
    [ -p "$ack" ] || mkfifo "$ack"
    exec {afd}<>"$ack" # read-write: the open never blocks, the read has its bound
    fd=${conn_fd[$c]}
    if printf '\\! printf "x\\n" > %s\n' "$ack" >&"$fd" 2>/dev/null; then read -r -t 10 -u "$afd" _; fi
    exec {afd}<&-
  done
  if read -r file position _ < <(sql 0 "SHOW MASTER STATUS" --skip-column-names); then
    for ((n = 1; n < REPLICAS; n++)); do
      if [ -z "${paused[$n]:-}" ] && [ -z "${down[$n]:-}" ]; then
        sql "$n" "SELECT MASTER_POS_WAIT('$file', $position, 5)" >/dev/null 2>&1
      fi
    done
  fi
}

followers_cut() { # followers that a cut of this kind and these pods separates from the leader (ordinal 0)
  local kind=$1 pods=",$2," n
  case "$kind" in
  isolate) if [ "$2" = 0 ]; then for ((n = 1; n < REPLICAS; n++)); do echo "$n"; done; else echo "$2"; fi ;;
  partition)
    for ((n = 1; n < REPLICAS; n++)); do
      if [[ $pods == *,0,* ]] && [[ $pods != *,$n,* ]]; then echo "$n"; fi
      if [[ $pods != *,0,* ]] && [[ $pods == *,$n,* ]]; then echo "$n"; fi
    done
    ;;
  cut) if [[ $2 == 0,* ]] && [ "${2#0,}" != 0 ]; then echo "${2#0,}"; fi ;;
  esac
}

not_replayed=0
fault_start() { # fault_start <kind> <ordinals> <detail> <offset>
  local kind=$1 ords=$2 detail=$3 at=$4 n pid delay
  local -a list
  IFS=, read -r -a list <<<"$ords"
  case "$kind" in
  kill | killAll)
    if [ "$kind" = killAll ]; then list=(); for ((n = 0; n < REPLICAS; n++)); do list+=("$n"); done; fi
    for n in "${list[@]}"; do
      pid=${pids[n]}
      kill -KILL "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
      unset "paused[$n]"
      start_server "$n"
      down[$n]=1
      echo "replay +$at ms: $kind $(pod "$n"): kill -9 $pid, mariadbd started again on its data directory (pid ${pids[n]})"
    done
    ;;
  deletePod)
    n=${list[0]} pid=${pids[n]}
    kill -CONT "$pid" 2>/dev/null
    kill -TERM "$pid" 2>/dev/null
    wait_exit "$pid" 60
    unset "paused[$n]"
    start_server "$n"
    down[$n]=1
    wait_ready "$n" 60
    echo "replay +$at ms: deletePod $(pod "$n"): kill -TERM $pid, stopped, started again (pid ${pids[n]})"
    ;;
  pause)
    n=${list[0]}
    kill -STOP "${pids[n]}" && paused[$n]=1
    echo "replay +$at ms: pause $(pod "$n"): kill -STOP ${pids[n]}"
    ;;
  stopReplication)
    n=${list[0]}
    settle
    sql "$n" "STOP SLAVE"
    echo "replay +$at ms: stopReplication $(pod "$n"): STOP SLAVE"
    ;;
  delayReplication)
    n=${list[0]} delay=${detail%s}
    if [ "$detail" = - ]; then delay=${DELAY_SECONDS:-30}; fi
    settle
    sql "$n" "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=$delay; START SLAVE"
    echo "replay +$at ms: delayReplication $(pod "$n"): MASTER_DELAY=$delay"
    ;;
  isolate | partition | cut)
    local cut_off
    cut_off=$(followers_cut "$kind" "$ords")
    if [ -n "$cut_off" ]; then settle; fi
    for n in $cut_off; do
      io_stopped[$n]=$((${io_stopped[$n]:-0} + 1))
      if [ "${io_stopped[$n]}" = 1 ]; then sql "$n" "STOP SLAVE IO_THREAD"; fi
    done
    if [ -n "$cut_off" ]; then
      echo "replay +$at ms: $kind [$ords] APPROXIMATED: STOP SLAVE IO_THREAD on" $(for n in $cut_off; do pod "$n"; done) \
        "(the harness drops the bytes in its proxies; a plain process has none)"
    else
      echo "replay +$at ms: $kind [$ords] NOT replayed: it separates no follower from the leader's stream"
      not_replayed=$((not_replayed + 1))
    fi
    ;;
  *)
    echo "replay +$at ms: $kind [$ords] NOT replayed: it needs the harness's proxies, readiness gate or tools"
    not_replayed=$((not_replayed + 1))
    ;;
  esac
}

fault_end() { # fault_end <kind> <ordinals> <offset>
  local kind=$1 ords=$2 at=$3 n
  local -a list
  IFS=, read -r -a list <<<"$ords"
  case "$kind" in
  kill | killAll)
    if [ "$kind" = killAll ]; then list=(); for ((n = 0; n < REPLICAS; n++)); do list+=("$n"); done; fi
    for n in "${list[@]}"; do restarted "$n" "$at"; done
    ;;
  pause)
    n=${list[0]}
    if [ -n "${paused[$n]:-}" ]; then kill -CONT "${pids[n]}"; unset "paused[$n]"; echo "replay +$at ms: resume $(pod "$n"): kill -CONT"; fi
    ;;
  stopReplication) n=${list[0]}; sql "$n" "START SLAVE"; echo "replay +$at ms: startReplication $(pod "$n"): START SLAVE" ;;
  delayReplication)
    n=${list[0]}
    sql "$n" "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE"
    echo "replay +$at ms: delayReplication $(pod "$n") ended: MASTER_DELAY=0"
    ;;
  isolate | partition | cut)
    for n in $(followers_cut "$kind" "$ords"); do
      io_stopped[$n]=$((${io_stopped[$n]:-1} - 1))
      if [ "${io_stopped[$n]}" = 0 ]; then sql "$n" "START SLAVE IO_THREAD"; echo "replay +$at ms: $(pod "$n"): START SLAVE IO_THREAD"; fi
    done
    ;;
  esac
}

echo "replaying $HERE/replay.tsv (TIMING=$TIMING, MAX_GAP_MS=$MAX_GAP_MS)"
if grep -q "earlier statements dropped" "$HERE/statements/all.tsv" 2>/dev/null; then
  echo "note: $(grep -m1 -o '[0-9]* earlier statements dropped' "$HERE/statements/all.tsv") by the recording's bound:" \
    "the replay starts later than the test did, and statements may fail for want of what those made"
fi
sent=0
originally_failed=0
declare -A sent_to=()
previous=0
target=0
now_us=${EPOCHREALTIME/[.,]/}
start_us=$now_us
while IFS=$'\t' read -r -u 3 offset type conn ords arg payload; do
  case "$offset" in '#'* | '') continue ;; esac
  gap=$((offset - previous))
  previous=$offset
  if [ "$TIMING" != real ] && ((gap > MAX_GAP_MS)); then gap=$MAX_GAP_MS; fi
  target=$((target + gap))
  now_us=${EPOCHREALTIME/[.,]/}
  ahead=$((target - (now_us - start_us) / 1000))
  if ((ahead > 0)); then pause_ms "$ahead"; fi
  case "$type" in
  S)
    if [ -z "${conn_pid[$conn]:-}" ]; then open_conn "$conn" "$ords" "$offset"; fi
    if [ -n "${conn_fd[$conn]:-}" ]; then
      fd=${conn_fd[$conn]}
      if printf '%b\n@@@@\n' "$payload" >&"$fd" 2>/dev/null; then
        sent=$((sent + 1))
        sent_to[$ords]=$((${sent_to[$ords]:-0} + 1))
      fi
    fi
    if [ "$arg" = failed ]; then originally_failed=$((originally_failed + 1)); fi
    ;;
  C) close_conn "$conn" ;;
  F) fault_start "$arg" "$ords" "$payload" "$offset" ;;
  E) fault_end "$arg" "$ords" "$offset" ;;
  M) echo "replay +$offset ms: $arg [$ords] by the harness: NOT replayed (the script keeps ordinal 0 the leader)" ;;
  esac
  # never rush: after a wait (a restart, a slow fault) the next gaps are kept from here
  now_us=${EPOCHREALTIME/[.,]/}
  if (((now_us - start_us) / 1000 > target + 50)); then start_us=$((now_us - target * 1000)); fi
done 3<"$HERE/replay.tsv"

for c in "${!conn_fd[@]}"; do close_conn "$c"; done
for ((i = 0; i < 120; i++)); do # the clients finish what they were sent (a paused pod's never do)
  running=0
  for c in "${!conn_pid[@]}"; do if kill -0 "${conn_pid[$c]}" 2>/dev/null; then running=$((running + 1)); fi; done
  if ((running == 0)); then break; fi
  pause_ms 250
done
if ((running > 0)); then echo "$running replayed clients still ran after 30 s (a paused pod?): stopped"; fi
for c in "${!conn_pid[@]}"; do kill "${conn_pid[$c]}" 2>/dev/null; wait "${conn_pid[$c]}" 2>/dev/null; done

echo "== after the replay =="
printf 'statements replayed: %s on %s connections (%s had failed in the test);' "$sent" "${#conn_pid[@]}" "$originally_failed"
for ((n = 0; n < REPLICAS; n++)); do printf ' %s: %s' "$(pod "$n")" "${sent_to[$n]:-0}"; done
echo
errors=$(cat "$REPLAY_DIR"/*.out 2>/dev/null | grep -o '^ERROR [0-9]*' | sort | uniq -c | sed 's/^ *//' | tr '\n' ';')
echo "errors the replayed statements got: ${errors:-none}"
for f in "$REPLAY_DIR"/*.out; do
  [ -e "$f" ] || continue
  grep -m3 '^ERROR' "$f" | sed "s|^|  $(basename "$f" .out): |"
done | head -40
for n in "${!down[@]}"; do restarted "$n" "$previous"; done
if read -r file position _ < <(sql 0 "SHOW MASTER STATUS" --skip-column-names); then
  for ((n = 1; n < REPLICAS; n++)); do # let the followers catch up, 30 s at most
    if [ -z "${paused[$n]:-}" ]; then sql "$n" "SELECT MASTER_POS_WAIT('$file', $position, 30)" >/dev/null 2>&1; fi
  done
fi
replication_status
echo "tables (rows and CHECKSUM TABLE per pod):"
tables=$(sql 0 "SELECT CONCAT('\`', table_schema, '\`.\`', table_name, '\`') FROM information_schema.tables
                WHERE table_type = 'BASE TABLE'
                  AND table_schema NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
                ORDER BY 1" --skip-column-names)
for table in $tables; do
  line="  $table"
  leader_state=
  for ((n = 0; n < REPLICAS; n++)); do
    if [ -n "${paused[$n]:-}" ]; then line="$line | $(pod "$n"): paused"; continue; fi
    rows=$(sql "$n" "SELECT COUNT(*) FROM $table" --skip-column-names 2>/dev/null || echo "?")
    read -r _ sum < <(sql "$n" "CHECKSUM TABLE $table" --skip-column-names 2>/dev/null || echo "? ?")
    state="rows $rows checksum ${sum:-?}"
    if [ "$n" = 0 ]; then leader_state=$state; fi
    line="$line | $(pod "$n"): $state"
    if [ "$n" != 0 ] && [ "$state" != "$leader_state" ]; then line="$line (DIFFERS from $(pod 0))"; fi
  done
  echo "$line"
done
if ((not_replayed > 0)); then echo "$not_replayed faults were not replayed (see the lines above and README.txt)"; fi
echo "what the test asserted (failure.txt):"
sed 's/^/  /' "$HERE/failure.txt"
