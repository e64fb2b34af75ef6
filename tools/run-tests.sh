#!/bin/bash
# Run the unit tests, then the functional tests, with stestr; end with one
# line of totals and exit non-zero when any test failed. Arguments are
# passed to both runs as a filter.
set -u
cd "$(dirname "$0")/.."
status=0
passed=0 failed=0 skipped=0

count() {
    # Totals of the last stestr run, from its subunit stream.
    local stats
    stats=$(stestr last --subunit | subunit-stats 2>/dev/null)
    passed=$((passed + $(awk '/^Passed tests:/ {print $3}' <<<"$stats")))
    failed=$((failed + $(awk '/^Failed tests:/ {print $3}' <<<"$stats")))
    skipped=$((skipped + $(awk '/^Skipped tests:/ {print $3}' <<<"$stats")))
}

for suite in unit functional; do
    echo "== $suite tests"
    TESTS_DIR=./ironic_inspector/test/$suite stestr run "$@" || status=1
    count
done
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
