#!/bin/bash
# Install ironic-inspector 12.5.0 from PyPI into a virtualenv of its own,
# for the upgrade tests and the benchmarks, which run its code beside
# this project's, pinned by tools/constraints/ironic-inspector-12.5.0.txt.
# The virtualenv lives outside the checkout and is reused while it holds
# those pins, so CI installs it once per machine. Prints its path; exits
# non-zero when it cannot be installed (the tests that need it then skip
# and say so).
#
#   IRONIC_INSPECTOR_RELEASE12_VENV  where it goes (default:
#       ${XDG_CACHE_HOME:-~/.cache}/ironic-inspector/venv-12.5.0)
#   PEER_CONSTRAINTS  the pins; empty for the newest releases
set -eu
source "$(dirname "$0")/lib/venv.sh"
RELEASE=12.5.0
VENV=${IRONIC_INSPECTOR_RELEASE12_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/ironic-inspector/venv-$RELEASE}
CONSTRAINTS=${PEER_CONSTRAINTS-$_TOOLS_CONSTRAINTS/ironic-inspector-$RELEASE.txt}

pinned_venv "$VENV" "$CONSTRAINTS" "ironic-inspector==$RELEASE" PyMySQL \
    psycopg2-binary
echo "$VENV"
