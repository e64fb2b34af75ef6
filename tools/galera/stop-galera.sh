#!/bin/bash
# Stop what tools/galera/start-galera.sh started, by the PIDs it recorded,
# and nothing else.
#
#   tools/galera/stop-galera.sh                 stop everything
#   tools/galera/stop-galera.sh node2 [...]     stop only these (haproxy,
#                                               clustercheck, node1-3)
set -uo pipefail

STATE=${GALERA_STATE_DIR:-/tmp/ironic-inspector-galera}
PIDS=$STATE/pids
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(haproxy clustercheck node3 node2 node1)

for name in "${names[@]}"; do
    pidfile=$PIDS/$name.pid
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill -TERM "$pid" 2>/dev/null; then
        for _ in $(seq 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
done
