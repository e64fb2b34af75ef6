#!/bin/bash
# Stop the replica and the primary that tools/postgres/start-replica.sh
# started, by the PIDs in their data directories, and nothing else.
set -uo pipefail
source "$(dirname "$0")/../lib/stop-pid.sh"

STATE=${PG_REPLICA_STATE_DIR:-/tmp/ironic-inspector-pg-replica}

for name in replica primary; do
    pidfile=$STATE/$name/postmaster.pid
    [ -f "$pidfile" ] || continue
    # SIGINT: PostgreSQL's "fast" shutdown.
    stop_pid "$(head -n 1 "$pidfile")" INT
done
