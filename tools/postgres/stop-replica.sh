#!/bin/bash
# Stop the replica and the primary that tools/postgres/start-replica.sh
# started, by the PIDs in their data directories, and nothing else.
set -uo pipefail

STATE=${PG_REPLICA_STATE_DIR:-/tmp/ironic-inspector-pg-replica}

for name in replica primary; do
    pidfile=$STATE/$name/postmaster.pid
    [ -f "$pidfile" ] || continue
    pid=$(head -n 1 "$pidfile")
    # SIGINT: PostgreSQL's "fast" shutdown.
    if kill -INT "$pid" 2>/dev/null; then
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
done
