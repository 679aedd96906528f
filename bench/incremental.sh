#!/usr/bin/env bash
# Catch-up of a binlog backlog: OmsSync's incremental phase against MariaDB's own replication
# (single-threaded and with slave_parallel_threads=2) on the same backlog, in the same run; then the
# lag OmsSync holds while sysbench writes flat out.
#   ./build.sh bench incremental [SECONDS_OF_LOAD]
source "$(dirname "$0")/common.sh"
LOAD_SECONDS=${1:-20}
start_pair
REP1=$(scripts/servers.sh start-mariadb bench-rep1 "$(free_port)" 203); REP1_PORT=${REP1##*:}
REP2=$(scripts/servers.sh start-mariadb bench-rep2 "$(free_port)" 204); REP2_PORT=${REP2##*:}
SB=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$SRC_PORT" --mysql-user=oms --mysql-password=oms-test-pw
    --mysql-db=sbtest --tables=4 --table-size=10000)

echo "preparing 4 x 10000 sysbench rows on $SRC"
sql "$SRC_PORT" -e "CREATE DATABASE sbtest"
sysbench oltp_read_write "${SB[@]}" --threads=2 prepare >/dev/null

# Two native replicas that start from the same data at the same GTID.
pos=$(sql "$SRC_PORT" -N -e "SELECT @@gtid_binlog_pos")
mariadb-dump --no-defaults -h127.0.0.1 -P"$SRC_PORT" "${USER_ARGS[@]}" --single-transaction --databases sbtest >"$OMSSYNC_SERVERS/seed.sql"
for port in "$REP1_PORT" "$REP2_PORT"; do
  sql "$port" <"$OMSSYNC_SERVERS/seed.sql"
  sql "$port" -e "SET GLOBAL gtid_slave_pos = '$pos';
    CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$SRC_PORT, MASTER_USER='oms', MASTER_PASSWORD='oms-test-pw', MASTER_USE_GTID=slave_pos;"
done
sql "$REP2_PORT" -e "SET GLOBAL slave_parallel_threads = 2"

# OmsSync: full copy, then the incremental phase; suspended while the backlog builds.
omssync -Command "
  $(oms_register)
  New-OmsTask -Name bench-incr -Source bsrc -Target bdst -Include 'sbtest.*' -MigrationType Schema,Full,Incremental | Out-Null
  Start-OmsForward -Name bench-incr -Wait -SkipPreCheck | Out-Null
  Suspend-OmsTask -Name bench-incr | Out-Null
" >/dev/null

echo "building the backlog: sysbench oltp_read_write, 4 threads, ${LOAD_SECONDS} s"
sysbench oltp_read_write "${SB[@]}" --threads=4 --time="$LOAD_SECONDS" --report-interval=0 run | grep -E "transactions:|queries:" | sed 's/^ */  /'
final=$(sql "$SRC_PORT" -N -e "SELECT @@gtid_binlog_pos")
target_seq=${final##*-}
echo "backlog ends at GTID $final"

seq_of() { sed -E 's/.*-([0-9]+).*/\1/' <<<"$1"; }
oms_seq() { seq_of "$(sql "$DST_PORT" -N -e "SELECT position FROM oms.checkpoints WHERE task LIKE 'bench-incr%' AND direction = 'Forward'" | grep -Eo '"Gtids":"[^"]*"')"; }
wait_oms() { while [ "$(oms_seq)" -lt "$target_seq" ]; do sleep 0.05; done; }
replica_seq() { seq_of "$(sql "$1" -N -e "SELECT @@gtid_slave_pos")"; }
wait_replica() { sql "$1" -e "START SLAVE"; while [ "$(replica_seq "$1")" -lt "$target_seq" ]; do sleep 0.05; done; }
resume_oms() { omssync -Command "Resume-OmsTask -Name bench-incr | Out-Null" >/dev/null; wait_oms; }

t_oms=$(timed resume_oms)
t_rep1=$(timed wait_replica "$REP1_PORT")
t_rep2=$(timed wait_replica "$REP2_PORT")
echo "catch-up of the backlog:"
grep -h "batches" "$OMSSYNC_HOME"/logs/bench-incr*.forward.log | tail -1 | sed 's/^/  worker: /'
echo "  MariaDB replication, single-threaded         ${t_rep1} s"
echo "  MariaDB replication, slave_parallel_threads=2 ${t_rep2} s"
echo "  OmsSync incremental (includes starting the worker) ${t_oms} s"
echo "  ratio single-threaded replication / OmsSync: $(ratio "$t_rep1" "$t_oms")x"
echo "  ratio parallel replication / OmsSync:        $(ratio "$t_rep2" "$t_oms")x"

echo "lag while sysbench runs flat out (${LOAD_SECONDS} s, 4 threads):"
sysbench oltp_read_write "${SB[@]}" --threads=4 --time="$LOAD_SECONDS" --report-interval=0 run >/dev/null &
load=$!
python3 - "$OMSSYNC_HOME/state.db" "$LOAD_SECONDS" <<'PY'
import sqlite3, sys, time
db, seconds = sys.argv[1], float(sys.argv[2])
samples, end = [], time.time() + seconds
while time.time() < end:
    c = sqlite3.connect(db, timeout=5)
    row = c.execute("SELECT lag_ms FROM task_runtime WHERE task = 'bench-incr' AND direction = 'Forward'").fetchone()
    c.close()
    if row and row[0] is not None: samples.append(row[0])
    time.sleep(0.5)
samples.sort()
pick = lambda p: samples[min(len(samples) - 1, int(p * len(samples)))] if samples else float('nan')
print(f"  lag p50 {pick(0.50)} ms, p99 {pick(0.99)} ms, max {samples[-1] if samples else 'n/a'} ms over {len(samples)} samples")
PY
wait "$load"
omssync -Command "Stop-OmsTask -Name bench-incr -Confirm:\$false | Out-Null" >/dev/null
