# Shared pieces of the benchmarks: throwaway servers, timing, and running OmsSync in the bundled pwsh (omssync).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
export OMSSYNC_SERVERS=${OMSSYNC_SERVERS:-$(mktemp -d /tmp/omssync-bench.XXXXXX)}
export OMSSYNC_HOME=${OMSSYNC_HOME:-$(mktemp -d /tmp/omssync-bench-home.XXXXXX)}
USER_ARGS=(-uoms -poms-test-pw)

free_port() { scripts/servers.sh free-port; }

# Ends the OmsSync processes of this run's $OMSSYNC_HOME (supervisor first, so it starts no new worker, then
# workers; what is left after half a second is killed): a benchmark's tasks must not outlive it, and nothing else is touched.
stop_workers() {
  local pattern
  pattern="--home $(sed 's/[][\\.*^$+?(){}|]/\\&/g' <<<"$OMSSYNC_HOME")( |\$)"
  pkill -f -- "supervise $pattern" || true
  pkill -f -- "$pattern" || true
  sleep 0.5
  pkill -9 -f -- "$pattern" || true
}

start_pair() {
  scripts/servers.sh install --bench
  SRC=$(scripts/servers.sh start-mariadb bench-src "$(free_port)" 201)
  DST=$(scripts/servers.sh start-mariadb bench-dst "$(free_port)" 202)
  SRC_PORT=${SRC##*:}
  DST_PORT=${DST##*:}
  trap 'stop_workers; scripts/servers.sh stop-all; rm -rf "$OMSSYNC_SERVERS" "$OMSSYNC_HOME"' EXIT
}

# sysbench's oltp tables in database sbtest on the source: sysbench_prepare TABLES ROWS_PER_TABLE
sysbench_prepare() {
  echo "preparing $1 x $2 sysbench rows on $SRC"
  sql "$SRC_PORT" -e "CREATE DATABASE sbtest"
  sysbench oltp_read_write --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$SRC_PORT" --mysql-user=oms \
    --mysql-password=oms-test-pw --mysql-db=sbtest --tables="$1" --table-size="$2" --threads=2 prepare >/dev/null
}

sql() { local port=$1; shift; mariadb --no-defaults -h127.0.0.1 -P"$port" "${USER_ARGS[@]}" "$@"; }

# Seconds (with millis) that a command takes.
timed() {
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  echo "$end - $start" | awk '{printf "%.2f", $1 - $3}'
}

# The bundled pwsh, with bin/modules (OmsSync) on its module path.
omssync() { "$REPO/bin/pwsh" -NoProfile -NonInteractive "$@"; }

# PowerShell that registers the pair as data sources bsrc and bdst; call after start_pair.
oms_register() {
  cat <<PS
\$c = [pscredential]::new('oms', [Net.NetworkCredential]::new('', 'oms-test-pw').SecurePassword)
New-OmsDataSource -Name bsrc -Type MariaDb -Server 127.0.0.1 -Port $SRC_PORT -Credential \$c | Out-Null
New-OmsDataSource -Name bdst -Type MariaDb -Server 127.0.0.1 -Port $DST_PORT -Credential \$c | Out-Null
PS
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
