#!/bin/bash
# Run the unit tests, then the functional tests, with stestr; exit non-zero
# when any test failed. Arguments are passed to both runs as a filter.
set -u
cd "$(dirname "$0")/.."
status=0
echo "== unit tests"
TESTS_DIR=./ironic_inspector/test/unit stestr run "$@" || status=1
echo "== functional tests (MariaDB, PostgreSQL, Swift, RabbitMQ)"
TESTS_DIR=./ironic_inspector/test/functional stestr run "$@" || status=1
exit $status
