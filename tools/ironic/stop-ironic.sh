#!/bin/bash
# Stop the ironic that tools/ironic/start-ironic.sh started, by the PID it
# recorded, and nothing else. The state directory ($IRONIC_STATE_DIR,
# default /tmp/ironic-inspector-ironic) stays, with the log and the
# database; the next start reuses the database.
set -uo pipefail
source "$(dirname "$0")/../lib/stop-pid.sh"

STATE=${IRONIC_STATE_DIR:-/tmp/ironic-inspector-ironic}
stop_pidfiles "$STATE" ironic
