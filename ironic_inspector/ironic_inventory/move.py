"""Move every node's inspection into ironic's inventory storage.

The engine of ``ironic-inspector-migrate-data --to ironic``. Nodes go in
batches of the node cache's UUIDs: one question to the target per batch
for the nodes ironic has and the inventories it holds; then, a window of
a few nodes per worker at a time, the inspector's documents and ironic's
copies are read (one query each where the storage can, in the worker
threads otherwise) and compared; one write per batch (one transaction in
ironic's database, PUTs in parallel in Swift). The source is only read.

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

# What a call in the pool that failed returns.
_FAILED = object()


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
            window = dict(nodes[start:start + 2 * workers])
            ours = self._read_ours(list(window), pool)
            held = [(node_uuid, window[node_uuid]) for node_uuid in ours
                    if times is None or window[node_uuid] in times]
            theirs = self._read_theirs(held, pool)
            for node_uuid, (data, written_at) in ours.items():
                key = window[node_uuid]
                if (node_uuid, key) in held and key not in theirs:
                    continue   # ironic's copy could not be read
                write = self._decide(node_uuid, key, data, written_at,
                                     theirs.get(key), times)
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

    def _each(self, func, items, pool):
        """``{item: func(item)}``, called in the pool; an item whose call
        raised the project's exception is left out, its node failed."""
        def call(item):
            try:
                return func(item)
            except exception.InspectorException as exc:
                node_uuid = item[0] if isinstance(item, tuple) else item
                self._finish(node_uuid, Outcome.FAILED, str(exc))
                return _FAILED

        return {item: result for item, result in zip(
            items, pool.map(call, items)) if result is not _FAILED}

    def _read_kind(self, node_uuids, processed, pool):
        """``{uuid: StoredDocument}`` of those nodes with a document of
        this kind, read together where the source can."""
        found = self.source.read_many(node_uuids, processed)
        if found is not None:
            return found

        def read(node_uuid):
            try:
                # NOTE: a replica's copy will do: inspections are stopped
                # before the move (see the README).
                return self.source.read(node_uuid, processed,
                                        may_be_stale=True)
            except exception.IntrospectionDataNotFound:
                return None

        return {node_uuid: stored for node_uuid, stored in
                self._each(read, node_uuids, pool).items()
                if stored is not None}

    def _read_ours(self, node_uuids, pool):
        """``{uuid: (InspectionData, written_at)}`` of the nodes whose
        documents here hold an inventory; the others' outcomes are
        recorded."""
        processed = self._read_kind(node_uuids, True, pool)
        lacking = [node_uuid for node_uuid in node_uuids
                   if node_uuid not in processed or layout.INVENTORY_KEY
                   not in processed[node_uuid].data]
        unprocessed = (self._read_kind(lacking, False, pool) if lacking
                       else {})
        ours = {}
        for node_uuid in node_uuids:
            if node_uuid in self._finished:
                continue   # failed to read
            documents = (processed.get(node_uuid), unprocessed.get(node_uuid))
            if documents == (None, None):
                self._finish(node_uuid, Outcome.NO_DATA)
                continue
            data = layout.from_documents(*(
                None if stored is None else stored.data
                for stored in documents))
            if data is None:
                self._finish(node_uuid, Outcome.FAILED,
                             'its documents have no "%s" key'
                             % layout.INVENTORY_KEY)
                continue
            stored = documents[0] or documents[1]
            ours[node_uuid] = data, stored.updated_at or stored.created_at
        return ours

    def _read_theirs(self, nodes, pool):
        """``{key: (InspectionData, written_at) or None}`` for each of
        ``nodes`` (``(uuid, key)`` pairs) whose copy in ironic could be
        read, None where there is none."""
        if not nodes:
            return {}
        found = self.target.read_many([key for _, key in nodes])
        if found is not None:
            return {key: found.get(key) for _, key in nodes}
        return {key: result for (_, key), result in self._each(
            lambda node: self.target.read(node[1]), nodes, pool).items()}

    def _decide(self, node_uuid, key, data, written_at, theirs, times):
        """Compare the node's inspection with ironic's copy: record the
        outcome and return None, or return the layout.Write to make."""
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
        return layout.Write(key, self.target.encode(data.inventory),
                            self.target.encode(data.plugin_data),
                            written_at, seen)

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
