#!/bin/bash
# Start a real ironic 32.1.0 on 127.0.0.1 for the tests that run it beside
# this project's API: the all-in-one "ironic" command (API and conductor
# in one service, no message bus; oslo.service runs it in one worker
# process under a master process), without authentication (or with
# Keystone's, see IRONIC_AUTH_STRATEGY), on a SQLite database, with the
# fake-hardware hardware type. Every interface is a fake one but
# inspection: the "inspector" inspect interface (enabled and the default),
# which calls the ironic-inspector API at $IRONIC_INSPECTOR_URL (or the
# catalog's), as ironic up to 32.x does in production.
#
#   tools/ironic/start-ironic.sh      start it (harmless if it runs already;
#                                     stop it first to change its settings)
#
# Environment:
#   IRONIC_STATE_DIR     configuration, database, log and pid file
#                        (default /tmp/ironic-inspector-ironic)
#   IRONIC_PORT          the port of ironic's API (default 6385)
#   IRONIC_INSPECTOR_URL the ironic-inspector API ironic calls
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
#   IRONIC_STATUS_CHECK_PERIOD  seconds between ironic's polls of
#                        ironic-inspector while a node inspects (default 2;
#                        ironic's own default, 60, would slow every test)
#   IRONIC_VENV          a virtualenv with ironic to use (or install);
#                        default: tools/install-ironic32.sh's cached one
#   PEER_CONSTRAINTS     other pins for that install (see
#                        tools/install-ironic32.sh)
#   IRONIC_EXTRA_CONFIG  a configuration file read after the generated one,
#                        whose options win (e.g. [inspector]auth_type =
#                        http_basic, [conductor]inspect_wait_timeout)
#
# Nothing goes beyond loopback: no DHCP, no image service, no Nova, no
# message bus (rpc_transport = none). The variables the tests read
# (IRONIC_TEST_AUTH_STRATEGY among them) are written to
# $IRONIC_STATE_DIR/env; ironic logs to $IRONIC_STATE_DIR/ironic.log;
# tools/ironic/stop-ironic.sh stops it by the PID in
# $IRONIC_STATE_DIR/ironic.pid.
# Expect 4 to 7 s to start once installed (about 40 s more for the first
# install), about 4 s to stop, and about 180 MB of memory (proportional
# set size of the two processes; 270 MB resident).
set -euo pipefail

STATE=${IRONIC_STATE_DIR:-/tmp/ironic-inspector-ironic}
PORT=${IRONIC_PORT:-6385}
INSPECTOR_URL=${IRONIC_INSPECTOR_URL:-http://127.0.0.1:5050}
AUTH_STRATEGY=${IRONIC_AUTH_STRATEGY:-noauth}
STATUS_CHECK_PERIOD=${IRONIC_STATUS_CHECK_PERIOD:-2}
URL=http://127.0.0.1:$PORT
CONFIG=$STATE/ironic.conf
DATABASE=$STATE/ironic.sqlite
LOG=$STATE/ironic.log
PIDFILE=$STATE/ironic.pid
TOOLS=$(cd "$(dirname "$0")/.." && pwd)
CONFIGS=(--config-file "$CONFIG" ${IRONIC_EXTRA_CONFIG:+--config-file "$IRONIC_EXTRA_CONFIG"})

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
    mkdir -p "$STATE/locks" "$STATE/tmp" "$STATE/tftpboot" "$STATE/httpboot"
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
enabled_inspect_interfaces = inspector
default_inspect_interface = inspector
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
connection = sqlite:///$DATABASE

[dhcp]
dhcp_provider = none

[inspector]
$(inspector_auth)
status_check_period = $STATUS_CHECK_PERIOD
require_managed_boot = false

[inventory]
data_backend = database

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
$(keystone_authtoken)
CONF
}

# A new SQLite file gets the schema at once; an existing one (or another
# database named by IRONIC_EXTRA_CONFIG) is upgraded, which is harmless
# when it is current.
create_schema() {
    local command=upgrade
    if [ -z "${IRONIC_EXTRA_CONFIG:-}" ] && [ ! -f "$DATABASE" ]; then
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
    VENV=$("$TOOLS/install-ironic32.sh")
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
