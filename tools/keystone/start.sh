#!/bin/bash
# Start a real Keystone on 127.0.0.1 for the functional tests of
# [DEFAULT]auth_strategy = keystone: Keystone 30.0.0 from PyPI
# (tools/install-keystone.sh), SQLite, fernet tokens, served by cheroot
# in one process (tools/keystone/serve.py). Harmless if running.
#
# First start: keystone-manage db_sync, fernet_setup, credential_setup and
# bootstrap (user admin in project admin, region RegionOne, the identity
# endpoint); every start: tools/keystone/create-accounts.py, which makes
# the service project, the users ironic-inspector and ironic (service
# role), demo-member (member of project demo), system-reader (reader on
# the system) and the baremetal-introspection service, its endpoint at
# $KEYSTONE_INSPECTOR_URL; with $KEYSTONE_SWIFT_URL, also the user swift
# (service role; Swift's proxy checks tokens as it), the swiftoperator
# role of ironic-inspector and the object-store service at that URL
# (tools/swift/start-swift.sh with SWIFT_AUTH=keystone).
#
#   KEYSTONE_STATE_DIR        configuration, database, keys, passwords,
#                             logs, the pid file and the env file
#                             (default /tmp/ironic-inspector-keystone)
#   KEYSTONE_PORT             default 5000
#   KEYSTONE_TOKEN_EXPIRATION seconds a token lives (default 3600); a
#                             short one lets tests see tokens expire and
#                             clients renew them
#   KEYSTONE_INSPECTOR_URL    the inspector API in the catalog (default
#                             http://127.0.0.1:5051)
#   KEYSTONE_SWIFT_URL        the Swift proxy in the catalog, e.g.
#                             http://127.0.0.1:8391 (default: none)
#   KEYSTONE_VENV             Keystone's virtualenv (tools/install-keystone.sh)
#
# The variables the tests read are written to $KEYSTONE_STATE_DIR/env;
# tools/keystone/stop.sh stops the server by its PID. Expect about 30 s to
# start the first time once installed, 5 s after, and 150 MB of memory.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

STATE=${KEYSTONE_STATE_DIR:-/tmp/ironic-inspector-keystone}
PORT=${KEYSTONE_PORT:-5000}
EXPIRATION=${KEYSTONE_TOKEN_EXPIRATION:-3600}
INSPECTOR_URL=${KEYSTONE_INSPECTOR_URL:-http://127.0.0.1:5051}
SWIFT_URL=${KEYSTONE_SWIFT_URL:-}
REGION=RegionOne
URL=http://127.0.0.1:$PORT
ETC=$STATE/etc
PIDS=$STATE/pids
LOGS=$STATE/logs
VENV=$("$HERE/../install-keystone.sh")

running() {
    [ -f "$PIDS/keystone.pid" ] \
        && kill -0 "$(cat "$PIDS/keystone.pid")" 2>/dev/null
}

configure() {
    mkdir -p "$ETC" "$PIDS" "$LOGS"
    cat > "$ETC/keystone.conf" <<CONF
[DEFAULT]
log_file = $LOGS/keystone.log

[database]
connection = sqlite:///$STATE/keystone.db

[token]
provider = fernet
expiration = $EXPIRATION

[fernet_tokens]
key_repository = $STATE/fernet-keys

[credential]
key_repository = $STATE/credential-keys

[identity]
# The fewest bcrypt rounds: every test authenticates, often.
password_hash_rounds = 4
CONF
}

# The passwords, made once per state directory (and each one a state
# directory of an older start.sh lacks).
passwords() {
    local who
    (umask 077
     for who in ADMIN INSPECTOR IRONIC MEMBER READER SWIFT; do
         grep -qs "^${who}_PASSWORD=" "$STATE/passwords" \
             || echo "${who}_PASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" \
             >> "$STATE/passwords"
     done)
    set -a
    source "$STATE/passwords"
    set +a
}

manage() {
    "$VENV/bin/keystone-manage" --config-file "$ETC/keystone.conf" "$@" \
        >>"$LOGS/keystone-manage.log" 2>&1
}

# The database and the key repositories, which the server needs to
# start; each keystone-manage spends some 4 s importing Keystone, so they
# run side by side.
initialise() {
    [ -f "$STATE/initialised" ] && return
    local fernet credential
    manage fernet_setup --keystone-user "$(id -un)" \
        --keystone-group "$(id -gn)" & fernet=$!
    manage credential_setup --keystone-user "$(id -un)" \
        --keystone-group "$(id -gn)" & credential=$!
    manage db_sync
    wait "$fernet"
    wait "$credential"
}

# The admin, its project and role, the region and the identity endpoint;
# the server may serve meanwhile.
bootstrap() {
    [ -f "$STATE/initialised" ] && return
    manage bootstrap --bootstrap-password "$ADMIN_PASSWORD" \
        --bootstrap-username admin --bootstrap-project-name admin \
        --bootstrap-role-name admin --bootstrap-region-id "$REGION" \
        --bootstrap-admin-url "$URL/v3" --bootstrap-internal-url "$URL/v3" \
        --bootstrap-public-url "$URL/v3"
    touch "$STATE/initialised"
}

launch() {
    running && return
    OS_KEYSTONE_CONFIG_DIR=$ETC setsid "$VENV/bin/python" \
        "$HERE/serve.py" "$PORT" >>"$LOGS/server.log" 2>&1 </dev/null &
    echo $! > "$PIDS/keystone.pid"
}

wait_for_keystone() {
    local deadline=$((SECONDS + 60))
    while [ $SECONDS -lt $deadline ]; do
        if curl -sf -o /dev/null "$URL/v3"; then
            return 0
        fi
        if ! running; then
            break
        fi
        sleep 0.3
    done
    echo "Keystone did not answer at $URL/v3; logs:" >&2
    tail -n 20 "$LOGS/server.log" "$LOGS/keystone.log" >&2
    return 1
}

started=$SECONDS
configure
passwords
initialise
launch
bootstrap
wait_for_keystone
KEYSTONE_URL=$URL REGION=$REGION INSPECTOR_URL=$INSPECTOR_URL \
    SWIFT_URL=$SWIFT_URL "$VENV/bin/python" "$HERE/create-accounts.py"

cat > "$STATE/env" <<ENV
export KEYSTONE_STATE_DIR=$STATE
export KEYSTONE_VENV=$VENV
export KEYSTONE_TEST_AUTH_URL=$URL/v3
export KEYSTONE_TEST_REGION=$REGION
export KEYSTONE_TEST_TOKEN_EXPIRATION=$EXPIRATION
export KEYSTONE_TEST_INSPECTOR_URL=$INSPECTOR_URL
export KEYSTONE_TEST_ADMIN_USER=admin
export KEYSTONE_TEST_ADMIN_PASSWORD=$ADMIN_PASSWORD
export KEYSTONE_TEST_ADMIN_PROJECT=admin
export KEYSTONE_TEST_SERVICE_PROJECT=service
export KEYSTONE_TEST_INSPECTOR_USER=ironic-inspector
export KEYSTONE_TEST_INSPECTOR_PASSWORD=$INSPECTOR_PASSWORD
export KEYSTONE_TEST_IRONIC_USER=ironic
export KEYSTONE_TEST_IRONIC_PASSWORD=$IRONIC_PASSWORD
export KEYSTONE_TEST_MEMBER_USER=demo-member
export KEYSTONE_TEST_MEMBER_PASSWORD=$MEMBER_PASSWORD
export KEYSTONE_TEST_MEMBER_PROJECT=demo
export KEYSTONE_TEST_READER_USER=system-reader
export KEYSTONE_TEST_READER_PASSWORD=$READER_PASSWORD
export KEYSTONE_TEST_SWIFT_URL=$SWIFT_URL
export KEYSTONE_TEST_SWIFT_USER=swift
export KEYSTONE_TEST_SWIFT_PASSWORD=$SWIFT_PASSWORD
ENV
echo "Keystone is up at $URL/v3 in $((SECONDS - started)) s;" \
     "source $STATE/env" >&2
