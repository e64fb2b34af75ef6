"""Copy introspection data from one storage backend to another.

The engine of ``ironic-inspector-migrate-data``: every node of the node
cache (or the ones asked for), both documents each, copied by a few worker
threads. The source is only read. A document already identical in the
target is skipped, so a run that was interrupted, or failed for some
nodes, is finished by running it again; where the target can say which
documents it holds (the database can, in one query per batch of nodes),
only those are read back to compare. At most a few documents per worker
and one batch of node UUIDs are in memory at any time, however many nodes
there are.
"""

import collections
import concurrent.futures
import enum
import itertools
import logging
import threading

from ironic_inspector.common import exception

LOG = logging.getLogger(__name__)


class Outcome(enum.Enum):
    COPIED = 'copied'
    IDENTICAL = 'identical'
    NO_DATA = 'no data'
    FAILED = 'failed'


Task = collections.namedtuple('Task', ['node_uuid', 'processed'])

# How many nodes the target is asked about at once.
BATCH_SIZE = 100


class Summary:
    """Counts of outcomes, the nodes that failed and, for the outcomes
    in ``named``, which nodes had them; thread-safe."""

    def __init__(self, named=()):
        self.counts = collections.Counter()
        self.failed = 0
        self.failures = {}
        self.named = {outcome: [] for outcome in named}
        self._lock = threading.Lock()

    def record(self, node_uuid, outcome, error=None):
        """Count one outcome; ``error`` marks it failed."""
        with self._lock:
            self.counts[outcome] += 1
            if error is not None:
                self.failed += 1
                self.failures.setdefault(node_uuid, error)
            if outcome in self.named:
                self.named[outcome].append(node_uuid)

    @property
    def done(self):
        return sum(self.counts.values())


class Migration:
    """One copy of documents from ``source`` to ``target``.

    :param source: the backend read from.
    :param target: the backend written to.
    :param version: the IntrospectionData version written with each copy.
    :param dry_run: read and compare, write nothing.
    :param verify: read each copy back and compare it with the source.
    """

    def __init__(self, source, target, version=None, dry_run=False,
                 verify=False):
        self.source = source
        self.target = target
        self.version = version
        self.dry_run = dry_run
        self.verify = verify
        self.summary = Summary()

    def copy(self, task, in_target=None):
        """Copy one document; return its Outcome (never raises).

        :param in_target: whether the target holds a document for this
            task, when known; None to find out by reading it.
        """
        try:
            outcome = self._copy(task, in_target)
        except Exception as exc:
            # NOTE: one document's failure must not stop the others; a bug
            # shows with its traceback, an expected failure as one line.
            log = (LOG.warning if isinstance(exc, exception.InspectorException)
                   else LOG.exception)
            log('Cannot copy the %s document of node %s: %s',
                _kind(task), task.node_uuid, exc)
            self.summary.record(task.node_uuid, Outcome.FAILED, str(exc))
            return Outcome.FAILED
        self.summary.record(task.node_uuid, outcome)
        return outcome

    def _copy(self, task, in_target):
        try:
            # NOTE: a replica's copy will do: writers have moved to the
            # target or stopped by the time their old backend is copied,
            # so the replica is no longer behind.
            document = self.source.get(task.node_uuid, task.processed,
                                       may_be_stale=True)
        except exception.IntrospectionDataNotFound:
            return Outcome.NO_DATA
        if in_target is not False and self._target_has(task, document):
            return Outcome.IDENTICAL
        if self.dry_run:
            return Outcome.COPIED
        self.target.save(task.node_uuid, document, task.processed,
                         version=self.version)
        if self.verify and not self._target_has(task, document):
            raise exception.StorageBackendError(
                backend=self.target.name, node_uuid=task.node_uuid,
                operation='verify', reason='the copy differs from the source')
        return Outcome.COPIED

    def _target_has(self, task, document):
        try:
            return self.target.get(task.node_uuid, task.processed) == document
        except exception.IntrospectionDataNotFound:
            return False

    def run(self, node_uuids, workers=4, on_progress=None):
        """Copy both documents of every node; return the Summary.

        :param node_uuids: an iterable of UUIDs, consumed lazily.
        :param on_progress: called with the Summary after each document.
        """
        # Bounded in-flight work keeps memory flat: a new task is submitted
        # only when one of the last ones is done.
        slots = threading.BoundedSemaphore(workers * 2)

        def run_one(task, in_target):
            try:
                self.copy(task, in_target)
                if on_progress is not None:
                    on_progress(self.summary)
            finally:
                slots.release()

        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            for batch in batches(node_uuids, BATCH_SIZE):
                held = self._held_by_target(batch)
                for node_uuid in batch:
                    for processed in (True, False):
                        in_target = (None if held is None
                                     else (node_uuid, processed) in held)
                        slots.acquire()
                        pool.submit(run_one, Task(node_uuid, processed),
                                    in_target)
        return self.summary

    def _held_by_target(self, node_uuids):
        """What the target holds of these nodes; None when it cannot say."""
        try:
            return self.target.held_documents(node_uuids)
        except exception.StorageBackendError as exc:
            # NOTE: each document is then read from the target instead, and
            # fails, if it does, on its own.
            LOG.warning('Cannot ask %s which documents it holds: %s',
                        self.target.name, exc)
            return None


def batches(iterable, size):
    """Lists of up to ``size`` items of ``iterable``, consumed lazily."""
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _kind(task):
    return 'processed' if task.processed else 'unprocessed'
