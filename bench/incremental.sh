#!/usr/bin/env bash
# Catch-up of a binlog backlog: OmsSync's incremental phase against MariaDB's own replication (one SQL thread, and
# slave_parallel_threads=2) and against the lower bound, the target replaying the backlog's row events natively
# (mariadb-binlog piped into a client), on the same backlog in the same run; at 1x and 4x the backlog; then the lag
# OmsSync holds while sysbench writes flat out.
#   ./build.sh bench incremental [--transactions N] [--rounds N] [--lag SECONDS]
# Defaults: 16384 transactions (the 4x backlog is 4 times that), 3 rounds, 20 s of load for the lag (0 skips it).
# Each round every contender starts from the same data at the same position: the replicas and the bound from a dump
# of the source taken there, OmsSync from a dump of its target (the rows and the `oms` checkpoint) taken there.
source "$(dirname "$0")/common.sh"
TRANSACTIONS=16384 ROUNDS=3 LAG_SECONDS=20
while [ $# -gt 0 ]; do
  case $1 in
    --transactions) TRANSACTIONS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --lag) LAG_SECONDS=$2; shift 2 ;;
    *) echo "incremental.sh: unknown argument $1 (--transactions N, --rounds N, --lag SECONDS)" >&2; exit 2 ;;
  esac
done
start_pair
REP1=$(scripts/servers.sh start-mariadb bench-rep1 "$(free_port)" 203); REP1_PORT=${REP1##*:}
REP2=$(scripts/servers.sh start-mariadb bench-rep2 "$(free_port)" 204); REP2_PORT=${REP2##*:}
BOUND=$(scripts/servers.sh start-mariadb bench-bound "$(free_port)" 205); BOUND_PORT=${BOUND##*:}
SB=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$SRC_PORT" --mysql-user=oms --mysql-password=oms-test-pw
    --mysql-db=sbtest --tables=4 --table-size=10000)
TASK=bench-incr
SEEDS=$OMSSYNC_SERVERS/seeds

sysbench_prepare 4 10000

# OmsSync: full copy, then the incremental phase; suspended while a backlog builds.
omssync -Command "
  $(oms_register)
  New-OmsTask -Name $TASK -Source bsrc -Target bdst -Include 'sbtest.*' -MigrationType Schema,Full,Incremental | Out-Null
  Start-OmsForward -Name $TASK -Wait -SkipPreCheck | Out-Null
" >/dev/null
suspend_oms() { omssync -Command "Suspend-OmsTask -Name $TASK | Out-Null" >/dev/null; }

# CPU seconds a process has used so far (user + system), from /proc/PID/stat.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
server_pid() { cat "$OMSSYNC_SERVERS/$1/p.pid"; }
SRC_PID=$(server_pid bench-src) DST_PID=$(server_pid bench-dst)
REP1_PID=$(server_pid bench-rep1) REP2_PID=$(server_pid bench-rep2) BOUND_PID=$(server_pid bench-bound)
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }

seq_of() { sed -E 's/.*-([0-9]+).*/\1/' <<<"$1"; }
oms_seq() { seq_of "$(sql "$DST_PORT" -N -e "SELECT position FROM oms.checkpoints WHERE task LIKE '$TASK%' AND direction = 'Forward'" | grep -Eo '"Gtids":"[^"]*"')"; }
replica_seq() { seq_of "$(sql "$1" -N -e "SELECT @@gtid_slave_pos")"; }

# The start every contender of a size sets out from: OmsSync suspended and caught up, the source's GTID and binlog
# coordinates, a dump of the source (replicas, bound) and of the target (OmsSync).
snapshot() {
  mkdir -p "$SEEDS"
  START_GTID=$(sql "$SRC_PORT" -N -e "SELECT @@gtid_binlog_pos")
  read -r START_FILE START_POS < <(sql "$SRC_PORT" -N -e "SHOW MASTER STATUS" | awk '{ print $1, $2 }')
  local port file
  for port in "$SRC_PORT" "$DST_PORT"; do
    [ "$port" = "$SRC_PORT" ] && file=source || file=target
    # shellcheck disable=SC2046
    mariadb-dump --no-defaults -h127.0.0.1 -P"$port" "${USER_ARGS[@]}" --single-transaction --add-drop-database \
      --databases $(sql "$port" -N -e "SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('sbtest', 'oms')") >"$SEEDS/$file.sql"
  done
}

# Builds a backlog of about N transactions (sysbench events, 4 threads) while OmsSync is suspended.
build_backlog() {
  sysbench oltp_read_write "${SB[@]}" --threads=4 --events="$1" --time=0 --report-interval=0 run >/dev/null
  END_GTID=$(sql "$SRC_PORT" -N -e "SELECT @@gtid_binlog_pos")
  read -r END_FILE END_POS < <(sql "$SRC_PORT" -N -e "SHOW MASTER STATUS" | awk '{ print $1, $2 }')
  TARGET_SEQ=$(seq_of "$END_GTID")
  BACKLOG=$((TARGET_SEQ - $(seq_of "$START_GTID")))
}

load_seed() { sql "$1" --init-command="SET sql_log_bin = 0" <"$SEEDS/$2.sql"; }

# Runs one contender from the snapshot to the backlog's end; sets T (wall seconds), CPU_* and DETAIL.
run_replica() {
  local port=$1 pid=$2 threads=$3
  sql "$port" -e "STOP SLAVE; RESET SLAVE ALL; SET GLOBAL slave_parallel_threads = $threads"
  load_seed "$port" source
  sql "$port" -e "SET GLOBAL gtid_slave_pos = '$START_GTID';
    CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$SRC_PORT, MASTER_USER='oms', MASTER_PASSWORD='oms-test-pw', MASTER_USE_GTID=slave_pos;"
  local src0 dst0 start end
  src0=$(cpu_of "$SRC_PID") dst0=$(cpu_of "$pid") start=$(date +%s.%N)
  sql "$port" -e "START SLAVE"
  while [ "$(replica_seq "$port")" -lt "$TARGET_SEQ" ]; do sleep 0.05; done
  end=$(date +%s.%N)
  T=$(minus "$end" "$start") CPU_SRC=$(minus "$(cpu_of "$SRC_PID")" "$src0") CPU_DST=$(minus "$(cpu_of "$pid")" "$dst0") CPU_WORKER=- DETAIL=""
}

run_oms() {
  load_seed "$DST_PORT" target
  local log lines=0 src0 dst0 start end worker
  log=$(ls "$OMSSYNC_HOME"/logs/$TASK*.forward.log 2>/dev/null | head -1 || true)
  [ -n "$log" ] && lines=$(wc -l <"$log")
  src0=$(cpu_of "$SRC_PID") dst0=$(cpu_of "$DST_PID") start=$(date +%s.%N)
  omssync -Command "Resume-OmsTask -Name $TASK | Out-Null" >/dev/null
  while [ "$(oms_seq)" -lt "$TARGET_SEQ" ]; do sleep 0.05; done
  end=$(date +%s.%N)
  worker=$(pgrep -f -- "run --task $TASK --direction Forward --home $OMSSYNC_HOME" | head -1)
  # The worker started with this round: all its CPU is the catch-up's (and its start-up's).
  CPU_WORKER=$(cpu_of "$worker")
  HWM=$(awk '/VmHWM/ { print $2 " " $3 }' "/proc/$worker/status")
  T=$(minus "$end" "$start") CPU_SRC=$(minus "$(cpu_of "$SRC_PID")" "$src0") CPU_DST=$(minus "$(cpu_of "$DST_PID")" "$dst0")
  suspend_oms
  log=$(ls "$OMSSYNC_HOME"/logs/$TASK*.forward.log | head -1)
  DETAIL=$(tail -n +$((lines + 1)) "$log" | { grep "batches" || true; } | tail -1 | sed -E 's/^.*\] //')
  DETAIL="peak RSS $HWM${DETAIL:+; $DETAIL}"
}

# The lower bound: the backlog's row events, as mariadb-binlog prints them (decoded once, untimed), replayed by one
# client on a copy of the seed without writing a binary log of its own (as the replicas).
run_bound() {
  load_seed "$BOUND_PORT" source
  local dir=$OMSSYNC_SERVERS/bench-src/data replay=$SEEDS/backlog-$END_POS.sql files=() f dst0 start end
  if [ ! -f "$replay" ]; then
    for f in $(sed -n "/$START_FILE/,/$END_FILE/p" "$dir/mysql-bin.index"); do files+=("$dir/$(basename "$f")"); done
    mariadb-binlog --no-defaults --start-position="$START_POS" --stop-position="$END_POS" "${files[@]}" >"$replay"
  fi
  dst0=$(cpu_of "$BOUND_PID") start=$(date +%s.%N)
  sql "$BOUND_PORT" --init-command="SET sql_log_bin = 0" <"$replay"
  end=$(date +%s.%N)
  T=$(minus "$end" "$start") CPU_SRC=- CPU_DST=$(minus "$(cpu_of "$BOUND_PID")" "$dst0") CPU_WORKER=- DETAIL="binlog $START_FILE:$START_POS..$END_FILE:$END_POS"
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

measure_size() {
  local label=$1 events=$2 round name
  suspend_oms 2>/dev/null || true
  snapshot
  echo "== $label backlog: sysbench oltp_read_write, 4 threads, $events events"
  build_backlog "$events"
  echo "backlog: $BACKLOG transactions, GTID $START_GTID .. $END_GTID"
  declare -gA TIMES=()
  for round in $(seq 1 "$ROUNDS"); do
    # The order turns each round, so no contender always runs first on a cold cache.
    local order=(rep1 oms rep2 bound)
    order=("${order[@]:$(( (round - 1) % 4 ))}" "${order[@]:0:$(( (round - 1) % 4 ))}")
    for name in "${order[@]}"; do
      case $name in
        rep1) run_replica "$REP1_PORT" "$REP1_PID" 0 ;;
        rep2) run_replica "$REP2_PORT" "$REP2_PID" 2 ;;
        oms) run_oms ;;
        bound) run_bound ;;
      esac
      TIMES[$name]+="$T "
      printf '  round %d %-5s %6s s  cpu: worker %s s, source %s s, target %s s  %s\n' "$round" "$name" "$T" "$CPU_WORKER" "$CPU_SRC" "$CPU_DST" "$DETAIL"
      [ "$name" = oms ] && eval "HWM_$label=\"\$HWM\""
    done
  done
  local m1 m2 mo mb
  # shellcheck disable=SC2086
  m1=$(median ${TIMES[rep1]}) m2=$(median ${TIMES[rep2]}) mo=$(median ${TIMES[oms]}) mb=$(median ${TIMES[bound]})
  echo "$label medians over $ROUNDS rounds ($BACKLOG transactions):"
  local -A labels=([rep1]="MariaDB replication, one SQL thread" [rep2]="MariaDB replication, slave_parallel_threads=2"
    [bound]="lower bound, native replay of the row events" [oms]="OmsSync incremental (incl. starting the worker)")
  for name in rep1 rep2 bound oms; do
    # shellcheck disable=SC2086
    printf '  %-48s %6s s  (rounds: %s)\n' "${labels[$name]}" "$(median ${TIMES[$name]})" "${TIMES[$name]}"
  done
  printf '  ratio one-thread replication / OmsSync: %sx\n  ratio parallel replication / OmsSync:   %sx\n  OmsSync / lower bound:                  %sx\n' \
    "$(ratio "$m1" "$mo")" "$(ratio "$m2" "$mo")" "$(ratio "$mo" "$mb")"
  local per
  per=$(awk -v t="$mo" -v n="$BACKLOG" 'BEGIN { printf "%.1f", t * 1000000 / n }')
  echo "  OmsSync time per transaction: $per us"
  eval "PER_$label=$per"
}

measure_size 1x "$TRANSACTIONS"
measure_size 4x $((TRANSACTIONS * 4))
echo "growth: OmsSync time per transaction $PER_1x us at 1x, $PER_4x us at 4x ($(ratio "$PER_4x" "$PER_1x")x; flat means within 1.15x);" \
  "worker peak RSS $HWM_1x at 1x, $HWM_4x at 4x"

[ "$LAG_SECONDS" -gt 0 ] || exit 0
echo "lag while sysbench runs flat out (${LAG_SECONDS} s, 4 threads):"
omssync -Command "Resume-OmsTask -Name $TASK | Out-Null" >/dev/null
sysbench oltp_read_write "${SB[@]}" --threads=4 --time="$LAG_SECONDS" --report-interval=0 run >/dev/null &
load=$!
python3 - "$OMSSYNC_HOME/state.db" "$LAG_SECONDS" "$TASK" <<'PY'
import sqlite3, sys, time
db, seconds, task = sys.argv[1], float(sys.argv[2]), sys.argv[3]
samples, end = [], time.time() + seconds
while time.time() < end:
    c = sqlite3.connect(db, timeout=5)
    row = c.execute("SELECT lag_ms FROM task_runtime WHERE task = ? AND direction = 'Forward'", (task,)).fetchone()
    c.close()
    if row and row[0] is not None: samples.append(row[0])
    time.sleep(0.5)
samples.sort()
pick = lambda p: samples[min(len(samples) - 1, int(p * len(samples)))] if samples else float('nan')
print(f"  lag p50 {pick(0.50)} ms, p99 {pick(0.99)} ms, max {samples[-1] if samples else 'n/a'} ms over {len(samples)} samples")
PY
wait "$load"
omssync -Command "Stop-OmsTask -Name $TASK -Confirm:\$false | Out-Null" >/dev/null
