#!/usr/bin/env bash
# Change events into Kafka: a sysbench backlog read from the binlog and produced, exactly once, into librdkafka's
# test server (its mock cluster: three brokers on loopback ports, hosted by a pwsh process for the run). Prints the
# events per second of the catch-up and the worker's CPU per event, for the Debezium and the Canal format.
#   ./build.sh bench kafka [SECONDS_OF_LOAD]
source "$(dirname "$0")/common.sh"
LOAD_SECONDS=${1:-20}
start_pair
SB=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$SRC_PORT" --mysql-user=oms --mysql-password=oms-test-pw
    --mysql-db=sbtest --tables=4 --table-size=10000)
sysbench_prepare 4 10000

# librdkafka's test server lives as long as the process that made it.
BOOTSTRAP_FILE="$OMSSYNC_SERVERS/kafka-bootstrap"
# A process group of its own, so that the whole of it (the launcher and the host) ends with the run.
setsid "$REPO/bin/pwsh" -NoProfile -NonInteractive -Command "
  Get-OmsDataSource | Out-Null   # the engine makes librdkafka resolvable in this process
  \$config = [Confluent.Kafka.ProducerConfig]::new(); \$config.Set('test.mock.num.brokers', '3')
  \$mock = [Confluent.Kafka.ProducerBuilder[byte[], byte[]]]::new(\$config).Build()
  \$admin = [Confluent.Kafka.DependentAdminClientBuilder]::new(\$mock.Handle).Build()
  ((\$admin.GetMetadata([TimeSpan]::FromSeconds(10)).Brokers | ForEach-Object { \"\$(\$_.Host):\$(\$_.Port)\" }) -join ',') | Set-Content '$BOOTSTRAP_FILE'
  while (\$true) { Start-Sleep 1 }
" >/dev/null 2>&1 &
MOCK=$!
trap 'kill -- -$MOCK 2>/dev/null || true; stop_workers; scripts/servers.sh stop-all; rm -rf "$OMSSYNC_SERVERS" "$OMSSYNC_HOME"' EXIT
while [ ! -s "$BOOTSTRAP_FILE" ]; do sleep 0.2; done
BOOTSTRAP=$(cat "$BOOTSTRAP_FILE")
echo "librdkafka's test server at $BOOTSTRAP"

seq_of() { sed -E 's/.*-([0-9]+)[^0-9]*$/\1/' <<<"$1"; }
runtime() { python3 - "$OMSSYNC_HOME/state.db" "$1" "$2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=5)
row = c.execute(f"SELECT {sys.argv[3]} FROM task_runtime WHERE task = ? AND direction = 'Forward'", (sys.argv[2],)).fetchone()
print(row[0] if row and row[0] is not None else "")
PY
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run_format() {
  local format=$1 task="bench-kafka-${1,,}"
  omssync -Command "
    $(oms_register)
    if (-not (Get-OmsDataSource kafka -ErrorAction SilentlyContinue)) { New-OmsDataSource kafka -Type Kafka -Server '$BOOTSTRAP' | Out-Null }
    New-OmsTask -Name $task -Source bsrc -Target kafka -Include 'sbtest.*' -MigrationType Schema,Full,Incremental -MessageFormat $format | Out-Null
    Start-OmsForward -Name $task -Wait -SkipPreCheck | Out-Null
    Suspend-OmsTask -Name $task | Out-Null
  " >/dev/null 2>&1 || true
  echo "$format: building the backlog: sysbench oltp_read_write, 4 threads, ${LOAD_SECONDS} s"
  sysbench oltp_read_write "${SB[@]}" --threads=4 --time="$LOAD_SECONDS" --report-interval=0 run | grep -E "transactions:" | sed 's/^ */  /'
  local final target start pid ticks0 ticks1 end
  final=$(sql "$SRC_PORT" -N -e "SELECT @@gtid_binlog_pos"); target=$(seq_of "$final")
  omssync -Command "Resume-OmsTask -Name $task | Out-Null" >/dev/null
  start=$(date +%s.%N)
  pid=""; while [ -z "$pid" ] || [ ! -e "/proc/$pid/stat" ]; do pid=$(runtime "$task" worker_pid); sleep 0.05; done
  ticks0=$(cpu_ticks "$pid")
  while true; do
    local position; position=$(runtime "$task" position)
    [ -n "$position" ] && [ "$(seq_of "$position")" -ge "$target" ] 2>/dev/null && break
    sleep 0.05
  done
  end=$(date +%s.%N)
  ticks1=$(cpu_ticks "$pid")
  sleep 6 # the worker logs its counts once it has caught up
  local line rows seconds
  line=$(grep -h "rows applied" "$OMSSYNC_HOME"/logs/"$task"*.forward.log | tail -1)
  rows=$(sed -E 's/.* transactions, ([0-9,]+) rows applied.*/\1/' <<<"$line" | tr -d ,)
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  echo "  worker: ${line#*] }"
  awk -v rows="$rows" -v s="$seconds" -v t="$((ticks1 - ticks0))" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    printf "  %d row change events in %.2f s (from the resume, worker start included): %.0f events/s\n", rows, s, rows / s
    printf "  worker CPU %.2f s: %.1f us per event\n", t / hz, t / hz * 1e6 / rows }'
  omssync -Command "Stop-OmsTask -Name $task -Confirm:\$false | Out-Null" >/dev/null 2>&1 || true
}

run_format Debezium
run_format Canal
