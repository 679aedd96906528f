#!/usr/bin/env bash
# Full load of 1,000,000 sysbench rows (4 tables x 250k) from a throwaway MariaDB server into a throwaway
# PostgreSQL server: pgloader and OmsSync's schema and full migration, in the same run.
#   ./build.sh bench pg-full-load [TABLES] [ROWS_PER_TABLE]
source "$(dirname "$0")/common.sh"
TABLES=${1:-4}
ROWS=${2:-250000}
start_pair
PG=$(scripts/servers.sh start-postgres bench-pg "$(free_port)")
PG_PORT=${PG##*:}
psql_() { PGPASSWORD=oms-test-pw psql -h 127.0.0.1 -p "$PG_PORT" -U oms -d postgres -qAt "$@"; }
sysbench_prepare "$TABLES" "$ROWS"

pgloader_load() {
  psql_ -c "CREATE DATABASE pgl"
  # pgloader puts the tables in schema sbtest of database pgl (4 workers by default); a bigger heap and a
  # smaller prefetch keep its Lisp runtime from running out of memory on a million rows.
  pgloader --dynamic-space-size 2048 --with "prefetch rows = 10000" --quiet "mysql://oms:oms-test-pw@127.0.0.1:$SRC_PORT/sbtest" "postgresql://oms:oms-test-pw@127.0.0.1:$PG_PORT/pgl" >/dev/null
}
oms_load() {
  omssync -Command "
    $(oms_register)
    New-OmsDataSource -Name bpg -Type PostgreSql -Server 127.0.0.1 -Port $PG_PORT -Database postgres -Credential \$c | Out-Null
    New-OmsTask -Name bench-pg -Source bsrc -Target bpg -Include 'sbtest.*' -Rename @{ sbtest = 'sb_oms' } -MigrationType Schema,Full -IndexMigration AfterFull | Out-Null
    Start-OmsForward -Name bench-pg -Wait -SkipPreCheck | Out-Null
  " >/dev/null
}

t_pgl=$(timed pgloader_load)
t_oms=$(timed oms_load)

count() {
  local db=$1 schema=$2
  PGPASSWORD=oms-test-pw psql -h 127.0.0.1 -p "$PG_PORT" -U oms -d "$db" -qAt -c \
    "SELECT sum(n) FROM ($(for i in $(seq 1 "$TABLES"); do [ "$i" -gt 1 ] && echo "UNION ALL"; echo "SELECT count(*) n FROM $schema.sbtest$i"; done)) x"
}
echo "rows loaded by pgloader: $(count pgl sbtest)"
echo "rows loaded by OmsSync:  $(count postgres sb_oms)"
echo "full load of $((TABLES * ROWS)) rows, MariaDB to PostgreSQL:"
echo "  pgloader                    ${t_pgl} s"
echo "  OmsSync full migration      ${t_oms} s"
echo "  ratio pgloader / OmsSync:   $(ratio "$t_pgl" "$t_oms")x"
