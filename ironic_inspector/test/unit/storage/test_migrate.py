"""Copying documents between two real backends: SQLite and a dict store."""

from oslo_utils import uuidutils

from ironic_inspector.db import documents as db_documents
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import storage
from ironic_inspector.storage import migrate
from ironic_inspector.test import base
from ironic_inspector.test import third_party

Outcome = migrate.Outcome


class MigrationTestCase(base.DbTestCase):

    # NOTE: the in-memory SQLite of the unit tests is one connection that
    # threads cannot share, so the node list is read before the copy
    # starts and one worker copies; test/functional runs this with the
    # batched node iterator and 3 workers on MariaDB and PostgreSQL.
    WORKERS = 1
    STREAM_NODES = False

    def setUp(self):
        super().setUp()
        self.useFixture(third_party.MemoryStoreFixture())
        self.database = storage.get_backend('database')
        self.memory = storage.get_backend('memory')
        self.uuids = sorted(uuidutils.generate_uuid() for _ in range(6))
        for index, uuid in enumerate(self.uuids):
            db_nodes.create_node(uuid, 'finished')
            if index == 0:
                continue   # a node without data
            self.database.save(uuid, {'node': index}, processed=True)
            if index % 2:
                self.database.save(uuid, {'raw': index}, processed=False)

    def _run(self, source=None, target=None, **kwargs):
        migration = migrate.Migration(source or self.database,
                                      target or self.memory,
                                      version='1.1', **kwargs)
        node_uuids = db_nodes.iter_node_uuids(batch_size=2)
        if not self.STREAM_NODES:
            node_uuids = list(node_uuids)
        return migration.run(node_uuids, workers=self.WORKERS)

    def _counts(self, summary):
        return {o: summary.counts[o] for o in Outcome if summary.counts[o]}

    def test_copies_everything_once(self):
        summary = self._run()
        self.assertEqual({Outcome.COPIED: 8, Outcome.NO_DATA: 4},
                         self._counts(summary))
        for index, uuid in enumerate(self.uuids[1:], start=1):
            self.assertEqual({'node': index}, self.memory.get(uuid))
            self.assertEqual(self.database.get(uuid), self.memory.get(uuid))
        summary = self._run()
        self.assertEqual({Outcome.IDENTICAL: 8, Outcome.NO_DATA: 4},
                         self._counts(summary))

    def test_changed_source_is_copied_again(self):
        self._run()
        self.database.save(self.uuids[1], {'node': 'changed'})
        summary = self._run()
        self.assertEqual(1, summary.counts[Outcome.COPIED])
        self.assertEqual({'node': 'changed'}, self.memory.get(self.uuids[1]))

    def test_dry_run_writes_nothing(self):
        summary = self._run(dry_run=True)
        self.assertEqual({Outcome.COPIED: 8, Outcome.NO_DATA: 4},
                         self._counts(summary))
        self.assertEqual({}, self.memory.documents)

    def _inject_write_fault(self, write):
        """Make the target's writes go through ``write`` for a while."""
        self.memory._write = write
        self.addCleanup(self._heal)

    def _heal(self):
        self.memory.__dict__.pop('_write', None)

    def test_failures_are_counted_and_a_rerun_finishes(self):
        broken = self.uuids[3]
        real_write = self.memory._write

        def failing_write(node_uuid, document, processed, version):
            if node_uuid == broken:
                raise self.memory.error(node_uuid, 'save', 'disk on fire')
            real_write(node_uuid, document, processed, version)

        self._inject_write_fault(failing_write)
        summary = self._run()
        self.assertEqual(2, summary.failed)
        self.assertEqual([broken], list(summary.failures))
        self.assertIn('disk on fire', summary.failures[broken])
        self._heal()
        summary = self._run()
        self.assertEqual({Outcome.COPIED: 2, Outcome.IDENTICAL: 6,
                          Outcome.NO_DATA: 4}, self._counts(summary))

    def test_verify_catches_a_corrupted_copy(self):
        real_write = self.memory._write

        def corrupting_write(node_uuid, document, processed, version):
            real_write(node_uuid, document.replace(b'node', b'nope'),
                       processed, version)

        self._inject_write_fault(corrupting_write)
        summary = self._run(verify=True)
        self.assertEqual(5, summary.failed)
        self.assertIn('differs', summary.failures[self.uuids[2]])
        self._heal()
        summary = self._run(verify=True)
        self.assertEqual(0, summary.failed)
        self.assertEqual(5, summary.counts[Outcome.COPIED])

    def test_unexpected_errors_are_failures_too(self):
        def buggy_write(*args):
            raise KeyError('bug')

        self._inject_write_fault(buggy_write)
        summary = self._run()
        self.assertEqual(8, summary.failed)
        self.assertIn('Traceback', self.logs.output)

    def test_into_the_database_only_held_documents_are_read(self):
        self._run()
        # The database lost node 1's documents; 2 to 5 still hold theirs.
        db_documents.delete_introspection_data(self.uuids[1])
        held = {(r['uuid'], r['processed'])
                for r in db_documents.list_introspection_data()}
        reads = []
        real_read = self.database._read

        def counting_read(node_uuid, processed):
            reads.append((node_uuid, processed))
            return real_read(node_uuid, processed)

        self.database._read = counting_read
        self.addCleanup(self.database.__dict__.pop, '_read')
        summary = self._run(source=self.memory, target=self.database)
        self.assertEqual({Outcome.COPIED: 2, Outcome.IDENTICAL: 6,
                          Outcome.NO_DATA: 4}, self._counts(summary))
        self.assertEqual(held, set(reads))
        self.assertEqual(len(held), len(reads))
        self.assertEqual({'node': 1}, self.database.get(self.uuids[1]))

    def test_source_is_never_changed(self):
        before = [(r['uuid'], r['processed'], r['updated_at'])
                  for r in db_documents.list_introspection_data()]
        documents = [self.database.get(uuid) for uuid in self.uuids[1:]]
        self._run(verify=True)
        after = [(r['uuid'], r['processed'], r['updated_at'])
                 for r in db_documents.list_introspection_data()]
        self.assertEqual(before, after)
        self.assertEqual(documents,
                         [self.database.get(uuid) for uuid in self.uuids[1:]])
