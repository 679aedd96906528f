#!/usr/bin/env bash
# Throwaway database servers for tests, demos and benchmarks.
# Every server lives in its own temporary directory and listens on loopback only.
#
#   scripts/servers.sh install                 install missing server packages, PostGIS included (root only)
#   scripts/servers.sh start-mariadb NAME PORT [ID] [nobinlog]
#                                              start a MariaDB instance with a ROW binlog (none with nobinlog)
#   scripts/servers.sh start-postgres NAME PORT start a PostgreSQL instance with wal_level=logical
#   scripts/servers.sh restart-mariadb NAME    stop a MariaDB instance and start it again on the same data
#   scripts/servers.sh stop NAME               stop one instance and delete its directory
#   scripts/servers.sh stop-all                stop every instance this script started
#   scripts/servers.sh free-port               print a loopback port nobody listens on
#
# Each instance has a user `oms` (password `oms-test-pw`) with every privilege. The state of
# running instances is kept under $OMSSYNC_SERVERS (default /tmp/omssync-servers).
set -euo pipefail

ROOT=${OMSSYNC_SERVERS:-/tmp/omssync-servers}
TEST_USER=oms
TEST_PASSWORD=oms-test-pw
mkdir -p "$ROOT"
chmod 755 "$ROOT" # the postgres user must reach its data directory below it

free_port() {
  # A random port nobody listens on (bash's /dev/tcp: no other tool needed), below the range the kernel
  # hands out to outgoing connections, so that a client socket cannot take it before the server binds it.
  local low=32768 high port first=10000 span
  [ -r /proc/sys/net/ipv4/ip_local_port_range ] && read -r low high </proc/sys/net/ipv4/ip_local_port_range
  span=$((low - first))
  [ "$span" -lt 1000 ] && { first=20000; span=40000; }
  while :; do
    port=$((first + (RANDOM * 32768 + RANDOM) % span))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  return 1
}

install_packages() {
  local need=()
  command -v mariadbd >/dev/null 2>&1 || need+=(mariadb-server mariadb-client)
  pg_bin >/dev/null 2>&1 || need+=(postgresql)
  # PostGIS for the installed PostgreSQL major (geometry columns of MySQL-to-PostgreSQL tests); with PostgreSQL
  # itself missing, the major is the one Debian's postgresql package brings (its dependency's name).
  local major
  major=$(pg_bin 2>/dev/null | sed -n 's|^/usr/lib/postgresql/\([0-9]*\)/bin$|\1|p') || true
  [ -z "$major" ] && command -v apt-cache >/dev/null 2>&1 &&
    major=$(apt-cache depends postgresql 2>/dev/null | sed -n 's/^ *Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -1) || true
  [ -n "$major" ] && [ ! -f "/usr/share/postgresql/$major/extension/postgis.control" ] && need+=("postgresql-$major-postgis-3")
  if [ "${1:-}" = "--bench" ]; then
    command -v sysbench >/dev/null 2>&1 || need+=(sysbench)
    command -v mydumper >/dev/null 2>&1 || need+=(mydumper)
    command -v pt-table-checksum >/dev/null 2>&1 || need+=(percona-toolkit)
    command -v pgloader >/dev/null 2>&1 || need+=(pgloader)
  fi
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "servers.sh: missing packages: ${need[*]}; install them (as root: apt-get install ${need[*]})" >&2
    return 1
  fi
  echo "servers.sh: installing ${need[*]}" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
}

start_mariadb() {
  local name=$1 port=$2 dir="$ROOT/$1"
  local server_id=${3:-$port} binlog=${4:-binlog}
  stop_one "$name" 2>/dev/null || true
  mkdir -p "$dir"
  mariadb-install-db --no-defaults --datadir="$dir/data" --user="$(id -un)" \
    --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1
  # A port taken between its choice and the bind is chosen again.
  local attempt
  for attempt in 1 2 3 4 5; do
    run_mariadb "$name" "$port" "$server_id" "$binlog" 2>"$dir/start.err" && break
    if [ "$attempt" -lt 5 ] && grep -q "Address already in use" "$dir/err.log"; then
      port=$(free_port)
      continue
    fi
    cat "$dir/start.err" >&2
    return 1
  done
  mariadb --no-defaults --socket="$dir/s.sock" -uroot -e "
    CREATE USER '$TEST_USER'@'%' IDENTIFIED BY '$TEST_PASSWORD';
    CREATE USER '$TEST_USER'@'localhost' IDENTIFIED BY '$TEST_PASSWORD';
    GRANT ALL PRIVILEGES ON *.* TO '$TEST_USER'@'%' WITH GRANT OPTION;
    GRANT ALL PRIVILEGES ON *.* TO '$TEST_USER'@'localhost' WITH GRANT OPTION;
    FLUSH PRIVILEGES;"
  echo "mariadb $port $server_id $binlog" >"$dir/kind"
  echo "127.0.0.1:$port"
}

# Starts mariadbd on an existing data directory and waits until it answers.
run_mariadb() {
  local name=$1 port=$2 server_id=$3 binlog=${4:-binlog} dir="$ROOT/$1"
  local run_as=() log_bin=(--log-bin="$dir/data/mysql-bin")
  [ "$(id -u)" = 0 ] && run_as=(--user=root)
  [ "$binlog" = nobinlog ] && log_bin=()
  # Temporary tables in the instance's own directory: nothing else on the machine shares or cleans them.
  mkdir -p "$dir/tmp"
  mariadbd --no-defaults "${run_as[@]}" --datadir="$dir/data" --port="$port" \
    --bind-address=127.0.0.1 --socket="$dir/s.sock" --pid-file="$dir/p.pid" \
    --log-error="$dir/err.log" --tmpdir="$dir/tmp" --server-id="$server_id" "${log_bin[@]}" \
    --binlog-format=ROW --binlog-row-image=FULL --innodb-buffer-pool-size=256M \
    --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 --max-connections=500 \
    --local-infile=1 --max-allowed-packet=256M --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    </dev/null >"$dir/stdout.log" 2>&1 &
  local i
  for i in $(seq 1 100); do
    mariadb-admin --no-defaults --socket="$dir/s.sock" -uroot ping >/dev/null 2>&1 && break
    sleep 0.2
  done
  mariadb-admin --no-defaults --socket="$dir/s.sock" -uroot ping >/dev/null 2>&1 || {
    echo "servers.sh: MariaDB $name did not start; see $dir/err.log" >&2; tail -20 "$dir/err.log" >&2; return 1; }
}

restart_mariadb() {
  local name=$1 dir="$ROOT/$1" kind port server_id binlog
  read -r kind port server_id binlog <"$dir/kind"
  stop_process "$dir"
  run_mariadb "$name" "$port" "${server_id:-$port}" "${binlog:-binlog}"
  echo "127.0.0.1:$port"
}

# SIGTERM, then SIGKILL if it lingers; the data directory stays.
stop_process() {
  local dir=$1 pid
  [ -f "$dir/p.pid" ] || return 0
  pid=$(cat "$dir/p.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/p.pid"
}

start_postgres() {
  local name=$1 port=$2 dir="$ROOT/$1" bin
  bin=$(pg_bin) || { echo "servers.sh: PostgreSQL is not installed" >&2; return 1; }
  stop_one "$name" 2>/dev/null || true
  mkdir -p "$dir"
  local as=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    touch "$dir/server.log" && chown postgres "$dir/server.log"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$dir/data" --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/install.log" 2>&1 ||
    "${as[@]}" "$bin/initdb" -D "$dir/data" --auth=trust -E UTF8 >"$dir/install.log" 2>&1 || {
      echo "servers.sh: initdb failed for $name; see $dir/install.log" >&2; tail -5 "$dir/install.log" >&2; return 1; }
  local attempt
  for attempt in 1 2 3 4 5; do
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" -o "-p $port -c listen_addresses=127.0.0.1 \
      -c unix_socket_directories=$dir/data -c wal_level=logical -c max_replication_slots=20 \
      -c max_wal_senders=20 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null && break
    # A port taken between its choice and the bind is chosen again.
    if [ "$attempt" -lt 5 ] && grep -q "Address already in use" "$dir/server.log"; then
      port=$(free_port)
      continue
    fi
    echo "servers.sh: PostgreSQL $name did not start; see $dir/server.log" >&2; tail -5 "$dir/server.log" >&2; return 1
  done
  "${as[@]}" "$bin/psql" -h 127.0.0.1 -p "$port" -U "$(${as[@]} id -un)" -d postgres -q -c \
    "CREATE ROLE $TEST_USER LOGIN SUPERUSER REPLICATION PASSWORD '$TEST_PASSWORD';" >/dev/null
  echo "postgres $port" >"$dir/kind"
  echo "127.0.0.1:$port"
}

stop_one() {
  local name=$1 dir="$ROOT/$1"
  [ -d "$dir" ] || return 0
  if [ -f "$dir/kind" ] && grep -q '^postgres' "$dir/kind"; then
    local bin as=()
    bin=$(pg_bin)
    [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  else
    stop_process "$dir"
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  install) shift; install_packages "$@" ;;
  start-mariadb) start_mariadb "$2" "$3" "${4:-}" "${5:-binlog}" ;;
  start-postgres) start_postgres "$2" "$3" ;;
  restart-mariadb) restart_mariadb "$2" ;;
  free-port) free_port ;;
  stop) stop_one "$2" ;;
  stop-all) for d in "$ROOT"/*/; do [ -d "$d" ] && stop_one "$(basename "$d")"; done; true ;;
  *) sed -n '2,15p' "$0"; exit 2 ;;
esac
