#!/bin/bash
# Drift: would the newest releases of our dependencies break us? Installs
# the project, its extras and its test requirements without
# upper-constraints.txt into a virtualenv of its own ($DRIFT_VENV,
# default .venv-drift), runs the unit tests there, and prints which
# tests broke and which packages moved (a diff of the pinned freeze
# against the newest). Informational: it always exits 0. When it shows
# a release worth taking (or one to keep out), refresh the pins with
# tools/constraints/generate.sh project.
set -u
cd "$(dirname "$0")/.."
VENV=${DRIFT_VENV:-.venv-drift}
REPO=$VENV/stestr

echo "== drift: the newest releases, unpinned, in $VENV"
python3 -m venv --clear "$VENV"
if ! { "$VENV/bin/pip" install -q -U pip setuptools wheel \
       && "$VENV/bin/pip" install -q '.[mysql,postgresql]' \
              -r test-requirements.txt; } >"$VENV/install.log" 2>&1; then
    echo "drift: the newest releases do not install together:"
    grep -v 'is ignored' "$VENV/install.log" | tail -n 20
    exit 0
fi

echo "== drift: packages that moved (pinned -> newest)"
"$VENV/bin/pip" freeze --all --exclude ironic-inspector | sed 's/==/===/' \
    | LC_ALL=C sort -f > "$VENV/freeze.txt"
moved=$(diff <(grep -v '^#' upper-constraints.txt) "$VENV/freeze.txt" \
        | awk '/^[<>]/ {split($2, p, "==="); v[p[1]] = v[p[1]] \
               ($1 == "<" ? "old:" : "new:") p[2] " "}
               END {for (n in v) print n, v[n]}' \
        | awk '{o = n = "-"; for (i = 2; i <= NF; i++) {
                    if ($i ~ /^old:/) o = substr($i, 5);
                    else n = substr($i, 5)}
                printf "  %-32s %s -> %s\n", $1, o, n}' | LC_ALL=C sort -f)
echo "${moved:-  none}"

echo "== drift: unit tests on the newest releases"
mkdir -p "$REPO"
"$VENV/bin/stestr" --repo-url "$REPO" --test-path ./ironic_inspector/test/unit \
    run >"$VENV/unit.log" 2>&1
stats=$("$VENV/bin/stestr" --repo-url "$REPO" last --subunit 2>/dev/null \
        | "$VENV/bin/subunit-stats" 2>/dev/null)
if ! grep -q '^Total tests: *[1-9]' <<<"$stats"; then
    echo "drift: the unit tests did not run on the newest releases:"
    grep -v 'is ignored' "$VENV/unit.log" | tail -n 20
    exit 0
fi
awk '/^(Total|Passed|Failed|Skipped) tests:/ {printf "%s %s  ", $1, $3}
     END {print ""}' <<<"$stats"
broke=$("$VENV/bin/stestr" --repo-url "$REPO" failing --list 2>/dev/null)
if [ -n "$broke" ]; then
    echo "drift: broken by the newest releases:"
    sed 's/^/  /' <<<"$broke"
else
    echo "drift: nothing broke"
fi
exit 0
