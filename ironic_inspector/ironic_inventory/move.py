"""Move every node's inspection into ironic's inventory storage.

The engine of ``ironic-inspector-migrate-data --to ironic``. Nodes go in
batches of the node cache's UUIDs: one question to the target per batch
for the nodes ironic has and the inventories it holds, a few worker
threads to read the inspector's documents and ironic's copies and decide,
and one write per batch (one transaction in ironic's database). The
source is only read.

A node's outcome is one of Outcome. What is identical in ironic already
is left alone, so a run that was interrupted is finished by running it
again. An inventory that ironic wrote after the inspector's document (an
inspection ironic made itself) is kept, unless ``force``. At most a
batch's encoded inventories (and no more than WRITE_BUDGET bytes of them)
and a few documents per worker are in memory, however many nodes there
are.
"""

import enum
import logging
import threading

from concurrent import futures

from ironic_inspector.common import exception
from ironic_inspector.common import json_codec
from ironic_inspector.ironic_inventory import layout
from ironic_inspector.storage import migrate

LOG = logging.getLogger(__name__)

# Encoded inventories held for one write, at most.
WRITE_BUDGET = 32 * 1024 * 1024


class Outcome(enum.Enum):
    MOVED = 'moved'
    IDENTICAL = 'identical'
    NEWER_IN_IRONIC = 'kept (newer in ironic)'
    NOT_IN_IRONIC = 'not in ironic'
    NO_DATA = 'no data'
    FAILED = 'failed'


# The outcomes whose nodes the summary names.
NAMED = (Outcome.NEWER_IN_IRONIC, Outcome.NOT_IN_IRONIC)


class Move:
    """One move of inspections from ``source`` to ironic's ``target``.

    :param source: the storage backend read from.
    :param target: a DatabaseInventory or a SwiftInventory.
    :param ironic: the ironic client, to read each node back through
        ironic's API with ``verify``.
    :param dry_run: read and compare, write nothing.
    :param verify: read what ironic serves of each node moved.
    :param force: overwrite an inventory newer in ironic than ours.
    """

    def __init__(self, source, target, ironic=None, dry_run=False,
                 verify=False, force=False):
        self.source = source
        self.target = target
        self.ironic = ironic
        self.dry_run = dry_run
        self.verify = verify
        self.force = force
        self.summary = migrate.Summary(named=NAMED)
        self._on_progress = None
        self._lock = threading.Lock()
        # The nodes of the current batch with an outcome.
        self._finished = set()

    def run(self, node_uuids, workers=4, on_progress=None):
        """Move every node's inspection; return the Summary.

        :param node_uuids: an iterable of UUIDs, consumed lazily.
        :param on_progress: called with the Summary after each node.
        """
        self._on_progress = on_progress
        with futures.ThreadPoolExecutor(workers) as pool:
            for batch in migrate.batches(node_uuids, migrate.BATCH_SIZE):
                self._finished = set()
                try:
                    self._move_batch(batch, pool, workers)
                except exception.InspectorException as exc:
                    # NOTE: the target failed the whole batch; the next
                    # one may well get through, as may a second run.
                    for node_uuid in set(batch) - self._finished:
                        self._finish(node_uuid, Outcome.FAILED, str(exc))
        return self.summary

    def _move_batch(self, batch, pool, workers):
        known = self.target.known_nodes(batch)
        for node_uuid in batch:
            if node_uuid not in known:
                self._finish(node_uuid, Outcome.NOT_IN_IRONIC)
        times = self.target.stored_times(list(known.values()))
        pending, size = [], 0
        nodes = list(known.items())
        # A window of a few nodes per worker: their documents are all that
        # is read at once.
        for start in range(0, len(nodes), 2 * workers):
            window = nodes[start:start + 2 * workers]
            for node_uuid, write in zip(
                    (node_uuid for node_uuid, _ in window),
                    pool.map(lambda node: self._decide(*node, times),
                             window)):
                if write is None:
                    continue
                pending.append((node_uuid, write))
                size += len(write.inventory) + len(write.plugin_data)
                if size >= WRITE_BUDGET:
                    self._write(pending, pool)
                    pending, size = [], 0
        if pending:
            self._write(pending, pool)

    def _finish(self, node_uuid, outcome, error=None):
        """Record the node's outcome (from any thread)."""
        if error is not None:
            LOG.warning('Cannot move the inspection of node %s: %s',
                        node_uuid, error)
        with self._lock:
            self._finished.add(node_uuid)
        self.summary.record(node_uuid, outcome, error)
        if self._on_progress is not None:
            self._on_progress(self.summary)

    def _decide(self, node_uuid, key, times):
        """Compare the node's inspection with ironic's copy: record the
        outcome and return None, or return the layout.Write to make."""
        try:
            ours = self._read_ours(node_uuid)
            if ours is None:
                self._finish(node_uuid, Outcome.NO_DATA)
                return None
            data, written_at = ours
            theirs = None
            if times is None or key in times:
                theirs = self.target.read(key)
            if theirs is not None and theirs[0] == data:
                self._finish(node_uuid, Outcome.IDENTICAL)
                return None
            if theirs is None:
                seen = None
            else:
                seen = times[key] if times is not None else theirs[1]
            if (not self.force and seen is not None
                    and written_at is not None and seen > written_at):
                self._finish(node_uuid, Outcome.NEWER_IN_IRONIC)
                return None
            return layout.Write(key, json_codec.dumps(data.inventory),
                                json_codec.dumps(data.plugin_data),
                                written_at, seen)
        except exception.InspectorException as exc:
            self._finish(node_uuid, Outcome.FAILED, str(exc))
        except Exception as exc:
            # NOTE: one node's failure must not stop the others; a bug
            # shows with its traceback.
            LOG.exception('Cannot move the inspection of node %s',
                          node_uuid)
            self._finish(node_uuid, Outcome.FAILED, str(exc))
        return None

    def _read_ours(self, node_uuid):
        """``(InspectionData, written_at)`` of the node's documents here,
        or None when it has none.

        :raises: IronicInventoryError when they hold no inventory.
        """
        documents = {}
        for processed in (True, False):
            try:
                # NOTE: a replica's copy will do: inspections are stopped
                # before the move (see the README).
                documents[processed] = self.source.read(
                    node_uuid, processed, may_be_stale=True)
            except exception.IntrospectionDataNotFound:
                continue
            if layout.INVENTORY_KEY in documents[processed].data:
                break
        if not documents:
            return None
        data = layout.from_documents(
            *(documents[kind].data if kind in documents else None
              for kind in (True, False)))
        if data is None:
            raise exception.IronicInventoryError(
                backend=self.target.name, operation='take an inventory',
                reason='the documents of node %s have no "%s" key'
                       % (node_uuid, layout.INVENTORY_KEY))
        stored = documents.get(True) or documents[False]
        return data, stored.updated_at or stored.created_at

    def _write(self, pending, pool):
        """Write a batch's inspections; record each node's outcome."""
        if self.dry_run:
            for node_uuid, _ in pending:
                self._finish(node_uuid, Outcome.MOVED)
            return
        by_key = {write.key: node_uuid for node_uuid, write in pending}
        changed, failed = self.target.write_many(
            [write for _, write in pending])
        for key in changed:
            self._finish(by_key[key], Outcome.NEWER_IN_IRONIC)
        for key, error in failed.items():
            self._finish(by_key[key], Outcome.FAILED, error)
        written = [(node_uuid, write) for node_uuid, write in pending
                   if write.key not in changed and write.key not in failed]
        if not self.verify:
            for node_uuid, _ in written:
                self._finish(node_uuid, Outcome.MOVED)
            return
        for node_uuid, error in zip(
                (node_uuid for node_uuid, _ in written),
                pool.map(lambda item: self._check_served(*item), written)):
            self._finish(node_uuid, Outcome.FAILED if error else
                         Outcome.MOVED, error)

    def _check_served(self, node_uuid, write):
        """None when ironic's API serves what was written, else why not."""
        try:
            served = self.ironic.inventory(node_uuid)
        except exception.InspectorException as exc:
            return str(exc)
        expected = {'inventory': json_codec.loads(write.inventory),
                    'plugin_data': json_codec.loads(write.plugin_data)}
        if served != expected:
            return ('ironic serves an inventory of node %s that differs '
                    'from the one written' % node_uuid)
        return None
