#!/usr/bin/env bash
# Data verification of 1,000,000 sysbench rows (4 tables x 250k) between two throwaway MariaDB servers:
# pt-table-checksum and OmsSync's Start-OmsVerification on the same data, in the same run, alternately.
#   ./build.sh bench verify [TABLES] [ROWS_PER_TABLE] [ROUNDS]
#
# pt-table-checksum verifies a replica against its master: it checksums each chunk on the master with a
# statement that replicates, so the replica checksums its own copy, and compares the two. The target is
# therefore made a replica of the source (after OmsSync copied the data to it), and pt-table-checksum finds
# it through --recursion-method=dsn. Both tools thus checksum every row on both servers. OmsSync's time is
# that of Start-OmsVerification -Wait, worker start included; pt-table-checksum's is its whole run.
source "$(dirname "$0")/common.sh"
TABLES=${1:-4}
ROWS=${2:-250000}
ROUNDS=${3:-3}
start_pair
sysbench_prepare "$TABLES" "$ROWS"

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
  sql "$DST_PORT" -N -e "SELECT MASTER_POS_WAIT('$file', $pos, 120)" >/dev/null
}
pt_run() {
  pt-table-checksum --no-check-binlog-format --recursion-method="dsn=h=127.0.0.1,P=$SRC_PORT,u=oms,p=oms-test-pw,D=percona,t=dsns" \
    "h=127.0.0.1,P=$SRC_PORT,u=oms,p=oms-test-pw" --databases=sbtest >"$OMSSYNC_SERVERS/pt.out" 2>&1
}
# Prints the seconds Start-OmsVerification -Wait took, then its per-table results.
oms_run() {
  omssync -Command "
    \$clock = [Diagnostics.Stopwatch]::StartNew()
    \$results = Start-OmsVerification -Name bench-verify -Wait -Confirm:\$false
    \$clock.Stop()
    '{0:0.00}' -f \$clock.Elapsed.TotalSeconds
    \$results | Format-Table SourceTable, Status, SourceRows, TargetRows, Chunks, MissingOnTarget, ExtraOnTarget, Different | Out-String
  " >"$OMSSYNC_SERVERS/oms.out" 2>&1
  head -1 "$OMSSYNC_SERVERS/oms.out"
}

echo "warming up both servers' caches (one untimed run of each)"
pt_run; replica_caught_up; oms_run >/dev/null

pt_times=(); oms_times=()
for round in $(seq 1 "$ROUNDS"); do
  replica_caught_up
  t_pt=$(timed pt_run)
  replica_caught_up
  t_oms=$(oms_run)
  echo "round $round: pt-table-checksum ${t_pt} s, OmsSync ${t_oms} s"
  pt_times+=("$t_pt"); oms_times+=("$t_oms")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo "pt-table-checksum, last run:"; sed 's/^/  /' "$OMSSYNC_SERVERS/pt.out"
echo "OmsSync, last run:"; tail -n +2 "$OMSSYNC_SERVERS/oms.out" | grep -v '^\s*$' | sed 's/^/  /'
t_pt=$(median "${pt_times[@]}")
t_oms=$(median "${oms_times[@]}")
echo "verification of $((TABLES * ROWS)) rows (median of $ROUNDS rounds):"
echo "  pt-table-checksum (replica via --recursion-method=dsn)  ${t_pt} s"
echo "  OmsSync Start-OmsVerification -Wait                     ${t_oms} s"
echo "  ratio pt-table-checksum / OmsSync: $(ratio "$t_pt" "$t_oms")x"
