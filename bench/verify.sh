#!/usr/bin/env bash
# Data verification of sysbench rows (by default 4 tables x 250k = 1,000,000 rows, then 4x that) between two
# throwaway MariaDB servers: pt-table-checksum and OmsSync's Start-OmsVerification on the same data, in the same run,
# alternately, with the lower bound (each server scanning the tables alone) measured in the same rounds.
#   ./build.sh bench verify [TABLES] [ROWS_PER_TABLE] [ROUNDS] [SCALES]
# SCALES lists the sizes as multiples of TABLES x ROWS_PER_TABLE ("1 4" by default; "1" for a quick run).
#
# pt-table-checksum verifies a replica against its master: it checksums each chunk on the master with a
# statement that replicates, so the replica checksums its own copy, and compares the two. The target is
# therefore made a replica of the source (after OmsSync copied the data to it), and pt-table-checksum finds
# it through --recursion-method=dsn. Both tools thus checksum every row on both servers. OmsSync's time is
# that of Start-OmsVerification -Wait, worker start included; pt-table-checksum's is its whole run. A larger
# scale is reached by copying each table's rows into itself on the source, which the replica applies too.
#
# The breakdown: CPU seconds of the worker (read from /proc while it runs, with its peak RSS, VmHWM) and of each
# server (from /proc/<pid>/stat before and after), and the wall time of each phase the worker logs. The lower
# bound: every table checksummed by one plain full-scan query (COUNT and BIT_XOR of CRC32 over the row's columns,
# the least a checksum of every byte costs), all tables on both servers at once.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/proc.sh"
TABLES=${1:-4}
ROWS=${2:-250000}
ROUNDS=${3:-3}
SCALES=${4:-1 4}
start_pair
sysbench_prepare "$TABLES" "$ROWS"
SRC_PID=$(server_pid bench-src)
DST_PID=$(server_pid bench-dst)

echo "copying them to $DST with OmsSync (same names), then making $DST a replica of $SRC"
omssync -Command "
  $(oms_register)
  New-OmsTask -Name bench-verify -Source bsrc -Target bdst -Include 'sbtest.*' -MigrationType Schema,Full | Out-Null
  Start-OmsForward -Name bench-verify -Wait -SkipPreCheck | Out-Null
" >/dev/null
read -r file pos < <(sql "$SRC_PORT" -N -e "SHOW MASTER STATUS" | awk '{print $1, $2}')
sql "$DST_PORT" -e "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$SRC_PORT, MASTER_USER='oms', MASTER_PASSWORD='oms-test-pw',
  MASTER_LOG_FILE='$file', MASTER_LOG_POS=$pos; START SLAVE"
sql "$SRC_PORT" -e "CREATE DATABASE percona; CREATE TABLE percona.dsns (id INT AUTO_INCREMENT PRIMARY KEY, parent_id INT, dsn VARCHAR(255) NOT NULL);
  INSERT INTO percona.dsns (dsn) VALUES ('h=127.0.0.1,P=$DST_PORT,u=oms,p=oms-test-pw')"

# The replica has applied everything the source logged so far (pt's checksums included).
replica_caught_up() {
  read -r file pos < <(sql "$SRC_PORT" -N -e "SHOW MASTER STATUS" | awk '{print $1, $2}')
  sql "$DST_PORT" -N -e "SELECT MASTER_POS_WAIT('$file', $pos, 600)" >/dev/null
}
pt_run() {
  /usr/bin/time -f '%U %S' -o "$OMSSYNC_SERVERS/pt.cpu" pt-table-checksum --no-check-binlog-format --recursion-method="dsn=h=127.0.0.1,P=$SRC_PORT,u=oms,p=oms-test-pw,D=percona,t=dsns" \
    "h=127.0.0.1,P=$SRC_PORT,u=oms,p=oms-test-pw" --databases=sbtest >"$OMSSYNC_SERVERS/pt.out" 2>&1
}
VERIFY_LOG_GLOB="$OMSSYNC_HOME/logs/bench-verify-*.verify.log"
# Prints the seconds Start-OmsVerification -Wait took, then its per-table results; oms.clock gets its start and end
# (Unix ms) and the CPU seconds the host (pwsh with the module) spent on it.
oms_run() {
  omssync -Command "
    \$host_cpu = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime
    \$started = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
    \$clock = [Diagnostics.Stopwatch]::StartNew()
    \$results = Start-OmsVerification -Name bench-verify -Wait -Confirm:\$false
    \$clock.Stop()
    \$host_cpu = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime - \$host_cpu
    '{0} {1} {2:0.00}' -f \$started, ([DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()), \$host_cpu.TotalSeconds | Set-Content '$OMSSYNC_SERVERS/oms.clock'
    '{0:0.00}' -f \$clock.Elapsed.TotalSeconds
    \$results | Format-Table SourceTable, Status, SourceRows, TargetRows, Chunks, MissingOnTarget, ExtraOnTarget, Different | Out-String
  " >"$OMSSYNC_SERVERS/oms.out" 2>&1
  head -1 "$OMSSYNC_SERVERS/oms.out"
}
# The lower bound: every table checksummed by one full scan, all tables on both servers at once.
bound_run() {
  local port t
  for port in "$SRC_PORT" "$DST_PORT"; do
    for t in $(seq 1 "$TABLES"); do
      sql "$port" -N -e "SELECT COUNT(*), BIT_XOR(CRC32(CONCAT_WS('#', id, k, c, pad))) FROM sbtest.sbtest$t" >/dev/null &
    done
  done
  wait
}
# Runs a command and prints "WALL SOURCE_CPU TARGET_CPU" (seconds); the command's own output is dropped.
measured() {
  local s0 d0 start end
  s0=$(cpu_seconds "$SRC_PID"); d0=$(cpu_seconds "$DST_PID"); start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  echo "$start $end $s0 $(cpu_seconds "$SRC_PID") $d0 $(cpu_seconds "$DST_PID")" | awk '{printf "%.2f %.2f %.2f\n", $2 - $1, $4 - $3, $6 - $5}'
}
# The wall time of each phase of the last OmsSync run, from its start and the worker's log lines of that run: worker
# start (until its first line), tables resolved, set-up (statistics, plans), checksums, confirmation, end (results read).
oms_phases() {
  local start_ms end_ms
  read -r start_ms end_ms _ <"$OMSSYNC_SERVERS/oms.clock"
  awk -v start="$start_ms" -v stop="$end_ms" '
    function ms(line,   d, t, p) { d = substr(line, 1, 10); t = substr(line, 12, 12); gsub(/-/, " ", d); split(t, p, ":")
      return (mktime(d " " p[1] " " p[2] " 0", 1) + p[3]) * 1000 }
    { at = ms($0); if (at < start) next }
    / starting in worker process / { first = at }
    / table\(s\) resolved/ { resolved = at }
    /verification of [0-9]+ table/ { planned = at }
    /range\(s\) checksummed/ { summed = at }
    /verification done/ { done = at }
    END { if (!first || !resolved || !planned || !done) { print "(the worker log lacks phase lines)"; exit }
      if (!summed) summed = done
      printf "worker start %.2f s, tables resolved %.2f s, set-up %.2f s, checksums %.2f s, confirmation %.2f s, end %.2f s\n",
        (first - start) / 1000, (resolved - first) / 1000, (planned - resolved) / 1000, (summed - planned) / 1000, (done - summed) / 1000, (stop - done) / 1000 }' $VERIFY_LOG_GLOB
}

# The sum of the medians of the named arrays of CPU seconds.
total_cpu() {
  local name total=0
  for name in "$@"; do
    local -n values=$name
    total=$(awk -v a="$total" -v b="$(median "${values[@]}")" 'BEGIN { printf "%.2f", a + b }')
  done
  echo "$total"
}

echo "warming up both servers' caches (one untimed run of each)"
pt_run; replica_caught_up; oms_run >/dev/null

declare -A SUMMARY
for scale in $SCALES; do
  current=$(sql "$SRC_PORT" -N -e "SELECT COUNT(*) FROM sbtest.sbtest1")
  if [ "$current" -lt $((ROWS * scale)) ]; then
    echo "growing each table to $((ROWS * scale)) rows (its rows copied into it on the source; the replica applies them)"
    while [ "$current" -lt $((ROWS * scale)) ]; do
      add=$((ROWS * scale - current)); [ "$add" -gt "$current" ] && add=$current
      for t in $(seq 1 "$TABLES"); do
        sql "$SRC_PORT" -e "INSERT INTO sbtest.sbtest$t (k, c, pad) SELECT k, c, pad FROM sbtest.sbtest$t ORDER BY id LIMIT $add" &
      done
      wait
      current=$((current + add))
    done
    replica_caught_up
    pt_run; replica_caught_up; oms_run >/dev/null # warm the caches at this size
  fi
  pt_times=(); oms_times=(); bound_times=(); h_cpu=(); w_cpu=(); s_cpu=(); d_cpu=(); pt_t_cpu=(); pt_s_cpu=(); pt_d_cpu=(); b_s_cpu=(); b_d_cpu=(); hwm=()
  for round in $(seq 1 "$ROUNDS"); do
    replica_caught_up
    read -r t_pt pt_s pt_d < <(measured pt_run)
    pt_t=$(awk '{printf "%.2f", $1 + $2}' "$OMSSYNC_SERVERS/pt.cpu")
    replica_caught_up
    watch_process "OmsSync.Worker.dll verify --task bench-verify .*--home $OMSSYNC_HOME" "$OMSSYNC_SERVERS/worker.proc" &
    watcher=$!
    read -r _ o_s o_d < <(measured oms_run)
    wait "$watcher"
    t_oms=$(head -1 "$OMSSYNC_SERVERS/oms.out")
    read -r _ _ o_h <"$OMSSYNC_SERVERS/oms.clock"
    read -r o_w o_hwm <"$OMSSYNC_SERVERS/worker.proc"
    read -r t_b b_s b_d < <(measured bound_run)
    echo "round $round at ${scale}x: pt-table-checksum ${t_pt} s, OmsSync ${t_oms} s, lower bound ${t_b} s"
    echo "  CPU s: pt: tool $pt_t, source $pt_s, target $pt_d | OmsSync: host $o_h, worker $o_w, source $o_s, target $o_d | bound: source $b_s, target $b_d"
    echo "  OmsSync phases: $(oms_phases)"
    pt_times+=("$t_pt"); oms_times+=("$t_oms"); bound_times+=("$t_b"); h_cpu+=("$o_h"); w_cpu+=("$o_w"); s_cpu+=("$o_s"); d_cpu+=("$o_d")
    pt_t_cpu+=("$pt_t"); pt_s_cpu+=("$pt_s"); pt_d_cpu+=("$pt_d"); b_s_cpu+=("$b_s"); b_d_cpu+=("$b_d"); hwm+=("$o_hwm")
  done
  if [ "$scale" = "$(awk '{print $1}' <<<"$SCALES")" ]; then
    echo "pt-table-checksum, last run:"; sed 's/^/  /' "$OMSSYNC_SERVERS/pt.out"
    echo "OmsSync, last run:"; tail -n +2 "$OMSSYNC_SERVERS/oms.out" | grep -v '^\s*$' | sed 's/^/  /'
  fi
  rows_now=$((TABLES * ROWS * scale))
  t_pt=$(median "${pt_times[@]}"); t_oms=$(median "${oms_times[@]}"); t_b=$(median "${bound_times[@]}")
  peak=$(printf '%s\n' "${hwm[@]}" | sort -n | tail -1)
  SUMMARY[$scale]="$rows_now $t_oms $peak"
  echo "verification of $rows_now rows at ${scale}x (median of $ROUNDS rounds):"
  echo "  pt-table-checksum (replica via --recursion-method=dsn)  ${t_pt} s   (CPU s: tool $(median "${pt_t_cpu[@]}"), source $(median "${pt_s_cpu[@]}"), target $(median "${pt_d_cpu[@]}"))"
  echo "  OmsSync Start-OmsVerification -Wait                     ${t_oms} s   (CPU s: host $(median "${h_cpu[@]}"), worker $(median "${w_cpu[@]}"), source $(median "${s_cpu[@]}"), target $(median "${d_cpu[@]}"))"
  echo "  lower bound, each server scanning the tables alone      ${t_b} s   (CPU s: source $(median "${b_s_cpu[@]}"), target $(median "${b_d_cpu[@]}"))"
  # On a box whose CPUs other work also wants, wall times wander; the CPU each run asked for is steadier.
  echo "  CPU s in all (tool or host and worker, and both servers): pt-table-checksum $(total_cpu pt_t_cpu pt_s_cpu pt_d_cpu), OmsSync $(total_cpu h_cpu w_cpu s_cpu d_cpu)"
  echo "  ratio pt-table-checksum / OmsSync: $(ratio "$t_pt" "$t_oms")x; OmsSync / lower bound: $(ratio "$t_oms" "$t_b")x"
  echo "  OmsSync per row: $(awk -v t="$t_oms" -v n="$rows_now" 'BEGIN { printf "%.2f", t * 1e6 / n }') us; worker peak RSS (VmHWM): $((peak / 1024)) MB"
done

echo "growth:"
first=""
for scale in $SCALES; do
  read -r n t p <<<"${SUMMARY[$scale]}"
  per=$(awk -v t="$t" -v n="$n" 'BEGIN { printf "%.3f", t * 1e6 / n }')
  [ -z "$first" ] && first=$per
  echo "  ${scale}x: $n rows, OmsSync $t s, $per us per row ($(ratio "$per" "$first")x the first size's), worker VmHWM $((p / 1024)) MB"
done
