#!/bin/bash
# Start a three-node MariaDB Galera cluster on 127.0.0.1 with HAProxy in
# front, for the reliability tests (doc/reliability.rst).
#
#   tools/galera/start-galera.sh           start everything (harmless if
#                                          running)
#   tools/galera/start-galera.sh node N    (re)start node N (1-3) alone, to
#                                          rejoin after a fault test killed it
#
# Nodes: mariadbd on $GALERA_PORT+1..3 (default 13307-13309), Galera
# replication on 14567/14577/14587, rsync SST, each with its own data
# directory under $GALERA_STATE_DIR (default /tmp/ironic-inspector-galera,
# owned by mysql). The first node bootstraps the cluster
# (--wsrep-new-cluster); the others join it. HAProxy listens on
# $GALERA_PORT (default 13306) the way kolla-ansible configures it: node 1
# active, nodes 2 and 3 "backup", a check every 2 s, down after 5 failed
# checks, up after 2, one-hour client and server timeouts. The check is an
# HTTP one, as with kolla-ansible's mariadb_clustercheck and
# openstack-ansible's port 9200: tools/galera/clustercheck.py answers on
# $GALERA_PORT+1001..1003 whether a node is synced, so a node still joining
# gets no traffic. Every process runs as our own, with a pid file in
# $GALERA_STATE_DIR/pids
# (tools/galera/stop-galera.sh stops by those PIDs only); the machine's
# own MariaDB is left alone. The variables the tests read are written to
# $GALERA_STATE_DIR/env. Expect about 20 s to start and 600 MB of memory.
set -euo pipefail
source "$(dirname "$0")/../lib/venv.sh"

STATE=${GALERA_STATE_DIR:-/tmp/ironic-inspector-galera}
# How soon a node that stopped answering is suspected, and declared dead
# whatever the others say (Galera's defaults: 5 s, 15 s), so that the
# tests' faults are seen within seconds. The survivors of a dead node then
# agree on a new view, from the first suspicion for at most the install
# timeout (by default half the inactive one, which Galera wants it under):
# 5 s here, so that it ends after the inactive timeout, by which every
# survivor has declared the dead node dead. With 3 s, a survivor slow to
# suspect (on a loaded machine) had not yet when it ran out, and each
# survivor stayed alone, outside the primary component.
EVS_TIMEOUTS="evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.install_timeout=PT5S"
PORT=${GALERA_PORT:-13306}
PROVIDER=${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}
# Large documents: one 16 MiB document is a 32 MiB hex literal, and its
# write set travels to every node in one piece.
MAX_PACKET=${GALERA_MAX_ALLOWED_PACKET:-67108864}
MAX_WS_SIZE=${GALERA_MAX_WS_SIZE:-134217728}
PIDS=$STATE/pids
LOGS=$STATE/logs
USER=openstack_citest
PASSWORD=openstack_citest

node_port() { echo $((PORT + $1)); }
galera_port() { echo $((PORT + 1261 + 10 * ($1 - 1))); }
ist_port() { echo $(($(galera_port "$1") + 1)); }
sst_port() { echo $(($(galera_port "$1") + 2)); }
check_port() { echo $((PORT + 1000 + $1)); }
node_dir() { echo "$STATE/node$1"; }

running() {
    local pidfile=$PIDS/$1.pid
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

cluster_address() {
    local n addresses=()
    for n in 1 2 3; do
        addresses+=("127.0.0.1:$(galera_port "$n")")
    done
    local IFS=,
    echo "gcomm://${addresses[*]}"
}

write_node_config() {
    local n=$1 dir
    dir=$(node_dir "$n")
    cat > "$dir/my.cnf" <<CONF
[mariadbd]
user = mysql
datadir = $dir/data
socket = $dir/mysqld.sock
pid-file = $dir/mysqld.pid
port = $(node_port "$n")
bind-address = 127.0.0.1
log-error = $LOGS/node$n.log
skip-name-resolve
innodb_buffer_pool_size = 64M
innodb_log_file_size = 96M
innodb_flush_log_at_trx_commit = 2
max_allowed_packet = $MAX_PACKET
max_connections = 200
binlog_format = ROW
default_storage_engine = InnoDB
innodb_autoinc_lock_mode = 2
character_set_server = utf8mb4
collation_server = utf8mb4_general_ci

wsrep_on = ON
wsrep_provider = $PROVIDER
wsrep_cluster_name = ironic-inspector-test
wsrep_cluster_address = $(cluster_address)
wsrep_node_name = node$n
wsrep_node_address = 127.0.0.1:$(galera_port "$n")
wsrep_node_incoming_address = 127.0.0.1:$(node_port "$n")
wsrep_sst_method = rsync
wsrep_sst_receive_address = 127.0.0.1:$(sst_port "$n")
wsrep_max_ws_size = $MAX_WS_SIZE
wsrep_provider_options = "base_port=$(galera_port "$n");ist.recv_addr=127.0.0.1:$(ist_port "$n");gcache.size=256M;$EVS_TIMEOUTS"
CONF
}

initialise_node() {
    local n=$1 dir
    dir=$(node_dir "$n")
    mkdir -p "$dir/data"
    write_node_config "$n"
    chown -R mysql:mysql "$dir"
    if [ ! -d "$dir/data/mysql" ]; then
        mariadb-install-db --defaults-file="$dir/my.cnf" \
            --auth-root-authentication-method=normal --skip-test-db \
            >"$LOGS/install-node$n.log" 2>&1
    fi
}

# Wait until node $1 is a synced member of the primary component.
wait_synced() {
    local n=$1 deadline=$((SECONDS + 120)) state
    while [ $SECONDS -lt $deadline ]; do
        if ! running "node$n"; then
            echo "Galera node $n exited; its log:" >&2
            tail -n 30 "$LOGS/node$n.log" >&2
            return 1
        fi
        state=$(mariadb -S "$(node_dir "$n")/mysqld.sock" -u root -N -B \
            -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null \
            | cut -f2) || true
        [ "$state" = Synced ] && return 0
        sleep 0.5
    done
    echo "Galera node $n is not synced after 120 s; its log:" >&2
    tail -n 30 "$LOGS/node$n.log" >&2
    return 1
}

start_node() {
    local n=$1
    shift
    running "node$n" && return 0
    initialise_node "$n"
    setsid mariadbd --defaults-file="$(node_dir "$n")/my.cnf" "$@" \
        >>"$LOGS/node$n.log" 2>&1 < /dev/null &
    echo $! > "$PIDS/node$n.pid"
}

create_user() {
    mariadb -S "$(node_dir 1)/mysqld.sock" -u root <<SQL
CREATE USER IF NOT EXISTS '$USER'@'127.0.0.1' IDENTIFIED BY '$PASSWORD';
CREATE USER IF NOT EXISTS '$USER'@'localhost' IDENTIFIED BY '$PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$USER'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$USER'@'localhost' WITH GRANT OPTION;
SQL
}

write_haproxy_config() {
    local n backup
    cat > "$STATE/haproxy.cfg" <<CONF
global
    maxconn 1000
    pidfile $PIDS/haproxy.pid

defaults
    mode tcp
    log global
    retries 3
    option redispatch
    timeout connect 10s
    timeout check 10s

listen mariadb
    bind 127.0.0.1:$PORT
    option clitcpka
    option srvtcpka
    option httpchk
    timeout client 3600s
    timeout server 3600s
CONF
    for n in 1 2 3; do
        backup=''
        [ "$n" -gt 1 ] && backup=' backup'
        echo "    server node$n 127.0.0.1:$(node_port "$n") check" \
             "port $(check_port "$n") inter 2000 rise 2 fall 5$backup" \
             >> "$STATE/haproxy.cfg"
    done
}

start_clustercheck() {
    running clustercheck && return 0
    local n pairs=()
    for n in 1 2 3; do
        pairs+=("$(check_port "$n"):$(node_dir "$n")/mysqld.sock")
    done
    setsid python3 "$(dirname "$0")/clustercheck.py" "${pairs[@]}" \
        >>"$LOGS/clustercheck.log" 2>&1 < /dev/null &
    echo $! > "$PIDS/clustercheck.pid"
    # HAProxy's first check must find it answering, or the node starts
    # out down.
    local deadline=$((SECONDS + 10))
    until curl -s -o /dev/null "http://127.0.0.1:$(check_port 3)/"; do
        if [ $SECONDS -ge $deadline ]; then
            echo "clustercheck.py does not answer; its log:" >&2
            tail -n 20 "$LOGS/clustercheck.log" >&2
            return 1
        fi
        sleep 0.1
    done
}

start_haproxy() {
    running haproxy && return 0
    apt_install haproxy
    write_haproxy_config
    haproxy -f "$STATE/haproxy.cfg" -c -q
    setsid haproxy -f "$STATE/haproxy.cfg" -db \
        >>"$LOGS/haproxy.log" 2>&1 < /dev/null &
    echo $! > "$PIDS/haproxy.pid"
}

wait_for_haproxy() {
    local deadline=$((SECONDS + 30))
    while [ $SECONDS -lt $deadline ]; do
        if mariadb -h 127.0.0.1 -P "$PORT" -u "$USER" -p"$PASSWORD" \
                -N -B -e 'SELECT 1' >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.5
    done
    echo "HAProxy does not answer on 127.0.0.1:$PORT; its log:" >&2
    tail -n 20 "$LOGS/haproxy.log" >&2
    return 1
}

start_all() {
    mkdir -p "$PIDS" "$LOGS"
    chown mysql:mysql "$STATE" "$LOGS"
    local n
    if ! running node1 && ! running node2 && ! running node3; then
        # NOTE: no node is up to join: the first one forms a new cluster
        # (it may, being the one that ran last or never ran).
        [ -f "$(node_dir 1)/data/grastate.dat" ] && sed -i \
            's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' \
            "$(node_dir 1)/data/grastate.dat"
        start_node 1 --wsrep-new-cluster
        wait_synced 1
        create_user
    fi
    for n in 1 2 3; do
        start_node "$n"
    done
    for n in 1 2 3; do
        wait_synced "$n"
    done
    start_clustercheck
    start_haproxy
    wait_for_haproxy
}

case ${1:-all} in
    all) start_all ;;
    node)
        [[ ${2:-} =~ ^[123]$ ]] || { echo "usage: $0 [node 1|2|3]" >&2; exit 2; }
        start_node "$2"
        wait_synced "$2"
        ;;
    *) echo "usage: $0 [node 1|2|3]" >&2; exit 2 ;;
esac

cat > "$STATE/env" <<ENV
export GALERA_STATE_DIR=$STATE
export GALERA_HAPROXY_URL=mysql+pymysql://$USER:$PASSWORD@127.0.0.1:$PORT/
export GALERA_NODE_URLS=$(for n in 1 2 3; do printf '%s' "mysql+pymysql://$USER:$PASSWORD@127.0.0.1:$(node_port "$n")/ "; done | sed 's/ $//;s/ /,/g')
ENV
cat "$STATE/env"
