import datetime

import fixtures
from oslo_utils import timeutils
from oslo_utils import uuidutils

from ironic_inspector.common import exception
from ironic_inspector.db import documents as db_documents
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import storage
from ironic_inspector.test import base
from ironic_inspector.test import db_fixtures
from ironic_inspector.test import property_tests
from ironic_inspector.test import storage_contract


class DatabaseStoreTestCase(storage_contract.StorageContractTests,
                            property_tests.RoundTripPropertyTests,
                            base.DbTestCase):
    """The contract on SQLite (on MariaDB, PostgreSQL in functional)."""

    def make_backend(self):
        storage.clear_cache()
        return storage.get_backend('database')

    def make_node(self, uuid):
        db_nodes.create_node(uuid, 'finished')

    def test_unknown_node(self):
        other = 'a3e4b8f0-1b2c-4d5e-8f90-0123456789ab'
        self.assertRaises(exception.NodeNotFound,
                          self.backend.save, other, {'a': 1})
        self.assertRaises(exception.IntrospectionDataNotFound,
                          self.backend.get, other)

    def test_version_is_recorded(self):
        self.backend.save(self.uuid, {'a': 1}, version='1.0')
        self.assertEqual('1.0',
                         db_documents.get_introspection_data(
                             self.uuid)['version'])

    def test_list(self):
        self.backend.save(self.uuid, {'a': 1}, processed=False)
        listed = list(self.backend.list())
        self.assertEqual([(self.uuid, False)],
                         [(d.node_uuid, d.processed) for d in listed])
        self.assertIsNotNone(listed[0].updated_at)

    def test_held_documents(self):
        other, empty = (uuidutils.generate_uuid() for _ in range(2))
        for uuid in (other, empty):
            self.make_node(uuid)
        self.backend.save(self.uuid, {'a': 1}, processed=False)
        self.backend.save(other, {'a': 1}, processed=True)
        self.backend.save(other, {'a': 1}, processed=False)
        self.assertEqual({(self.uuid, False), (other, True), (other, False)},
                         self.backend.held_documents([self.uuid, other,
                                                      empty]))
        self.assertEqual(set(), self.backend.held_documents([empty]))

    def _purge_deletes(self, target):
        """The DELETEs of a purge of 14 documents, first batch 2."""
        self.useFixture(fixtures.MonkeyPatch(
            'ironic_inspector.storage.base.PURGE_BATCH', 2))
        self.useFixture(fixtures.MonkeyPatch(
            'ironic_inspector.db.batching.TARGET', target))
        self._save_for_nodes(7)
        later = timeutils.utcnow() + datetime.timedelta(minutes=5)
        with db_fixtures.StatementCounter(self.engine) as counter:
            self.assertEqual((14, 0), self.backend.purge(later))
        self.assertEqual([], list(self.backend.list()))
        return len([s for s in counter.statements if s.startswith('DELETE')])

    def test_purge_batches_grow_when_quick(self):
        # 2, 4, 8: the last batch reads a 14th key, so one more finds
        # nothing after it.
        self.assertEqual(4, self._purge_deletes(target=3600))

    def test_purge_batches_shrink_when_slow(self):
        # 2, then 1 at a time, then one finding nothing after the last.
        self.assertEqual(14, self._purge_deletes(target=1e-9))
