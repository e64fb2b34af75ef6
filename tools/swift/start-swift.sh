#!/bin/bash
# Start a real OpenStack Swift on 127.0.0.1 for the functional tests:
# memcached (tempauth keeps its tokens there; without it every auth
# answers 503), the account, container and object servers and a proxy with
# tempauth (user test:tester, key testing). Objects have one replica on one
# object server; with SWIFT_REPLICAS=3, three replicas on three object
# servers (ports $SWIFT_OBJECT_PORT and the next two, pid files object1-3),
# for the tests that kill one of them.
#
#   tools/swift/start-swift.sh          start everything (harmless if running)
#   tools/swift/start-swift.sh proxy    start only the proxy (after a fault test
#                                       stopped it)
#   tools/swift/start-swift.sh object N start only object server N (1-3, with
#                                       SWIFT_REPLICAS=3)
#
# Swift is installed from PyPI, pinned by tools/constraints/swift.txt
# (PEER_CONSTRAINTS: another file; empty for the newest releases), into
# its own virtualenv inside the state directory ($SWIFT_STATE_DIR, default /tmp/ironic-inspector-swift), which
# also holds the configuration, the rings, the devices, the logs and one
# pid file per process (tools/swift/stop-swift.sh stops by those PIDs
# only). The variables the tests read are written to $SWIFT_STATE_DIR/env.
# SWIFT_VENV names a virtualenv with Swift to use (or install) instead, so
# that two Swifts share one installation.
# Expect about 15 s to start once installed and about 220 MB of memory
# (some 60 MB more per extra object server).
set -euo pipefail

STATE=${SWIFT_STATE_DIR:-/tmp/ironic-inspector-swift}
PROXY_PORT=${SWIFT_PROXY_PORT:-8080}
OBJECT_PORT=${SWIFT_OBJECT_PORT:-6210}
CONTAINER_PORT=${SWIFT_CONTAINER_PORT:-6211}
ACCOUNT_PORT=${SWIFT_ACCOUNT_PORT:-6212}
MEMCACHED_PORT=${SWIFT_MEMCACHED_PORT:-11212}
REPLICAS=${SWIFT_REPLICAS:-1}
VENV=${SWIFT_VENV:-$STATE/venv}
ETC=$STATE/etc
PIDS=$STATE/pids
LOGS=$STATE/logs
AUTH_URL=http://127.0.0.1:$PROXY_PORT/auth/v1.0
source "$(dirname "$0")/../lib/venv.sh"
CONSTRAINTS=${PEER_CONSTRAINTS-$_TOOLS_CONSTRAINTS/swift.txt}

running() {
    local pidfile=$PIDS/$1.pid
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# Start "$@" in the background as server $name, unless it already runs.
launch() {
    local name=$1
    shift
    if running "$name"; then
        return
    fi
    setsid "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null &
    echo $! > "$PIDS/$name.pid"
}

install() {
    pinned_venv "$VENV" "$CONSTRAINTS" swift keystonemiddleware
    # NOTE: Swift reads /etc/swift/swift.conf, a path fixed in its code;
    # this hook, in Swift's own virtualenv only, points it at ours.
    local site
    site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    cat > "$site/ironic_inspector_swift_conf.pth" <<'PTH'
import os; os.environ.get('SWIFT_CONF_FILE') and setattr(__import__('swift.common.utils').common.utils, 'SWIFT_CONF_FILE', os.environ['SWIFT_CONF_FILE'])
PTH
    apt_install memcached
}

# The name of object server $1: "object" alone, object1..N with replicas.
object_server() {
    if [ "$REPLICAS" = 1 ]; then
        echo object
    else
        echo "object$1"
    fi
}

write_server_config() {
    local name=$1 port=$2 server=${3:-$1}
    cat > "$ETC/$name-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $port
workers = 0
mount_check = false
devices = $STATE/devices
swift_dir = $ETC
log_name = $name-server

[pipeline:main]
pipeline = $server-server

[app:$server-server]
use = egg:swift#$server
CONF
}

configure() {
    mkdir -p "$ETC" "$PIDS" "$LOGS"
    cat > "$ETC/swift.conf" <<CONF
[swift-hash]
swift_hash_path_suffix = ironic-inspector-tests
swift_hash_path_prefix = ironic-inspector-tests

[storage-policy:0]
name = default
default = yes
CONF
    write_server_config account "$ACCOUNT_PORT"
    write_server_config container "$CONTAINER_PORT"
    local n
    for n in $(seq "$REPLICAS"); do
        mkdir -p "$STATE/devices/d$n"
        write_server_config "$(object_server "$n")" \
            $((OBJECT_PORT + n - 1)) object
    done
    cat > "$ETC/proxy-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $PROXY_PORT
workers = 0
swift_dir = $ETC
log_name = proxy-server

[pipeline:main]
pipeline = catch_errors proxy-logging cache bulk tempauth proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
allow_account_management = true
account_autocreate = true

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin

[filter:bulk]
use = egg:swift#bulk

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MEMCACHED_PORT

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:proxy-logging]
use = egg:swift#proxy_logging
CONF
    make_ring account 1 "$ACCOUNT_PORT"
    make_ring container 1 "$CONTAINER_PORT"
    make_ring object "$REPLICAS" "$OBJECT_PORT"
}

# Ring $1 with $2 replicas, on as many devices d1..dN, one per port from $3
# up, each in its own zone.
make_ring() {
    local ring=$1 replicas=$2 port=$3 n
    [ -f "$ETC/$ring.ring.gz" ] && return
    # 2^6 partitions, 1 hour between moves of a partition.
    "$VENV/bin/swift-ring-builder" "$ETC/$ring.builder" create 6 \
        "$replicas" 1 >/dev/null
    for n in $(seq "$replicas"); do
        "$VENV/bin/swift-ring-builder" "$ETC/$ring.builder" add \
            "r1z$n-127.0.0.1:$((port + n - 1))/d$n" 100 >/dev/null
    done
    "$VENV/bin/swift-ring-builder" "$ETC/$ring.builder" rebalance >/dev/null
}

wait_for_auth() {
    local deadline=$((SECONDS + 60))
    while [ $SECONDS -lt $deadline ]; do
        if curl -sf -o /dev/null -H 'X-Auth-User: test:tester' \
                -H 'X-Auth-Key: testing' "$AUTH_URL"; then
            return 0
        fi
        sleep 0.5
    done
    echo "Swift did not answer auth at $AUTH_URL within 60 s; logs:" >&2
    tail -n 20 "$LOGS"/*.log >&2
    return 1
}

start_object() {
    local name
    name=$(object_server "$1")
    launch "$name" "$VENV/bin/swift-object-server" "$ETC/$name-server.conf"
}

start_proxy() {
    launch proxy "$VENV/bin/swift-proxy-server" "$ETC/proxy-server.conf"
}

start_all() {
    install
    configure
    # memcached refuses to run as root unless told which user to be.
    launch memcached memcached -l 127.0.0.1 -p "$MEMCACHED_PORT" -U 0 \
        -m 32 -u "$(id -un)"
    local server n
    for server in account container; do
        launch "$server" "$VENV/bin/swift-$server-server" \
            "$ETC/$server-server.conf"
    done
    for n in $(seq "$REPLICAS"); do
        start_object "$n"
    done
    start_proxy
}

export SWIFT_CONF_FILE=$ETC/swift.conf
case ${1:-all} in
    all) start_all ;;
    proxy) start_proxy ;;
    object)
        if ! [[ ${2:-} =~ ^[0-9]+$ ]] || [ "$2" -lt 1 ] \
                || [ "$2" -gt "$REPLICAS" ]; then
            echo "usage: $0 [proxy | object 1..$REPLICAS]" >&2
            exit 2
        fi
        start_object "$2"
        ;;
    *) echo "usage: $0 [proxy | object N]" >&2; exit 2 ;;
esac
wait_for_auth

cat > "$STATE/env" <<ENV
export SWIFT_STATE_DIR=$STATE
export SWIFT_TEST_AUTH_URL=$AUTH_URL
export SWIFT_TEST_USER=test:tester
export SWIFT_TEST_KEY=testing
export SWIFT_REPLICAS=$REPLICAS
export SWIFT_VENV=$VENV
export SWIFT_PROXY_PORT=$PROXY_PORT
export SWIFT_OBJECT_PORT=$OBJECT_PORT
export SWIFT_CONTAINER_PORT=$CONTAINER_PORT
export SWIFT_ACCOUNT_PORT=$ACCOUNT_PORT
export SWIFT_MEMCACHED_PORT=$MEMCACHED_PORT
ENV
cat "$STATE/env"
