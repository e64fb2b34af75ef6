#!/bin/bash
# Start a real ironic on 127.0.0.1 for the tests that run it beside this
# project: the all-in-one "ironic" command (API and conductor in one
# service, no message bus; oslo.service runs it in one worker process
# under a master process), without authentication (or with Keystone's,
# see IRONIC_AUTH_STRATEGY), with the fake-hardware hardware type. Two
# releases:
#
#   32.1.0 (the default)  every interface is a fake one but inspection:
#       the "inspector" inspect interface (enabled and the default), which
#       calls the ironic-inspector API at $IRONIC_INSPECTOR_URL (or the
#       catalog's), as ironic up to 32.x does in production.
#   39.0.0  an ironic without the "inspector" inspect interface, which
#       keeps inspection data in its own inventory storage
#       ([inventory]data_backend: the table node_inventory, or Swift) and
#       serves it at GET /v1/nodes/<node>/inventory: the target of
#       ironic-inspector-migrate-data --to ironic. Inspect interfaces
#       fake (the default), agent and no-inspect.
#
#   tools/ironic/start-ironic.sh      start it (harmless if it runs already;
#                                     stop it first to change its settings)
#
# Environment:
#   IRONIC_RELEASE       32.1.0 (default) or 39.0.0; installed by
#                        tools/install-ironic32.sh or tools/install-ironic39.sh
#   IRONIC_STATE_DIR     configuration, database, log and pid file
#                        (default /tmp/ironic-inspector-ironic)
#   IRONIC_PORT          the port of ironic's API (default 6385)
#   IRONIC_DATABASE_URL  ironic's database (default: a SQLite file
#                        ironic.sqlite in the state directory); a MariaDB or
#                        PostgreSQL database must exist (empty, or ironic's:
#                        ironic-dbsync upgrade makes or updates the schema)
#   IRONIC_INVENTORY_BACKEND  [inventory]data_backend: database (default),
#                        swift or none
#   IRONIC_SWIFT_CONTAINER  [inventory]swift_data_container (default
#                        ironic's, introspection_data_container)
#   IRONIC_SWIFT_TEMPAUTH_URL, IRONIC_SWIFT_TEMPAUTH_USER,
#   IRONIC_SWIFT_TEMPAUTH_KEY  a Swift with tempauth
#                        (tools/swift/start-swift.sh's SWIFT_TEST_AUTH_URL,
#                        _USER and _KEY): at start, the script signs in and
#                        gives ironic the token and the storage URL
#                        ([swift] auth_type = admin_token, endpoint,
#                        endpoint_override); tempauth tokens live a day
#   IRONIC_SWIFT_<OPTION>  any other option of ironic's [swift] group
#                        (keystoneauth: IRONIC_SWIFT_AUTH_TYPE=password,
#                        IRONIC_SWIFT_AUTH_URL, IRONIC_SWIFT_USERNAME, ...,
#                        or IRONIC_SWIFT_ENDPOINT_OVERRIDE), written as is
#   IRONIC_INSPECTOR_URL the ironic-inspector API ironic 32.1.0 calls
#                        (default http://127.0.0.1:5050; noauth only)
#   IRONIC_AUTH_STRATEGY noauth (the default) or keystone: the Keystone of
#                        tools/keystone/start.sh, whose env file in
#                        $KEYSTONE_STATE_DIR (default
#                        /tmp/ironic-inspector-keystone) says where it is
#                        and the passwords; it must be running. Ironic
#                        then checks tokens as the "ironic" service user
#                        ([keystone_authtoken]), registers its API in the
#                        catalog as the baremetal service
#                        (tools/keystone/create-accounts.py with
#                        IRONIC_URL), and calls the inspector API the
#                        catalog names (baremetal-introspection) with its
#                        service user's token ([inspector]auth_type =
#                        password, no endpoint_override). The service role
#                        of the service project has the elevated access
#                        ironic's default policy gives it with
#                        [DEFAULT]rbac_service_role_elevated_access.
#   IRONIC_STATUS_CHECK_PERIOD  seconds between ironic 32.1.0's polls of
#                        ironic-inspector while a node inspects (default 2;
#                        ironic's own default, 60, would slow every test)
#   IRONIC_VENV          a virtualenv with ironic to use (or install);
#                        default: the install script's cached one
#   PEER_CONSTRAINTS     other pins for that install (see the install
#                        script)
#   IRONIC_EXTRA_CONFIG  a configuration file read after the generated one,
#                        whose options win (e.g. [inspector]auth_type =
#                        http_basic, [conductor]inspect_wait_timeout)
#
# Nothing goes beyond loopback: no DHCP, no image service, no Nova, no
# message bus (rpc_transport = none). The variables the tests read are
# written to $IRONIC_STATE_DIR/env (with the release, the database URL,
# the inventory backend and the auth strategy); ironic logs to
# $IRONIC_STATE_DIR/ironic.log; tools/ironic/stop-ironic.sh stops it by
# the PID in $IRONIC_STATE_DIR/ironic.pid.
# 32.1.0: expect 4 to 7 s to start once installed (about 40 s more for
# the first install), about 4 s to stop, and about 180 MB of memory
# (proportional set size of the two processes; 270 MB resident).
# 39.0.0: expect 6 to 12 s to start once installed, on SQLite as on an
# empty MariaDB or PostgreSQL database that ironic-dbsync upgrades (up to
# 18 s seen for that upgrade on MariaDB on a busy machine); about 40 s
# more for the first install (60 s with pip's cache cold), about 4 s to
# stop, and about 180 MB of memory (PSS; 300 MB resident).
set -euo pipefail

STATE=${IRONIC_STATE_DIR:-/tmp/ironic-inspector-ironic}
PORT=${IRONIC_PORT:-6385}
RELEASE=${IRONIC_RELEASE:-32.1.0}
BACKEND=${IRONIC_INVENTORY_BACKEND:-database}
SWIFT_CONTAINER=${IRONIC_SWIFT_CONTAINER:-introspection_data_container}
INSPECTOR_URL=${IRONIC_INSPECTOR_URL:-http://127.0.0.1:5050}
AUTH_STRATEGY=${IRONIC_AUTH_STRATEGY:-noauth}
STATUS_CHECK_PERIOD=${IRONIC_STATUS_CHECK_PERIOD:-2}
URL=http://127.0.0.1:$PORT
CONFIG=$STATE/ironic.conf
DATABASE_URL=${IRONIC_DATABASE_URL:-sqlite:///$STATE/ironic.sqlite}
LOG=$STATE/ironic.log
PIDFILE=$STATE/ironic.pid
TOOLS=$(cd "$(dirname "$0")/.." && pwd)
CONFIGS=(--config-file "$CONFIG" ${IRONIC_EXTRA_CONFIG:+--config-file "$IRONIC_EXTRA_CONFIG"})

case $RELEASE in
    32.1.0) INSTALL=$TOOLS/install-ironic32.sh ;;
    39.0.0) INSTALL=$TOOLS/install-ironic39.sh ;;
    *) echo "IRONIC_RELEASE=$RELEASE: this script starts 32.1.0 or 39.0.0" >&2
       exit 1 ;;
esac
case $BACKEND in
    database|swift|none) ;;
    *) echo "IRONIC_INVENTORY_BACKEND=$BACKEND: database, swift or none" >&2
       exit 1 ;;
esac

running() {
    [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

# The test Keystone's variables (KEYSTONE_TEST_*); the inspector API is
# the one its catalog names.
load_keystone() {
    local env=${KEYSTONE_STATE_DIR:-/tmp/ironic-inspector-keystone}/env
    if [ ! -f "$env" ]; then
        echo "IRONIC_AUTH_STRATEGY=keystone: no $env; start" \
             "tools/keystone/start.sh first" >&2
        exit 1
    fi
    source "$env"
    INSPECTOR_URL=$KEYSTONE_TEST_INSPECTOR_URL
}

# A user's options of keystoneauth1's password plugin, for a section.
password_auth() {
    cat <<CONF
auth_type = password
auth_url = $KEYSTONE_TEST_AUTH_URL
username = $1
password = $2
user_domain_id = default
project_name = $KEYSTONE_TEST_SERVICE_PROJECT
project_domain_id = default
region_name = $KEYSTONE_TEST_REGION
CONF
}

# The authentication lines of ironic.conf's sections: none, or Keystone's.
default_auth() {
    echo "auth_strategy = $AUTH_STRATEGY"
    [ "$AUTH_STRATEGY" = keystone ] || return 0
    echo "rbac_service_role_elevated_access = true"
}

inspector_auth() {
    if [ "$AUTH_STRATEGY" = keystone ]; then
        password_auth "$KEYSTONE_TEST_IRONIC_USER" \
            "$KEYSTONE_TEST_IRONIC_PASSWORD"
    else
        echo "endpoint_override = $INSPECTOR_URL"
    fi
}

keystone_authtoken() {
    [ "$AUTH_STRATEGY" = keystone ] || return 0
    printf '\n[keystone_authtoken]\nwww_authenticate_uri = %s\n' \
        "$KEYSTONE_TEST_AUTH_URL"
    password_auth "$KEYSTONE_TEST_IRONIC_USER" "$KEYSTONE_TEST_IRONIC_PASSWORD"
}

# Ironic's API in the catalog, as the baremetal service.
register_endpoint() {
    (set -a
     source "$KEYSTONE_STATE_DIR/passwords"
     KEYSTONE_URL=${KEYSTONE_TEST_AUTH_URL%/v3}
     REGION=$KEYSTONE_TEST_REGION
     INSPECTOR_URL=$KEYSTONE_TEST_INSPECTOR_URL
     IRONIC_URL=$URL
     "$KEYSTONE_VENV/bin/python" "$TOOLS/keystone/create-accounts.py") >&2
}

# The headers of a call to ironic's API: with Keystone, a token of the
# admin on the system (ironic's drivers are the system's).
api_headers() {
    echo 'X-OpenStack-Ironic-API-Version: latest'
    [ "$AUTH_STRATEGY" = keystone ] || return 0
    echo "X-Auth-Token: $(curl -sf -m 10 -o /dev/null -D - \
        -H 'Content-Type: application/json' -d @- \
        "$KEYSTONE_TEST_AUTH_URL/auth/tokens" <<JSON \
        | awk 'tolower($1) == "x-subject-token:" {print $2}' | tr -d '\r'
{"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "$KEYSTONE_TEST_ADMIN_USER", "domain": {"id": "default"},
    "password": "$KEYSTONE_TEST_ADMIN_PASSWORD"}}},
  "scope": {"system": {"all": true}}}}
JSON
)"
}

configure() {
    local swift=
    mkdir -p "$STATE/locks" "$STATE/tmp" "$STATE/tftpboot" "$STATE/httpboot"
    if [ "$BACKEND" = swift ]; then
        swift=$(swift_section)
    fi
    cat > "$CONFIG" <<CONF
[DEFAULT]
$(default_auth)
rpc_transport = none
host = ironic-inspector-tests
my_ip = 127.0.0.1
state_path = $STATE
tempdir = $STATE/tmp
debug = true
log_file = $LOG
enabled_hardware_types = fake-hardware
enabled_bios_interfaces = fake
enabled_boot_interfaces = fake
enabled_console_interfaces = fake
enabled_deploy_interfaces = fake
enabled_firmware_interfaces = fake
$(inspect_interfaces)
enabled_management_interfaces = fake
enabled_network_interfaces = noop
enabled_power_interfaces = fake
enabled_raid_interfaces = fake
enabled_rescue_interfaces = fake
enabled_storage_interfaces = noop
enabled_vendor_interfaces = fake

[api]
host_ip = 127.0.0.1
port = $PORT

[conductor]
automated_clean = false
# NOTE: with node history on (the default), each power state sync clears
# a node's last_error; fake power needs no sync, and tests read last_error.
sync_power_state_interval = 0

[database]
connection = $DATABASE_URL

[dhcp]
dhcp_provider = none

$(inspector_section)
[inventory]
data_backend = $BACKEND
swift_data_container = $SWIFT_CONTAINER

[nova]
send_power_notifications = false

[oslo_concurrency]
lock_path = $STATE/locks

# Unused by fake boot; where a managed-boot test (IRONIC_EXTRA_CONFIG
# enabling the pxe boot interface) writes its boot files.
[pxe]
tftp_root = $STATE/tftpboot

[deploy]
http_root = $STATE/httpboot
http_url = http://127.0.0.1:$PORT
$swift
$(keystone_authtoken)
CONF
}

# 32.1.0 inspects through ironic-inspector; 39.0.0 has no such interface.
inspect_interfaces() {
    if [ "$RELEASE" = 32.1.0 ]; then
        printf 'enabled_inspect_interfaces = inspector\n'
        printf 'default_inspect_interface = inspector\n'
    else
        printf 'enabled_inspect_interfaces = fake,agent,no-inspect\n'
        printf 'default_inspect_interface = fake\n'
    fi
}

inspector_section() {
    [ "$RELEASE" = 32.1.0 ] || return 0
    cat <<SECTION
[inspector]
$(inspector_auth)
status_check_period = $STATUS_CHECK_PERIOD
require_managed_boot = false

SECTION
}

# [swift]: from a tempauth sign-in, then every IRONIC_SWIFT_<OPTION>.
swift_section() {
    local name option headers storage token
    printf '\n[swift]\n'
    if [ -n "${IRONIC_SWIFT_TEMPAUTH_URL:-}" ]; then
        headers=$(curl -sf -m 30 -D - -o /dev/null \
                  -H "X-Auth-User: ${IRONIC_SWIFT_TEMPAUTH_USER:-}" \
                  -H "X-Auth-Key: ${IRONIC_SWIFT_TEMPAUTH_KEY:-}" \
                  "$IRONIC_SWIFT_TEMPAUTH_URL" | tr -d '\r') || {
            echo "no token from the tempauth of $IRONIC_SWIFT_TEMPAUTH_URL" >&2
            return 1
        }
        storage=$(awk -F': ' 'tolower($1) == "x-storage-url" {print $2}' <<<"$headers")
        token=$(awk -F': ' 'tolower($1) == "x-auth-token" {print $2}' <<<"$headers")
        printf 'auth_type = admin_token\nendpoint = %s\n' "$storage"
        printf 'endpoint_override = %s\ntoken = %s\n' "$storage" "$token"
    fi
    for name in $(compgen -e | grep '^IRONIC_SWIFT_' \
                  | grep -v -e '^IRONIC_SWIFT_CONTAINER$' -e '^IRONIC_SWIFT_TEMPAUTH_'); do
        option=${name#IRONIC_SWIFT_}
        printf '%s = %s\n' "${option,,}" "${!name}"
    done
}

# A new SQLite file gets the schema at once (ironic's migrations do not
# run on SQLite from an empty database); an existing one, a MariaDB or
# PostgreSQL database (or another database named by IRONIC_EXTRA_CONFIG)
# is upgraded, which is harmless when it is current.
create_schema() {
    local command=upgrade
    if [ -z "${IRONIC_EXTRA_CONFIG:-}" ] && [[ $DATABASE_URL == sqlite:///* ]] \
            && [ ! -f "${DATABASE_URL#sqlite:///}" ]; then
        command=create_schema
    fi
    "$VENV/bin/ironic-dbsync" "${CONFIGS[@]}" "$command" >>"$LOG" 2>&1
}

# Ready when the API lists the versions and the conductor has registered
# fake-hardware (before that, every action fails with "no conductor").
wait_for_api() {
    local deadline=$((SECONDS + 90))
    while [ $SECONDS -lt $deadline ]; do
        if ! running; then
            echo "ironic exited while starting; log:" >&2
            tail -n 30 "$LOG" >&2
            return 1
        fi
        if curl -sf -m 5 "$URL/" | grep -q '"versions"' \
                && api_headers | curl -sf -m 5 -H @- "$URL/v1/drivers" \
                    | grep -q '"fake-hardware"'; then
            return 0
        fi
        sleep 0.5
    done
    echo "ironic did not answer at $URL within 90 s; log:" >&2
    tail -n 30 "$LOG" >&2
    return 1
}

start() {
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
        echo "port $PORT is taken by another process; set IRONIC_PORT" >&2
        exit 1
    fi
    VENV=$("$INSTALL")
    configure
    create_schema
    [ "$AUTH_STRATEGY" = noauth ] || register_endpoint
    setsid "$VENV/bin/ironic" "${CONFIGS[@]}" >>"$LOG" 2>&1 </dev/null &
    echo $! > "$PIDFILE"
}

write_env() {
    cat > "$STATE/env" <<ENV
export IRONIC_STATE_DIR=$STATE
export IRONIC_TEST_URL=$URL
export IRONIC_TEST_RELEASE=$RELEASE
export IRONIC_TEST_DATABASE_URL=$DATABASE_URL
export IRONIC_TEST_INVENTORY_BACKEND=$BACKEND
export IRONIC_TEST_SWIFT_CONTAINER=$SWIFT_CONTAINER
export IRONIC_TEST_SWIFT_AUTH_URL=${IRONIC_SWIFT_TEMPAUTH_URL:-}
export IRONIC_TEST_STATE_DIR=$STATE
export IRONIC_TEST_LOG=$LOG
export IRONIC_TEST_INSPECTOR_URL=$INSPECTOR_URL
export IRONIC_TEST_STATUS_CHECK_PERIOD=$STATUS_CHECK_PERIOD
export IRONIC_TEST_AUTH_STRATEGY=$AUTH_STRATEGY
export IRONIC_PORT=$PORT
ENV
    if [ "$AUTH_STRATEGY" = keystone ]; then
        echo "export IRONIC_TEST_KEYSTONE_AUTH_URL=$KEYSTONE_TEST_AUTH_URL" \
            >> "$STATE/env"
    fi
}

# An ironic that runs already keeps its settings and the env file written
# when it started.
if ! running; then
    started=$SECONDS
    case $AUTH_STRATEGY in
        noauth) ;;
        keystone) load_keystone ;;
        *) echo "IRONIC_AUTH_STRATEGY: noauth or keystone" >&2; exit 1 ;;
    esac
    start
    wait_for_api
    echo "ironic answers at $URL (started in $((SECONDS - started)) s)" >&2
    write_env
fi
cat "$STATE/env"
