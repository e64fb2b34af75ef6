#!/bin/bash
# Install ironic-inspector 12.5.0 from PyPI into a virtualenv of its own,
# for the upgrade tests and the benchmarks, which run its code beside
# this project's. The virtualenv lives outside the checkout and is reused
# while it holds 12.5.0, so CI installs it once per machine. Prints its
# path; exits non-zero when it cannot be installed (the tests that need
# it then skip and say so).
#
#   IRONIC_INSPECTOR_RELEASE12_VENV  where it goes (default:
#       ${XDG_CACHE_HOME:-~/.cache}/ironic-inspector/venv-12.5.0)
set -eu
RELEASE=12.5.0
VENV=${IRONIC_INSPECTOR_RELEASE12_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/ironic-inspector/venv-$RELEASE}

installed() {
    # NOTE: -I keeps the working directory off sys.path: a checkout of this
    # project has metadata of its own under the same distribution name.
    "$VENV/bin/python" -I -c "
import importlib.metadata as m, sys
sys.exit(m.version('ironic-inspector') != '$RELEASE')" 2>/dev/null
}

if ! installed; then
    echo "installing ironic-inspector $RELEASE into $VENV" >&2
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "ironic-inspector==$RELEASE" PyMySQL \
        psycopg2-binary >&2
    installed
fi
echo "$VENV"
