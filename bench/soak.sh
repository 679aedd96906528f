#!/usr/bin/env bash
# Fault-injection soak, not part of the test suite: sysbench and other writers load the source for several minutes
# while the task's worker is SIGKILLed in every phase and the servers are killed, restarted and paused; then every
# table is compared row by row. Also a bidirectional task with writers on both sides. See bench/soak.py.
#   ./build.sh bench soak [MINUTES]       (default 6; SOAK_SEED=N repeats a run's random choices)
source "$(dirname "$0")/common.sh"
scripts/servers.sh install --bench
trap 'scripts/servers.sh stop-all; rm -rf "$OMSSYNC_SERVERS" "$OMSSYNC_HOME"' EXIT
python3 bench/soak.py "${1:-6}"
