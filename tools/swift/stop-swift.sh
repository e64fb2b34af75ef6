#!/bin/bash
# Stop the Swift that tools/swift/start-swift.sh started, by the PIDs it
# recorded, and nothing else.
#
#   tools/swift/stop-swift.sh                 stop everything
#   tools/swift/stop-swift.sh proxy [...]     stop only these (proxy,
#                                             account, container, object or
#                                             object1-3, memcached)
set -uo pipefail
source "$(dirname "$0")/../lib/stop-pid.sh"

STATE=${SWIFT_STATE_DIR:-/tmp/ironic-inspector-swift}
PIDS=$STATE/pids
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    # The proxy first, then every other server that left a pid file.
    names=(proxy)
    for pidfile in "$PIDS"/*.pid; do
        [ -f "$pidfile" ] && names+=("$(basename "$pidfile" .pid)")
    done
fi

stop_pidfiles "$PIDS" "${names[@]}"
