# Where a benchmark's time goes, read from /proc: CPU seconds of a process, and a watcher that follows a process
# started meanwhile (the OmsSync worker) to its end for its CPU and peak RSS. Sourced by the benchmarks after common.sh.

# CPU seconds (user + system) a process has used so far: cpu_seconds PID
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# The pid of a running mariadbd from its data directory under $OMSSYNC_SERVERS: server_pid NAME
server_pid() { cat "$OMSSYNC_SERVERS/$1/p.pid"; }

# Follows the newest process whose command line matches PATTERN until it ends, writing "CPU_SECONDS VMHWM_KB" of its
# last reading to FILE: watch_process PATTERN FILE &. Readings every 20 ms; what a process does in its last 20 ms is missed.
watch_process() {
  local pattern=$1 file=$2 pid="" seen=0 cpu hwm
  echo "0 0" >"$file"
  for _ in $(seq 1 3000); do # at most a minute for it to appear
    pid=$(pgrep -n -f -- "$pattern" || true)
    [ -n "$pid" ] && break
    sleep 0.02
  done
  [ -n "$pid" ] || return 0
  while [ -d "/proc/$pid" ]; do
    cpu=$(cpu_seconds "$pid")
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$hwm" ] && [ "$cpu" != 0 ] && echo "$cpu $hwm" >"$file" && seen=1
    sleep 0.02
  done
  [ "$seen" = 1 ] || echo "0 0" >"$file"
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
