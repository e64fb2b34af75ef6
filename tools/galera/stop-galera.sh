#!/bin/bash
# Stop what tools/galera/start-galera.sh started, by the PIDs it recorded,
# and nothing else.
#
#   tools/galera/stop-galera.sh                 stop everything
#   tools/galera/stop-galera.sh node2 [...]     stop only these (haproxy,
#                                               clustercheck, node1-3)
set -uo pipefail
source "$(dirname "$0")/../lib/stop-pid.sh"

STATE=${GALERA_STATE_DIR:-/tmp/ironic-inspector-galera}
PIDS=$STATE/pids
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(haproxy clustercheck node3 node2 node1)

stop_pidfiles "$PIDS" "${names[@]}"
