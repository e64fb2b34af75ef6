"""Running the processes of the concurrency suite and judging their work.

Each process is ironic_inspector.test.functional.concurrency_worker with a
JSON job; its report says what its callers saw. :class:`Totals` adds the
reports up, checks what was left behind, and records one line of the
reliability table (doc/reliability.rst): to the test's details, and, when
``RELIABILITY_REPORT`` names a file, as a JSON line appended to it for
tools/reliability/print-table.py.
"""

import json
import os
import subprocess
import sys
import time

import testtools.content

from ironic_inspector.test.functional import concurrency_worker

REPORT_FILE = 'RELIABILITY_REPORT'


class Workers:
    """Worker processes running their jobs; :meth:`reports` waits.

    :param control_dir: where the workers say they are working, and are
        told to stop (see :meth:`wait_working` and :meth:`stop`); without
        it they run their ``seconds``.
    """

    def __init__(self, jobs, control_dir=None):
        self.processes = []
        self.ready_files = []
        self.stop_file = None
        if control_dir:
            self.stop_file = os.path.join(control_dir, 'stop')
        for number, job in enumerate(jobs):
            if control_dir:
                job = dict(job, stop_file=self.stop_file, ready_file=(
                    os.path.join(control_dir, 'ready-%d' % number)))
                self.ready_files.append(job['ready_file'])
            worker = subprocess.Popen(
                [sys.executable, '-m', concurrency_worker.__name__],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True)
            worker.stdin.write(json.dumps(job))
            worker.stdin.close()
            self.processes.append(worker)

    def wait_working(self, timeout=120):
        """Until every worker has had a call succeed."""
        deadline = time.monotonic() + timeout
        while not all(os.path.exists(path) for path in self.ready_files):
            if time.monotonic() > deadline:
                raise AssertionError('the workers are not working after '
                                     '%d s' % timeout)
            time.sleep(0.1)

    def stop(self):
        """Tell the workers to finish their calls in progress and stop."""
        open(self.stop_file, 'w').close()

    def reports(self, test, timeout):
        """Each worker's report; fails ``test`` if a worker failed."""
        reports = []
        for worker in self.processes:
            out = worker.stdout.read()
            err = worker.stderr.read()
            test.assertEqual(0, worker.wait(timeout=timeout), err[-3000:])
            reports.append(json.loads(out))
        return reports


class Totals:
    """The reports of one run, added up."""

    def __init__(self, reports):
        self.operations = sum(r['saves'] + r['reads'] + r['deletes']
                              for r in reports)
        self.saves = sum(r['saves'] for r in reports)
        self.errors = [e for r in reports for e in r['errors']]
        self.torn = sum(r['torn'] for r in reports)
        self.lost = [lost for r in reports for lost in r['lost']]
        self.retries = sum(r['retries'] for r in reports)
        self.retry_causes = {}
        for report in reports:
            for cause, count in report['retry_causes'].items():
                self.retry_causes[cause] = (
                    self.retry_causes.get(cause, 0) + count)
        self.longest = max(r['longest'] for r in reports)
        self.slow_calls = [call for r in reports for call in r['slow_calls']]
        self.timeline = {}
        for report in reports:
            for second, count in report['timeline'].items():
                self.timeline[int(second)] = (
                    self.timeline.get(int(second), 0) + count)
        self.private = {}
        for report in reports:
            self.private.update(report['private'])

    def check_left_behind(self, read):
        """Compare each private document with its writer's last word.

        :param read: ``read(node, processed)`` -> the stored document or
            None; reads after the run, on the whole cluster again.
        """
        for node, kinds in self.private.items():
            for kind, expected in kinds.items():
                stored = read(node, kind == 'True')
                if (stored is not None
                        and not concurrency_worker.is_intact(stored)):
                    self.torn += 1
                found = concurrency_worker.identity(stored)
                if found != expected:
                    self.lost.append('node %s (processed=%s) holds %s after '
                                     'the run, its writer last wrote %s'
                                     % (node, kind, found, expected))

    def in_flight_at(self, moment):
        """How many slow calls were running at wall-clock ``moment``."""
        return sum(1 for start, end in self.slow_calls
                   if start <= moment <= end)

    def succeeded_between(self, start, end):
        """How many calls ended well in the whole seconds from ``start``
        to ``end`` (wall-clock)."""
        return sum(count for second, count in self.timeline.items()
                   if start <= second and second + 1 <= end)

    def record(self, test, scenario, **extra):
        """Add the table's line for ``scenario`` to the test and the file."""
        line = dict(scenario=scenario, operations=self.operations,
                    errors=len(self.errors), lost=len(self.lost),
                    torn=self.torn, retries=self.retries,
                    retry_causes=self.retry_causes,
                    longest=round(self.longest, 2), **extra)
        test.addDetail('reliability', testtools.content.json_content(line))
        if os.environ.get(REPORT_FILE):
            with open(os.environ[REPORT_FILE], 'a') as report:
                report.write(json.dumps(line) + '\n')

    def assert_nothing_lost(self, test):
        """No caller error, no torn or lost document."""
        test.assertEqual([], self.errors[:5])
        test.assertEqual(0, self.torn)
        test.assertEqual([], self.lost[:5])
