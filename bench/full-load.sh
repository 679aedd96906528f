#!/usr/bin/env bash
# Full load of sysbench tables between two throwaway MariaDB servers: mydumper + myloader (2 threads each) against
# OmsSync's full migration driven through its cmdlets (New-OmsTask -MigrationType Schema,Full, Start-OmsForward -Wait,
# the pwsh process included), alternately over ROUNDS rounds, at each size (1x and 4x). Per size it also measures the
# lower bound on this box (the source writing the rows out alone, the target loading them alone from local files with
# LOAD DATA) and prints medians, ratios, time per row, peak worker memory and a breakdown of where the time goes.
#   ./build.sh bench full-load [ROWS_PER_TABLE] [ROUNDS] [TABLES] [SIZES]
# Defaults: 250000 rows per table (1x is 1,000,000 rows), 3 rounds, 4 tables, sizes "1 4". Quick: full-load 20000 1 4 "1 2".
source "$(dirname "$0")/common.sh"
ROWS=${1:-250000}
ROUNDS=${2:-3}
TABLES=${3:-4}
SIZES=${4:-1 4}
TICK=$(getconf CLK_TCK)
WORK=$(mktemp -d /tmp/omssync-bench-work.XXXXXX)
start_pair
trap 'stop_workers; scripts/servers.sh stop-all; rm -rf "$OMSSYNC_SERVERS" "$OMSSYNC_HOME" "$WORK"' EXIT
SRC_PID=$(cat "$OMSSYNC_SERVERS/bench-src/p.pid")
DST_PID=$(cat "$OMSSYNC_SERVERS/bench-dst/p.pid")

now() { date +%s.%N; }
# CPU seconds (user + system) a process has used so far.
cpu() { awk -v t="$TICK" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t }' "/proc/$1/stat"; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Seconds since the epoch of a worker log line's timestamp ("2026-12-08 01:02:03.456Z [task/Forward] message").
log_time() { date -u -d "$(cut -c1-23 <<<"$1")" +%s.%N; }
tables() { seq 1 "$TABLES" | sed 's/^/sbtest/'; }

# The lower bound: the source writing every table out alone (SELECT ... INTO OUTFILE, two at a time), then the target
# loading those rows alone from local files (LOAD DATA, two tables at a time, 50,000 rows a statement, into tables with the
# primary key alone, as OmsSync and myloader load them before or beside their secondary indexes).
lower_bound() {
  local dir=$WORK/outfile
  rm -rf "$dir"; mkdir -p "$dir"
  sql "$DST_PORT" -e "DROP DATABASE IF EXISTS sb_bound; CREATE DATABASE sb_bound"
  for t in $(tables); do
    sql "$DST_PORT" sb_bound -e "CREATE TABLE $t (id INT NOT NULL, k INT NOT NULL DEFAULT 0, c CHAR(120) NOT NULL DEFAULT '',
      pad CHAR(60) NOT NULL DEFAULT '', PRIMARY KEY (id)) ENGINE = InnoDB"
  done
  local start
  start=$(now)
  tables | xargs -P 2 -I{} mariadb --no-defaults -h127.0.0.1 -P"$SRC_PORT" "${USER_ARGS[@]}" \
    -e "SELECT * FROM sbtest.{} INTO OUTFILE '$dir/{}.txt'"
  T_READ=$(minus "$(now)" "$start")
  for t in $(tables); do split -l 50000 -d -a 4 "$dir/$t.txt" "$dir/$t.part."; rm "$dir/$t.txt"; done
  start=$(now)
  tables | xargs -P 2 -I{} bash -c 'for f in "$1"/{}.part.*; do echo "LOAD DATA INFILE '"'"'$f'"'"' INTO TABLE {};"; done |
    mariadb --no-defaults -h127.0.0.1 -P"$2" -uoms -poms-test-pw sb_bound --init-command="SET sql_log_bin = 0"' _ "$dir" "$DST_PORT"
  T_LOAD=$(minus "$(now)" "$start")
  sql "$DST_PORT" -e "DROP DATABASE sb_bound"
  rm -rf "$dir"
}

mydumper_load() {
  local dir
  dir=$(mktemp -d "$WORK/dump.XXXXXX")
  mydumper -h 127.0.0.1 -P "$SRC_PORT" -u oms -p oms-test-pw -B sbtest -t 2 -o "$dir/dump" >/dev/null 2>&1
  myloader -h 127.0.0.1 -P "$DST_PORT" -u oms -p oms-test-pw -B sb_my -t 2 -d "$dir/dump" >/dev/null 2>&1
  rm -rf "$dir"
}

# OmsSync in a home of its own per round; pwsh prints when the module is loaded and the task defined (R <epoch seconds>)
# and, at its end, its own CPU time (C <seconds>): the shell's count of its children's CPU would take in the worker pwsh reaps.
oms_load() {
  omssync -Command "
    $(oms_register)
    New-OmsTask -Name bench-full -Source bsrc -Target bdst -Include 'sbtest.*' -Rename @{ sbtest = 'sb_oms' } -MigrationType Schema,Full -IndexMigration AfterFull | Out-Null
    'R ' + [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() / 1000
    Start-OmsForward -Name bench-full -Wait | Out-Null
    'C ' + [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalSeconds
  " >"$WORK/oms.out"
}

# Runs one tool, timing it, its own processes' CPU and the servers' CPU: sets T (wall s), TOOL_CPU, SRC_CPU and DST_CPU (s).
measure() {
  local s0 d0 start
  s0=$(cpu "$SRC_PID"); d0=$(cpu "$DST_PID"); start=$(now)
  ( "$@"; times >"$WORK/times" )
  T=$(minus "$(now)" "$start")
  SRC_CPU=$(minus "$(cpu "$SRC_PID")" "$s0"); DST_CPU=$(minus "$(cpu "$DST_PID")" "$d0")
  TOOL_CPU=$(awk '{ for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); s += p[1] * 60 + p[2] } } END { printf "%.2f", s }' <(tail -1 "$WORK/times"))
  START=$start
}

# Where an OmsSync round's time went, from pwsh's marks and the worker's log lines: sets PHASES, WORKER_CPU, PWSH_CPU, PEAK_MB.
oms_breakdown() {
  local log ready launch started schema copied indexed ended exits
  log=$(find "$OMSSYNC_HOME" -name '*.log' -path '*bench-full*' | head -1)
  line() { grep -m1 -- "$1" "$log"; }
  ready=$(sed -n 's/^R //p' "$WORK/oms.out")
  launch=$(log_time "$(line '] starting a worker')")
  started=$(log_time "$(line '] worker [0-9]* started')")
  schema=$(log_time "$(line '] schema migrated')")
  copied=$(log_time "$(line '] full migration done')")
  indexed=$(log_time "$(line '] secondary indexes built')")
  exits=$(line '] worker [0-9]* exits:')
  ended=$(awk -v s="$START" -v t="$T" 'BEGIN { printf "%.3f", s + t }')
  PHASES="start $(minus "$(minus "$ready" "$START")" "$(minus "$launch" "$started")"), pre-check $(minus "$launch" "$ready"),"
  PHASES+=" schema $(minus "$schema" "$started"), copy $(minus "$copied" "$schema"), index $(minus "$indexed" "$copied"), end $(minus "$ended" "$indexed")"
  WORKER_CPU=$(sed -E 's/.*cpu ([0-9.]+) s.*/\1/' <<<"$exits")
  PEAK_MB=$(sed -E 's/.*peak memory ([0-9]+) MB.*/\1/' <<<"$exits")
  PWSH_CPU=$(awk '/^C / { printf "%.2f", $2 }' "$WORK/oms.out")
}

# The target tables hold what the source holds: same row counts and CHECKSUM TABLE values.
check_copy() {
  local db=$1 t a b
  for t in $(tables); do
    a=$(sql "$SRC_PORT" -N -e "CHECKSUM TABLE sbtest.$t" | cut -f2)
    b=$(sql "$DST_PORT" -N -e "CHECKSUM TABLE $db.$t" | cut -f2)
    [ "$a" = "$b" ] || { echo "$db.$t differs from the source (checksum $b, source $a)" >&2; exit 1; }
  done
}

declare -A SUMMARY
for size in $SIZES; do
  rows_per_table=$((ROWS * size))
  total=$((TABLES * rows_per_table))
  sql "$SRC_PORT" -e "DROP DATABASE IF EXISTS sbtest"
  sysbench_prepare "$TABLES" "$rows_per_table"
  lower_bound
  echo "${size}x, $total rows: lower bound: source reads alone ${T_READ} s, target loads alone ${T_LOAD} s"
  my_times=() oms_times=() peaks=()
  for round in $(seq 1 "$ROUNDS"); do
    sql "$DST_PORT" -e "DROP DATABASE IF EXISTS sb_my; DROP DATABASE IF EXISTS sb_oms; DROP DATABASE IF EXISTS oms"
    measure mydumper_load
    my_times+=("$T")
    echo "  round $round: mydumper+myloader $T s (source cpu $SRC_CPU s, target cpu $DST_CPU s, mydumper+myloader cpu $TOOL_CPU s)"
    export OMSSYNC_HOME
    OMSSYNC_HOME=$(mktemp -d "$WORK/home.XXXXXX")
    measure oms_load
    oms_times+=("$T")
    oms_breakdown
    peaks+=("$PEAK_MB")
    echo "  round $round: OmsSync           $T s (source cpu $SRC_CPU s, target cpu $DST_CPU s, worker cpu $WORKER_CPU s, pwsh cpu $PWSH_CPU s, worker peak RSS $PEAK_MB MB)"
    echo "           phases (s): $PHASES"
    stop_workers
  done
  check_copy sb_my
  check_copy sb_oms
  my=$(median "${my_times[@]}")
  oms=$(median "${oms_times[@]}")
  bound=$(awk -v a="$T_READ" -v b="$T_LOAD" 'BEGIN { printf "%.2f", (a > b ? a : b) }')
  peak=$(printf '%s\n' "${peaks[@]}" | sort -n | tail -1)
  us_oms=$(awk -v t="$oms" -v n="$total" 'BEGIN { printf "%.2f", t * 1e6 / n }')
  us_my=$(awk -v t="$my" -v n="$total" 'BEGIN { printf "%.2f", t * 1e6 / n }')
  SUMMARY[$size]="$total $my $oms $bound $us_my $us_oms $peak"
  echo "${size}x, $total rows: median mydumper+myloader $my s, OmsSync $oms s, ratio mydumper/OmsSync $(ratio "$my" "$oms")x;" \
    "lower bound $bound s (OmsSync at $(ratio "$oms" "$bound")x of it); per row mydumper $us_my us, OmsSync $us_oms us; worker peak RSS $peak MB"
done

echo "full load, $ROUNDS round(s) per size, medians:"
printf '  %-4s %10s %10s %10s %7s %9s %11s %11s %9s\n' size rows mydumper OmsSync ratio bound us/row-my us/row-oms peak-MB
for size in $SIZES; do
  read -r total my oms bound us_my us_oms peak <<<"${SUMMARY[$size]}"
  printf '  %-4s %10s %10s %10s %6sx %9s %11s %11s %9s\n' "${size}x" "$total" "$my" "$oms" "$(ratio "$my" "$oms")" "$bound" "$us_my" "$us_oms" "$peak"
done
read -r first_size _ <<<"$SIZES"
last_size=${SIZES##* }
if [ "$first_size" != "$last_size" ]; then
  read -r _ _ _ _ _ us1 peak1 <<<"${SUMMARY[$first_size]}"
  read -r _ _ _ _ _ us2 peak2 <<<"${SUMMARY[$last_size]}"
  echo "  OmsSync time per row ${last_size}x / ${first_size}x: $(ratio "$us2" "$us1") (flat within 15% is 0.85 to 1.15); peak RSS ${peak1} MB -> ${peak2} MB"
fi
