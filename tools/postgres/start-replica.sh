#!/bin/bash
# Start a PostgreSQL primary and a streaming replica of it on 127.0.0.1,
# for the tests of [database]slave_connection (doc/reliability.rst).
#
# The primary (initdb as the postgres user) listens on $PG_REPLICA_PORT
# (default 15432), the replica, made with pg_basebackup -R, on the next
# port (15433); both keep their data, logs and pid files under
# $PG_REPLICA_STATE_DIR (default /tmp/ironic-inspector-pg-replica, owned
# by postgres). tools/postgres/stop-replica.sh stops both by their PIDs;
# the machine's own PostgreSQL is left alone. Local connections are
# trusted; the tests' role openstack_citest is created on the primary.
# The variables the tests read are written to $PG_REPLICA_STATE_DIR/env.
# Expect about 5 s to start.
set -euo pipefail
source "$(dirname "$0")/../lib/pg-role.sh"

STATE=${PG_REPLICA_STATE_DIR:-/tmp/ironic-inspector-pg-replica}
PORT=${PG_REPLICA_PORT:-15432}
REPLICA_PORT=$((PORT + 1))
BIN=${PG_BIN:-$(dirname "$(readlink -f "$(command -v pg_ctl)")")}
USER=openstack_citest

as_postgres() {
    runuser -u postgres -- "$@"
}

running() {
    as_postgres "$BIN/pg_ctl" -D "$STATE/$1" status >/dev/null 2>&1
}

start() {
    local name=$1 port=$2
    running "$name" && return 0
    as_postgres "$BIN/pg_ctl" -D "$STATE/$name" -l "$STATE/$name.log" -w \
        -o "-p $port -k $STATE -c listen_addresses=127.0.0.1" start \
        >/dev/null
}

mkdir -p "$STATE"
chown postgres:postgres "$STATE"
if [ ! -f "$STATE/primary/PG_VERSION" ]; then
    as_postgres "$BIN/initdb" -D "$STATE/primary" -A trust -U postgres \
        --no-sync >/dev/null
    cat >> "$STATE/primary/postgresql.conf" <<CONF
wal_level = replica
max_wal_senders = 4
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
CONF
    echo "host replication postgres 127.0.0.1/32 trust" \
        >> "$STATE/primary/pg_hba.conf"
fi
start primary "$PORT"
ensure_pg_superuser "$PORT" "$USER" "$USER"
if [ ! -f "$STATE/replica/PG_VERSION" ]; then
    as_postgres "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U postgres \
        -D "$STATE/replica" -R -X stream --no-sync
    # hot_standby_feedback: the replica's queries hold back the primary's
    # vacuum instead of being cancelled.
    echo "hot_standby_feedback = on" >> "$STATE/replica/postgresql.conf"
fi
start replica "$REPLICA_PORT"

cat > "$STATE/env" <<ENV
export PG_REPLICA_STATE_DIR=$STATE
export PG_PRIMARY_URL=postgresql+psycopg2://$USER:$USER@127.0.0.1:$PORT/
export PG_REPLICA_URL=postgresql+psycopg2://$USER:$USER@127.0.0.1:$REPLICA_PORT/
ENV
cat "$STATE/env"
