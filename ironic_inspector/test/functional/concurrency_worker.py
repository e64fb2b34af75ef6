"""One process of the concurrency suite: threads saving, reading, deleting.

Run as ``python -m ironic_inspector.test.functional.concurrency_worker``
with a JSON job on standard input; prints a JSON report on standard output.
The threads call the configured storage backend, or, when the job says
``through_conductor``, IntrospectionData objects whose calls go to the
conductors over RPC. Every document it writes carries a digest of its own
body, so any reader can tell an intact document from a torn or mixed one.

Job keys: ``config_file``, ``nodes`` (shared by every thread), ``threads``,
``seconds`` (at most), ``size`` (bytes of a document), ``process`` (a
name); optionally ``ready_file`` (created once a first call succeeded),
``stop_file`` (the threads stop once it exists), ``through_conductor``,
``deletes`` (threads also delete shared documents), ``large_size`` and
``large_every`` (every that many saves of a thread is a document of
``large_size``), ``private_nodes`` (one node per
thread, which only that thread writes: every save there is read back at
once, and the thread reports its last acknowledged state, so that a write
that returned but was lost shows).

Report: counts of ``saves``, ``reads``, ``deletes``; ``errors`` (what
callers saw raised), ``torn`` (documents read that are not whole),
``lost`` (acknowledged writes a read-back did not find), ``retries`` (of
database calls, from oslo.db's log) and ``retry_causes`` (their errors'
classes), ``longest`` (the longest call, in seconds), ``slow_calls``
(``[start, end]`` wall-clock times of calls that took over a second),
``timeline`` (calls that succeeded, by the wall-clock second they ended
in) and ``private`` (``{node: {"True" or "False": [writer, seq] or
None}}``).
"""

import hashlib
import json
import logging
import os
import random
import sys
import threading
import time

from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector.conductor import rpcapi
from ironic_inspector import conf
from ironic_inspector import objects
from ironic_inspector.objects import base as objects_base
from ironic_inspector import storage

# What oslo.db logs before each retry of a wrapped database call.
RETRY_MESSAGE = 'Performing DB retry'
# ... and of the error it retries.
RETRIED_ERROR = 'DB error: '
SLOW_CALL = 1.0
# The share of a thread's operations on its private node.
PRIVATE_SHARE = 0.25


def make_document(writer, seq, size):
    body = ('%s/%d;' % (writer, seq)) * (size // 16 + 1)
    return {'writer': writer, 'seq': seq, 'body': body,
            'digest': hashlib.sha256(body.encode()).hexdigest()}


def is_intact(document):
    if set(document) != {'writer', 'seq', 'body', 'digest'}:
        return False
    body = document['body']
    prefix = '%s/%d;' % (document['writer'], document['seq'])
    return (hashlib.sha256(body.encode()).hexdigest() == document['digest']
            and body.startswith(prefix))


def identity(document):
    """``[writer, seq]`` of a document, or None for no document."""
    return None if document is None else [document['writer'],
                                          document['seq']]


class RetryCounter(logging.Handler):
    """Counts the retries oslo.db's wrap_db_retry logs, and their causes
    (the class of the error each one retried)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0
        self.causes = {}

    def emit(self, record):
        message = str(record.msg)
        if message.startswith(RETRY_MESSAGE):
            self.count += 1
        elif message.startswith(RETRIED_ERROR) and record.args:
            cause = type(record.args[0]).__name__
            self.causes[cause] = self.causes.get(cause, 0) + 1


class Report:
    """What the threads of this process saw; thread-safe.

    :param ready_file: created once a first call has succeeded.
    """

    def __init__(self, ready_file=None):
        self._ready_file = ready_file
        self._lock = threading.Lock()
        self.counts = {'saves': 0, 'reads': 0, 'deletes': 0, 'torn': 0}
        self.errors = []
        self.lost = []
        self.longest = 0.0
        self.slow_calls = []
        self.timeline = {}
        self.private = {}

    def call(self, kind, func, *args):
        """Run one storage call, timing it; None when it raised."""
        started, wall = time.monotonic(), time.time()
        try:
            result = func(*args)
        except Exception as exc:
            with self._lock:
                self.errors.append('%s: %s' % (type(exc).__name__, exc))
            return False, None
        finally:
            took = time.monotonic() - started
            with self._lock:
                self.longest = max(self.longest, took)
                if took > SLOW_CALL:
                    self.slow_calls.append([wall, wall + took])
        second = str(int(wall + took))
        with self._lock:
            self.counts[kind] += 1
            self.timeline[second] = self.timeline.get(second, 0) + 1
            if self._ready_file:
                open(self._ready_file, 'w').close()
                self._ready_file = None
        return True, result

    def check_read(self, node, document):
        if document is not None and not is_intact(document):
            with self._lock:
                self.counts['torn'] += 1

    def lose(self, what):
        with self._lock:
            self.lost.append(what)

    def as_dict(self, retries):
        return dict(self.counts, errors=self.errors, lost=self.lost,
                    retries=retries.count, retry_causes=retries.causes,
                    longest=self.longest,
                    slow_calls=self.slow_calls, timeline=self.timeline,
                    private=self.private)


def run_thread(job, writer, calls, report, private_node):
    save, read, delete = calls
    rng = random.Random(writer)
    deadline = time.monotonic() + job['seconds']
    stop_file = job.get('stop_file')
    seq = 0
    private = {'True': None, 'False': None}
    while time.monotonic() < deadline and not (
            stop_file and os.path.exists(stop_file)):
        processed = rng.random() < 0.5
        seq += 1
        size = job['size']
        if job.get('large_every') and seq % job['large_every'] == 0:
            size = job['large_size']
        if private_node and rng.random() < PRIVATE_SHARE:
            if rng.random() < 0.1:
                done, _ = report.call('deletes', delete, private_node,
                                      processed)
                expected = None
            else:
                document = make_document(writer, seq, size)
                done, _ = report.call('saves', save, private_node, document,
                                      processed)
                expected = identity(document)
            if done:
                private[str(processed)] = expected
                # Read your own write: it must be there, whole.
                done, stored = report.call('reads', read, private_node,
                                           processed)
                if done:
                    report.check_read(private_node, stored)
                    if identity(stored) != expected:
                        report.lose('%s of node %s: wrote %s, read back %s'
                                    % (writer, private_node, expected,
                                       identity(stored)))
            continue
        node = rng.choice(job['nodes'])
        choice = rng.random()
        if job.get('deletes') and choice < 0.1:
            report.call('deletes', delete, node, processed)
        elif choice < 0.55:
            report.call('saves', save, node, make_document(writer, seq, size),
                        processed)
        else:
            done, document = report.call('reads', read, node, processed)
            if done:
                report.check_read(node, document)
    if private_node:
        report.private[private_node] = private


def backend_calls():
    """Save, read and delete through the configured storage backend."""
    backend = storage.get_backend()

    def read(node, processed):
        try:
            return backend.get(node, processed)
        except exception.IntrospectionDataNotFound:
            return None

    def save(node, document, processed):
        backend.save(node, document, processed)

    def delete(node, processed):
        backend.delete(node, processed)

    return save, read, delete


def object_calls():
    """The same through IntrospectionData on a remote conductor."""
    objects.register_all()
    objects_base.InspectorObject.indirection_api = rpcapi.ConductorAPI()
    ctx = context.RequestContext()

    def read(node, processed):
        try:
            return objects.IntrospectionData.get_by_node(
                ctx, node, processed).data
        except exception.IntrospectionDataNotFound:
            return None

    def save(node, document, processed):
        objects.IntrospectionData(ctx, node_uuid=node, processed=processed,
                                  data=document).save()

    def delete(node, processed):
        # destroy() of a document that is not there is not an error.
        objects.IntrospectionData(ctx, node_uuid=node, processed=processed,
                                  data={}).destroy()

    return save, read, delete


def main():
    job = json.load(sys.stdin)
    conf.parse_args(['--config-file', job['config_file']],
                    default_config_files=[])
    retries = RetryCounter()
    oslo_db_log = logging.getLogger('oslo_db.api')
    oslo_db_log.setLevel(logging.DEBUG)
    oslo_db_log.addHandler(retries)
    calls = (object_calls() if job.get('through_conductor')
             else backend_calls())
    report = Report(job.get('ready_file'))
    private_nodes = job.get('private_nodes') or [None] * job['threads']
    threads = [threading.Thread(target=run_thread,
                                args=(job, '%s-%d' % (job['process'], i),
                                      calls, report, private_nodes[i]))
               for i in range(job['threads'])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    json.dump(report.as_dict(retries), sys.stdout)


if __name__ == '__main__':
    main()
