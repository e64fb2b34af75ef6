#!/bin/bash
# Start a real OpenStack Swift on 127.0.0.1 for the functional tests:
# memcached (tempauth keeps its tokens there; without it every auth
# answers 503), the account, container and object servers and a proxy with
# tempauth (user test:tester, key testing). With SWIFT_AUTH=keystone, the
# proxy checks Keystone tokens instead (keystonemiddleware's authtoken,
# then Swift's keystoneauth with operator_roles = admin, swiftoperator and
# reseller_admin_role = ResellerAdmin, as in a real cloud), against the
# Keystone of tools/keystone/start.sh whose env file is in
# $KEYSTONE_STATE_DIR (default /tmp/ironic-inspector-keystone); start that
# Keystone first, with KEYSTONE_SWIFT_URL=http://127.0.0.1:$SWIFT_PROXY_PORT
# so that its catalog has this proxy. Objects have one replica on one
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
AUTH=${SWIFT_AUTH:-tempauth}
KEYSTONE_STATE=${KEYSTONE_STATE_DIR:-/tmp/ironic-inspector-keystone}
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

# The sections of the proxy's authentication middleware.
auth_config() {
    if [ "$AUTH" = tempauth ]; then
        cat <<CONF
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
CONF
        return
    fi
    cat <<CONF
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = $KEYSTONE_TEST_AUTH_URL
auth_url = $KEYSTONE_TEST_AUTH_URL
auth_type = password
username = $KEYSTONE_TEST_SWIFT_USER
password = $KEYSTONE_TEST_SWIFT_PASSWORD
user_domain_id = default
project_name = $KEYSTONE_TEST_SERVICE_PROJECT
project_domain_id = default
region_name = $KEYSTONE_TEST_REGION
# The proxy's own memcache client (its cache middleware).
cache = swift.cache
delay_auth_decision = true
include_service_catalog = false

[filter:keystoneauth]
use = egg:swift#keystoneauth
operator_roles = admin, swiftoperator
reseller_admin_role = ResellerAdmin
CONF
}

# The Keystone of tools/keystone/start.sh, whose catalog must name this
# proxy.
read_keystone_env() {
    if [ ! -f "$KEYSTONE_STATE/env" ]; then
        echo "SWIFT_AUTH=keystone: no Keystone env file in $KEYSTONE_STATE;" \
             "start tools/keystone/start.sh first (KEYSTONE_STATE_DIR)" >&2
        exit 1
    fi
    source "$KEYSTONE_STATE/env"
    if [ "${KEYSTONE_TEST_SWIFT_URL:-}" != "http://127.0.0.1:$PROXY_PORT" ]; then
        echo "SWIFT_AUTH=keystone: the catalog of the Keystone in" \
             "$KEYSTONE_STATE has Swift at '${KEYSTONE_TEST_SWIFT_URL:-}';" \
             "start it with KEYSTONE_SWIFT_URL=http://127.0.0.1:$PROXY_PORT" >&2
        exit 1
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
    local pipeline_auth=tempauth
    [ "$AUTH" = tempauth ] || pipeline_auth='authtoken keystoneauth'
    # With Keystone, the password of Swift's service user is in it.
    (umask 077; cat > "$ETC/proxy-server.conf") <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $PROXY_PORT
workers = 0
swift_dir = $ETC
log_name = proxy-server

[pipeline:main]
pipeline = catch_errors proxy-logging cache bulk $pipeline_auth proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
allow_account_management = true
account_autocreate = true

$(auth_config)

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

# tempauth: until it gives test:tester a token; Keystone: until the proxy
# refuses a request without a token, as keystoneauth does.
auth_answers() {
    if [ "$AUTH" = tempauth ]; then
        curl -sf -o /dev/null -H 'X-Auth-User: test:tester' \
            -H 'X-Auth-Key: testing' "$AUTH_URL"
    else
        [ "$(curl -s -o /dev/null -w '%{http_code}' \
             "http://127.0.0.1:$PROXY_PORT/v1/AUTH_nobody")" = 401 ]
    fi
}

wait_for_auth() {
    local deadline=$((SECONDS + 60))
    while [ $SECONDS -lt $deadline ]; do
        if auth_answers; then
            return 0
        fi
        sleep 0.5
    done
    echo "Swift did not answer auth ($AUTH) at port $PROXY_PORT within" \
         "60 s; logs:" >&2
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
case $AUTH in
    tempauth) ;;
    keystone) read_keystone_env ;;
    *) echo "SWIFT_AUTH must be tempauth or keystone, not $AUTH" >&2; exit 2 ;;
esac
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

# tempauth: its v1 auth; Keystone: where the tests find its env file (the
# accounts, the catalog that names this proxy).
if [ "$AUTH" = tempauth ]; then
    auth_env="export SWIFT_TEST_AUTH_URL=$AUTH_URL
export SWIFT_TEST_USER=test:tester
export SWIFT_TEST_KEY=testing"
else
    auth_env="export SWIFT_TEST_KEYSTONE_STATE_DIR=$KEYSTONE_STATE
export SWIFT_TEST_KEYSTONE_AUTH_URL=$KEYSTONE_TEST_AUTH_URL
export SWIFT_TEST_URL=http://127.0.0.1:$PROXY_PORT"
fi
cat > "$STATE/env" <<ENV
export SWIFT_STATE_DIR=$STATE
export SWIFT_AUTH=$AUTH
$auth_env
export SWIFT_REPLICAS=$REPLICAS
export SWIFT_VENV=$VENV
export SWIFT_PROXY_PORT=$PROXY_PORT
export SWIFT_OBJECT_PORT=$OBJECT_PORT
export SWIFT_CONTAINER_PORT=$CONTAINER_PORT
export SWIFT_ACCOUNT_PORT=$ACCOUNT_PORT
export SWIFT_MEMCACHED_PORT=$MEMCACHED_PORT
ENV
cat "$STATE/env"
