#!/bin/bash
# Stop the Keystone that tools/keystone/start.sh started, by the PID it
# recorded, and nothing else. Its state directory stays: the next start
# reuses the database, the keys and the passwords.
set -uo pipefail
source "$(dirname "$0")/../lib/stop-pid.sh"

STATE=${KEYSTONE_STATE_DIR:-/tmp/ironic-inspector-keystone}
stop_pidfiles "$STATE/pids" keystone
