#!/usr/bin/env bash
# OmsSync build entry point; build.ps1 offers the same subcommands.
#   ./build.sh [build]        build the module with its worker (bin/modules/OmsSync) and the bundled pwsh (bin/pwsh)
#   ./build.sh test           start throwaway MariaDB and PostgreSQL servers, run xunit and Pester, stop them
#   ./build.sh demo           two throwaway MariaDB servers, a seeded schema, examples/*.ps1 in the bundled pwsh
#   ./build.sh bench NAME     run bench/NAME.sh (full-load, incremental, verify, pg-full-load, soak, kafka)
#   ./build.sh shell ARGS...  run the bundled pwsh with OmsSync importable (./build.sh shell -File x.ps1, -Command '...')
#   ./build.sh clean          remove build output
set -euo pipefail
cd "$(dirname "$0")"
REPO=$(pwd)
CONFIG=${CONFIGURATION:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

MODULE_DIR=bin/modules/OmsSync
PESTER_DIR=tests/pester/bin/$CONFIG/net10.0

build() {
  dotnet build OmsSync.sln -c "$CONFIG" -nologo -v quiet -clp:ErrorsOnly
  # The module's folder as pwsh expects it under a PSModulePath entry: bin/modules/OmsSync/OmsSync.psd1.
  dotnet publish src/OmsSync.PowerShell -c "$CONFIG" -o "$MODULE_DIR" --no-build -nologo -v quiet
  dotnet publish src/OmsSync.Worker -c "$CONFIG" -o "$MODULE_DIR" --no-build -nologo -v quiet
  dotnet publish src/OmsSync.Shell -c "$CONFIG" -o bin/shell --no-build -nologo -v quiet
  install -m 755 src/OmsSync.Shell/pwsh bin/pwsh
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
  local log xunit_status=0 pester_status=0
  log=$(mktemp)
  dotnet test OmsSync.sln -c "$CONFIG" --no-build -nologo 2>&1 | tee "$log" || xunit_status=$?
  local xunit_passed xunit_failed
  xunit_passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
  xunit_failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
  # Pester in the bundled pwsh; its NUnit XML goes under bin/test-results.
  bin/pwsh -NoProfile -NonInteractive -File tests/pester/Invoke-PesterSuite.ps1 \
    -PesterModule "$PESTER_DIR/Pester/Pester.psd1" -ResultPath bin/test-results/pester.xml 2>&1 | tee "$log" || pester_status=$?
  local pester_passed pester_failed
  pester_passed=$(sed -nE 's/^Pester: ([0-9]+) passed, ([0-9]+) failed$/\1/p' "$log" | tail -1)
  pester_failed=$(sed -nE 's/^Pester: ([0-9]+) passed, ([0-9]+) failed$/\2/p' "$log" | tail -1)
  rm -f "$log"
  if [ -z "$pester_passed" ]; then pester_passed=0; pester_failed=1; echo "Pester did not report its counts" >&2; fi
  echo "(xunit: $xunit_passed passed, $xunit_failed failed; Pester: $pester_passed passed, $pester_failed failed)"
  echo "$((xunit_passed + pester_passed)) passed, $((xunit_failed + pester_failed)) failed"
  if [ "$xunit_status" -ne 0 ] || [ "$pester_status" -ne 0 ] || [ $((xunit_failed + pester_failed)) -ne 0 ] ||
     [ "$xunit_passed" -eq 0 ] || [ "$pester_passed" -eq 0 ]; then return 1; fi
}

run_shell() {
  [ -x bin/pwsh ] && [ -f "$MODULE_DIR/OmsSync.psd1" ] || build >&2
  bin/pwsh "$@"
}

run_demo() {
  build
  start_servers
  export OMSSYNC_HOME=${OMSSYNC_HOME:-$(mktemp -d /tmp/omssync-demo.XXXXXX)}
  scripts/demo-seed.sh "$OMSSYNC_TEST_MARIADB_A"
  for script in examples/demo.ps1 examples/bidirectional.ps1; do
    [ -f "$script" ] || continue
    echo "== $script"
    run_shell -NoProfile -File "$script" -Source "$OMSSYNC_TEST_MARIADB_A" -Target "$OMSSYNC_TEST_MARIADB_B"
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
