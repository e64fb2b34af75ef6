#!/bin/bash
# Install Keystone 30.0.0 from PyPI, with cheroot to serve it, into a
# virtualenv of its own, for the functional tests of auth_strategy =
# keystone (tools/keystone/start.sh runs it). Its dependencies are not
# ours: it never goes into the project's virtualenv. Pinned by
# tools/constraints/keystone-30.0.0.txt; the virtualenv lives outside the
# checkout and is reused while it holds those pins, so CI installs it
# once per machine. Prints its path; exits non-zero when it cannot be
# installed (the tests that need a Keystone then skip and say so).
#
#   KEYSTONE_VENV  where it goes (default:
#       ${XDG_CACHE_HOME:-~/.cache}/ironic-inspector/venv-keystone-30.0.0)
#   PEER_CONSTRAINTS  the pins; empty for the newest releases
set -eu
source "$(dirname "$0")/lib/venv.sh"
RELEASE=30.0.0
VENV=${KEYSTONE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/ironic-inspector/venv-keystone-$RELEASE}
CONSTRAINTS=${PEER_CONSTRAINTS-$_TOOLS_CONSTRAINTS/keystone-$RELEASE.txt}

pinned_venv "$VENV" "$CONSTRAINTS" "keystone==$RELEASE" cheroot
echo "$VENV"
