#!/bin/bash
# Install ironic 32.1.0 (the last release whose "inspector" inspect
# interface calls an ironic-inspector) from PyPI into a virtualenv of its
# own, for the tests that run the real ironic against this project's API
# (tools/ironic/start-ironic.sh), pinned by
# tools/constraints/ironic-32.1.0.txt. The virtualenv lives outside the
# checkout and is reused while it holds those pins, so CI installs it
# once per machine. Prints its path; exits non-zero when it cannot be
# installed (the tests that need ironic then skip and say so).
#
#   IRONIC_VENV       where it goes (default:
#       ${XDG_CACHE_HOME:-~/.cache}/ironic-inspector/venv-ironic-32.1.0)
#   PEER_CONSTRAINTS  the pins; empty for the newest releases (which
#       ironic 32.1.0 does not start with: see
#       tools/constraints/generate.sh ironic32)
set -euo pipefail
source "$(dirname "$0")/lib/venv.sh"
RELEASE=32.1.0
VENV=${IRONIC_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/ironic-inspector/venv-ironic-$RELEASE}
CONSTRAINTS=${PEER_CONSTRAINTS-$_TOOLS_CONSTRAINTS/ironic-$RELEASE.txt}

pinned_venv "$VENV" "$CONSTRAINTS" "ironic==$RELEASE" PyMySQL psycopg2-binary
echo "$VENV"
