#!/bin/bash
# Run the unit tests, then the functional tests, with stestr; end with one
# line of totals and exit non-zero when any test failed. Arguments are
# passed to both runs as a filter.
set -u
cd "$(dirname "$0")/.."
status=0
passed=0 failed=0 skipped=0

count() {
    # Add the totals of the last stestr run, from its subunit stream; fail
    # when fewer tests reported than were listed: a test worker that dies
    # ends its stream early without a single failure in it.
    local stats listed reported
    stats=$(stestr last --subunit | subunit-stats 2>/dev/null)
    local p f s
    p=$(awk '/^Passed tests:/ {print $3}' <<<"$stats")
    f=$(awk '/^Failed tests:/ {print $3}' <<<"$stats")
    s=$(awk '/^Skipped tests:/ {print $3}' <<<"$stats")
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    listed=$(stestr list "$@" 2>/dev/null | grep -c '^ironic_inspector\.')
    reported=$((p + f + s))
    if [ "$reported" -lt "$listed" ]; then
        echo "$((listed - reported)) of $listed tests never reported:" \
             "a test worker died" >&2
        status=1
    fi
}

# Wait for the servers the functional tests need, where the caller starts
# them in the background (as .ci/run does) and names in
# FUNCTIONAL_READY_FILE a file that appears once they are up or have
# failed to start: the unit tests run meanwhile.
wait_for_servers() {
    local started=$SECONDS
    echo "== waiting for the servers of the functional tests"
    until [ -e "$FUNCTIONAL_READY_FILE" ]; do
        if [ $((SECONDS - started)) -ge 600 ]; then
            echo "still not ready after 600 s; carrying on" >&2
            return
        fi
        sleep 1
    done
    echo "waited $((SECONDS - started)) s"
}

for suite in unit functional; do
    if [ "$suite" = functional ] && [ -n "${FUNCTIONAL_READY_FILE:-}" ]; then
        wait_for_servers
    fi
    echo "== $suite tests"
    export TESTS_DIR=./ironic_inspector/test/$suite
    stestr run "$@" || status=1
    count "$@"
done
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
