#!/bin/bash
# Start a real, one-replica OpenStack Swift on 127.0.0.1 for the functional
# tests: memcached (tempauth keeps its tokens there; without it every auth
# answers 503), the account, container and object servers and a proxy with
# tempauth (user test:tester, key testing).
#
#   tools/swift/start-swift.sh          start everything (harmless if running)
#   tools/swift/start-swift.sh proxy    start only the proxy (after a fault test
#                                       stopped it)
#
# Swift is installed from PyPI into its own virtualenv inside the state
# directory ($SWIFT_STATE_DIR, default /tmp/ironic-inspector-swift), which
# also holds the configuration, the rings, the devices, the logs and one
# pid file per process (tools/swift/stop-swift.sh stops by those PIDs
# only). The variables the tests read are written to $SWIFT_STATE_DIR/env.
# Expect about 15 s to start once installed and about 220 MB of memory.
set -euo pipefail

STATE=${SWIFT_STATE_DIR:-/tmp/ironic-inspector-swift}
PROXY_PORT=${SWIFT_PROXY_PORT:-8080}
OBJECT_PORT=${SWIFT_OBJECT_PORT:-6210}
CONTAINER_PORT=${SWIFT_CONTAINER_PORT:-6211}
ACCOUNT_PORT=${SWIFT_ACCOUNT_PORT:-6212}
MEMCACHED_PORT=${SWIFT_MEMCACHED_PORT:-11212}
VENV=$STATE/venv
ETC=$STATE/etc
PIDS=$STATE/pids
LOGS=$STATE/logs
AUTH_URL=http://127.0.0.1:$PROXY_PORT/auth/v1.0

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
    if [ ! -x "$VENV/bin/swift-proxy-server" ]; then
        echo "Installing Swift from PyPI into $VENV"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install -q -U pip
        "$VENV/bin/pip" install -q swift
    fi
    # NOTE: Swift reads /etc/swift/swift.conf, a path fixed in its code;
    # this hook, in Swift's own virtualenv only, points it at ours.
    local site
    site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    cat > "$site/ironic_inspector_swift_conf.pth" <<'PTH'
import os; os.environ.get('SWIFT_CONF_FILE') and setattr(__import__('swift.common.utils').common.utils, 'SWIFT_CONF_FILE', os.environ['SWIFT_CONF_FILE'])
PTH
    if ! command -v memcached >/dev/null; then
        echo "Installing memcached"
        apt-get update -qq
        # No init system here: keep the package from starting a daemon.
        RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq memcached >/dev/null
    fi
}

write_server_config() {
    local server=$1 port=$2
    cat > "$ETC/$server-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $port
workers = 0
mount_check = false
devices = $STATE/devices
swift_dir = $ETC
log_name = $server-server

[pipeline:main]
pipeline = $server-server

[app:$server-server]
use = egg:swift#$server
CONF
}

configure() {
    mkdir -p "$ETC" "$PIDS" "$LOGS" "$STATE/devices/d1"
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
    write_server_config object "$OBJECT_PORT"
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
    local ring port
    for ring in account container object; do
        [ -f "$ETC/$ring.ring.gz" ] && continue
        case $ring in
            account) port=$ACCOUNT_PORT ;;
            container) port=$CONTAINER_PORT ;;
            object) port=$OBJECT_PORT ;;
        esac
        # 2^6 partitions, 1 replica, 1 hour between moves of a partition.
        "$VENV/bin/swift-ring-builder" "$ETC/$ring.builder" create 6 1 1
        "$VENV/bin/swift-ring-builder" "$ETC/$ring.builder" add \
            "r1z1-127.0.0.1:$port/d1" 100
        "$VENV/bin/swift-ring-builder" "$ETC/$ring.builder" rebalance
    done >/dev/null
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

start_proxy() {
    launch proxy "$VENV/bin/swift-proxy-server" "$ETC/proxy-server.conf"
}

start_all() {
    install
    configure
    # memcached refuses to run as root unless told which user to be.
    launch memcached memcached -l 127.0.0.1 -p "$MEMCACHED_PORT" -U 0 \
        -m 32 -u "$(id -un)"
    local server
    for server in account container object; do
        launch "$server" "$VENV/bin/swift-$server-server" \
            "$ETC/$server-server.conf"
    done
    start_proxy
}

export SWIFT_CONF_FILE=$ETC/swift.conf
case ${1:-all} in
    all) start_all ;;
    proxy) start_proxy ;;
    *) echo "usage: $0 [proxy]" >&2; exit 2 ;;
esac
wait_for_auth

cat > "$STATE/env" <<ENV
export SWIFT_STATE_DIR=$STATE
export SWIFT_TEST_AUTH_URL=$AUTH_URL
export SWIFT_TEST_USER=test:tester
export SWIFT_TEST_KEY=testing
ENV
cat "$STATE/env"
