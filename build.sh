#!/usr/bin/env bash
# OmsSync build entry point; build.ps1 offers the same subcommands.
#   ./build.sh [build]        build the module (bin/module), the worker and the omssync host (bin/shell)
#   ./build.sh test           start throwaway MariaDB and PostgreSQL servers, run every test, stop them
#   ./build.sh demo           two throwaway MariaDB servers, a seeded schema, examples/*.ps1 through omssync
#   ./build.sh bench NAME     run bench/NAME.sh (full-load, incremental, verify, pg-full-load, soak)
#   ./build.sh shell ARGS...  run omssync (e.g. ./build.sh shell -File x.ps1, ./build.sh shell -Command '...')
#   ./build.sh clean          remove build output
set -euo pipefail
cd "$(dirname "$0")"
REPO=$(pwd)
CONFIG=${CONFIGURATION:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

build() {
  dotnet build OmsSync.sln -c "$CONFIG" -nologo -v quiet -clp:ErrorsOnly
  dotnet publish src/OmsSync.PowerShell -c "$CONFIG" -o bin/module --no-build -nologo -v quiet
  dotnet publish src/OmsSync.Worker -c "$CONFIG" -o bin/module --no-build -nologo -v quiet
  dotnet publish src/OmsSync.Shell -c "$CONFIG" -o bin/shell --no-build -nologo -v quiet
  # about_ topics are looked up beside the manifest, which sits at the repository root.
  mkdir -p en-US && cp module/en-US/about_*.help.txt en-US/
}

free_port() { scripts/servers.sh free-port; }

# Starts the throwaway servers the tests and demos use and exports their addresses.
start_servers() {
  export OMSSYNC_SERVERS=${OMSSYNC_SERVERS:-$(mktemp -d /tmp/omssync-servers.XXXXXX)}
  scripts/servers.sh install "$@"
  export OMSSYNC_TEST_MARIADB_A OMSSYNC_TEST_MARIADB_B OMSSYNC_TEST_POSTGRES
  OMSSYNC_TEST_MARIADB_A=$(scripts/servers.sh start-mariadb mariadb-a "$(free_port)" 101)
  OMSSYNC_TEST_MARIADB_B=$(scripts/servers.sh start-mariadb mariadb-b "$(free_port)" 102)
  OMSSYNC_TEST_POSTGRES=$(scripts/servers.sh start-postgres postgres "$(free_port)")
  trap stop_servers EXIT
}

stop_servers() {
  scripts/servers.sh stop-all || true
  rm -rf "$OMSSYNC_SERVERS"
}

run_tests() {
  build
  start_servers
  export OMSSYNC_HOME=${OMSSYNC_HOME:-$(mktemp -d /tmp/omssync-home.XXXXXX)}
  export OMSSYNC_MODULE="$REPO/OmsSync.psd1"
  local log status=0
  log=$(mktemp)
  dotnet test OmsSync.sln -c "$CONFIG" --no-build -nologo 2>&1 | tee "$log" || status=$?
  local passed failed
  passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
  failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
  rm -f "$log"
  echo "${passed:-0} passed, ${failed:-0} failed"
  if [ "$status" -ne 0 ] || [ "${failed:-0}" -ne 0 ] || [ "${passed:-0}" -eq 0 ]; then return 1; fi
}

run_shell() {
  [ -f bin/shell/omssync.dll ] || build
  OMSSYNC_MODULE=${OMSSYNC_MODULE:-$REPO/OmsSync.psd1} dotnet bin/shell/omssync.dll "$@"
}

run_demo() {
  build
  start_servers
  export OMSSYNC_HOME=${OMSSYNC_HOME:-$(mktemp -d /tmp/omssync-demo.XXXXXX)}
  scripts/demo-seed.sh "$OMSSYNC_TEST_MARIADB_A"
  for script in examples/demo.ps1 examples/bidirectional.ps1; do
    [ -f "$script" ] || continue
    echo "== $script"
    run_shell -File "$script" -Source "$OMSSYNC_TEST_MARIADB_A" -Target "$OMSSYNC_TEST_MARIADB_B"
  done
}

case "${1:-build}" in
  build) build ;;
  test) run_tests ;;
  demo) run_demo ;;
  bench)
    [ -n "${2:-}" ] && [ -f "bench/$2.sh" ] || { echo "usage: ./build.sh bench NAME, with NAME one of: $(ls bench/*.sh 2>/dev/null | xargs -n1 basename 2>/dev/null | sed 's/\.sh$//' | tr '\n' ' ')" >&2; exit 2; }
    build
    bash "bench/$2.sh" "${@:3}" ;;
  shell) shift; run_shell "$@" ;;
  clean) rm -rf bin src/*/bin src/*/obj tests/*/bin tests/*/obj ;;
  *) sed -n '2,9p' "$0"; exit 2 ;;
esac
