#!/bin/bash
# Install ironic 39.0.0 (a release without the "inspector" inspect
# interface, which keeps inspection data in its own inventory storage:
# the table node_inventory or Swift) from PyPI into a virtualenv of its
# own, for the tests of ironic-inspector-migrate-data --to ironic
# against the real ironic (tools/ironic/start-ironic.sh with
# IRONIC_RELEASE=39.0.0), pinned by tools/constraints/ironic-39.0.0.txt.
# The virtualenv lives outside the checkout and is reused while it holds
# those pins, so CI installs it once per machine. Prints its path; exits
# non-zero when it cannot be installed (the tests that need ironic 39
# then skip and say so).
#
#   IRONIC_VENV       where it goes (default:
#       ${XDG_CACHE_HOME:-~/.cache}/ironic-inspector/venv-ironic-39.0.0)
#   PEER_CONSTRAINTS  the pins; empty for the newest releases (what
#       tools/constraints/generate.sh ironic39 freezes)
set -euo pipefail
source "$(dirname "$0")/lib/venv.sh"
RELEASE=39.0.0
VENV=${IRONIC_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/ironic-inspector/venv-ironic-$RELEASE}
CONSTRAINTS=${PEER_CONSTRAINTS-$_TOOLS_CONSTRAINTS/ironic-$RELEASE.txt}

pinned_venv "$VENV" "$CONSTRAINTS" "ironic==$RELEASE" PyMySQL psycopg2-binary
echo "$VENV"
