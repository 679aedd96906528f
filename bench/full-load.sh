#!/usr/bin/env bash
# Full load of 1,000,000 sysbench rows (4 tables x 250k) between two throwaway MariaDB servers:
# mariadb-dump | mariadb, mydumper + myloader (2 threads each) and OmsSync's full migration, in the same run.
#   ./build.sh bench full-load [TABLES] [ROWS_PER_TABLE]
source "$(dirname "$0")/common.sh"
TABLES=${1:-4}
ROWS=${2:-250000}
start_pair
sysbench_prepare "$TABLES" "$ROWS"

dump_load() {
  sql "$DST_PORT" -e "CREATE DATABASE sb_dump"
  mariadb-dump --no-defaults -h127.0.0.1 -P"$SRC_PORT" "${USER_ARGS[@]}" --single-transaction sbtest |
    sql "$DST_PORT" sb_dump
}
mydumper_load() {
  local dir
  dir=$(mktemp -d)
  mydumper -h 127.0.0.1 -P "$SRC_PORT" -u oms -p oms-test-pw -B sbtest -t 2 -o "$dir/dump" >/dev/null 2>&1
  myloader -h 127.0.0.1 -P "$DST_PORT" -u oms -p oms-test-pw -B sb_my -t 2 -d "$dir/dump" >/dev/null 2>&1
  rm -rf "$dir"
}
oms_load() {
  omssync -Command "
    $(oms_register)
    New-OmsTask -Name bench-full -Source bsrc -Target bdst -Include 'sbtest.*' -Rename @{ sbtest = 'sb_oms' } -MigrationType Schema,Full -IndexMigration AfterFull | Out-Null
    Start-OmsForward -Name bench-full -Wait -SkipPreCheck | Out-Null
  " >/dev/null
}

t_dump=$(timed dump_load)
t_my=$(timed mydumper_load)
t_oms=$(timed oms_load)

for db in sb_dump sb_my sb_oms; do
  n=$(sql "$DST_PORT" -N -e "SELECT SUM(c) FROM (SELECT COUNT(*) c FROM $db.sbtest1 $(for i in $(seq 2 "$TABLES"); do echo "UNION ALL SELECT COUNT(*) FROM $db.sbtest$i"; done)) x")
  echo "rows in $db: $n"
done
echo "full load of $((TABLES * ROWS)) rows:"
echo "  mariadb-dump | mariadb      ${t_dump} s"
echo "  mydumper + myloader (-t 2)  ${t_my} s"
echo "  OmsSync full migration      ${t_oms} s"
echo "  ratio mariadb-dump / OmsSync:      $(ratio "$t_dump" "$t_oms")x"
echo "  ratio mydumper+myloader / OmsSync: $(ratio "$t_my" "$t_oms")x"
