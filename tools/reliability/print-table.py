#!/usr/bin/env python3
"""Print the reliability table from the lines the scenarios recorded.

    print-table.py REPORT

REPORT is the file ``RELIABILITY_REPORT`` named while
ironic_inspector.test.functional.test_reliability ran: one JSON object per
scenario run. Prints one row per run (reStructuredText's simple table, as
doc/reliability.rst shows it): operations done, errors callers saw,
documents lost or torn, retries taken, the longest call in seconds, and
for the fault scenarios the calls in flight at the kill and the calls
that succeeded while the server was down. Exits 1 when a run saw an
error, a lost or a torn document.
"""

import json
import sys

COLUMNS = (('scenario', 'Scenario'), ('operations', 'Operations'),
           ('errors', 'Caller errors'), ('lost', 'Lost'), ('torn', 'Torn'),
           ('retries', 'Retries'), ('longest', 'Longest call (s)'),
           ('calls_in_flight', 'In flight at kill'),
           ('done_while_down', 'Done while down'))


def main(argv):
    if len(argv) != 1:
        print('usage: print-table.py REPORT', file=sys.stderr)
        return 2
    try:
        with open(argv[0]) as report:
            runs = [json.loads(line) for line in report if line.strip()]
    except (OSError, ValueError) as exc:
        print('print-table.py: error: %s' % exc, file=sys.stderr)
        return 1
    rows = [[title for _, title in COLUMNS]]
    rows += [[str(run.get(key, '-')) for key, _ in COLUMNS] for run in runs]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    rule = '  '.join('=' * width for width in widths)
    print(rule)
    for number, row in enumerate(rows):
        print('  '.join(cell.ljust(width)
                        for cell, width in zip(row, widths)).rstrip())
        if number == 0:
            print(rule)
    print(rule)
    failed = any(run['errors'] or run['lost'] or run['torn'] for run in runs)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
