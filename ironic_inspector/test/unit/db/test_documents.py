"""db.documents on SQLite; test/functional runs it on MariaDB and
PostgreSQL."""

import datetime

from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from ironic_inspector.common import exception
from ironic_inspector.db import documents as db_documents
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector.test import base
from ironic_inspector.test import db_fixtures


class DocumentsTestCase(base.DbTestCase):

    def setUp(self):
        super().setUp()
        self.uuid = uuidutils.generate_uuid()
        db_nodes.create_node(self.uuid, 'finished')

    def test_store_and_get(self):
        db_documents.store_introspection_data(self.uuid, '{"a": 1}',
                                              processed=True, version='1.1')
        row = db_documents.get_introspection_data(self.uuid, processed=True)
        self.assertEqual('{"a": 1}', row['data'])
        self.assertEqual('1.1', row['version'])
        self.assertEqual(row['created_at'], row['updated_at'])

    def test_processed_and_unprocessed_are_separate(self):
        db_documents.store_introspection_data(self.uuid, '"p"',
                                              processed=True)
        db_documents.store_introspection_data(self.uuid, '"u"',
                                              processed=False)
        self.assertEqual('"p"', db_documents.get_introspection_data(
            self.uuid, processed=True)['data'])
        self.assertEqual('"u"', db_documents.get_introspection_data(
            self.uuid, processed=False)['data'])

    def test_replace_is_one_statement(self):
        db_documents.store_introspection_data(self.uuid, '"old"')
        first = db_documents.get_introspection_data(self.uuid)
        later = first['created_at'] + datetime.timedelta(minutes=5)
        timeutils.set_time_override(later)
        self.addCleanup(timeutils.clear_time_override)
        with db_fixtures.StatementCounter(self.engine) as counter:
            db_documents.store_introspection_data(self.uuid, '"new"',
                                                  version='1.1')
        sent = [s for s in counter.statements if s != 'BEGIN']
        self.assertEqual(1, len(sent), sent)
        self.assertTrue(sent[0].startswith('INSERT'), sent[0])
        row = db_documents.get_introspection_data(self.uuid)
        self.assertEqual('"new"', row['data'])
        self.assertEqual(first['created_at'], row['created_at'])
        self.assertEqual(later, row['updated_at'])
        self.assertEqual('1.1', row['version'])
        self.assertEqual(1, len(db_documents.list_introspection_data()))

    def _store_at(self, written, uuid, processed):
        timeutils.set_time_override(written)
        self.addCleanup(timeutils.clear_time_override)
        db_documents.store_introspection_data(uuid, '{}', processed)
        timeutils.clear_time_override()

    def test_purge_batches_walk_the_key(self):
        uuids = ['00000000-0000-4000-8000-%012d' % i for i in range(4)]
        old = timeutils.utcnow() - datetime.timedelta(days=30)
        for uuid in uuids:
            db_nodes.create_node(uuid, 'finished')
            for processed in (True, False):
                self._store_at(old, uuid, processed)
        before = timeutils.utcnow() - datetime.timedelta(days=1)
        with db_fixtures.StatementCounter(self.engine) as counter:
            self.assertEqual((3, (uuids[1], False)),
                             db_documents.delete_introspection_data_before(
                                 before, 3))
        # One DELETE, after the read of the batch's last key.
        deletes = [s for s in counter.statements if s.startswith('DELETE')]
        self.assertEqual(1, len(deletes), counter.statements)
        # Written meanwhile, old-dated: one behind the walk, one ahead.
        self._store_at(old, uuids[0], False)
        db_documents.delete_introspection_data(uuids[3], processed=True)
        self._store_at(old, uuids[3], True)
        # A new document ahead of the walk is not old enough to go; it
        # is one of the 3 the batch walks over, of which 2 go.
        db_documents.delete_introspection_data(uuids[2], processed=True)
        db_documents.store_introspection_data(uuids[2], '{}', processed=True)
        self.assertEqual((2, (uuids[2], True)),
                         db_documents.delete_introspection_data_before(
                             before, 3, (uuids[1], False)))
        # Fewer than 3 left: the batch goes to the end.
        self.assertEqual((2, None),
                         db_documents.delete_introspection_data_before(
                             before, 3, (uuids[2], True)))
        # The walk never reads behind itself: the document written there
        # is left for the next purge.
        self.assertEqual([(uuids[0], False), (uuids[2], True)],
                         [(row['uuid'], row['processed'])
                          for row in db_documents.list_introspection_data()])

    def test_store_for_unknown_node(self):
        other = uuidutils.generate_uuid()
        self.assertRaises(exception.NodeNotFound,
                          db_documents.store_introspection_data, other, '{}')
        self.assertEqual([], [r for r in db_documents.list_introspection_data()
                              if r['uuid'] == other])

    def test_get_missing(self):
        exc = self.assertRaises(exception.IntrospectionDataNotFound,
                                db_documents.get_introspection_data, self.uuid,
                                processed=False)
        self.assertIn('unprocessed', str(exc))

    def test_delete_one_or_both(self):
        db_documents.store_introspection_data(self.uuid, '1', processed=True)
        db_documents.store_introspection_data(self.uuid, '2', processed=False)
        self.assertEqual(1, db_documents.delete_introspection_data(
            self.uuid, True))
        self.assertEqual('2', db_documents.get_introspection_data(
            self.uuid, processed=False)['data'])
        db_documents.store_introspection_data(self.uuid, '1', processed=True)
        self.assertEqual(2, db_documents.delete_introspection_data(self.uuid))
        self.assertEqual([], db_documents.list_introspection_data())

    def test_deleting_node_deletes_its_data(self):
        db_documents.store_introspection_data(self.uuid, '1', processed=True)
        db_documents.store_introspection_data(self.uuid, '2', processed=False)
        db_nodes.delete_node(self.uuid)
        with self.engine.connect() as conn:
            left = conn.execute(sa.text(
                'SELECT COUNT(*) FROM introspection_data')).scalar()
        self.assertEqual(0, left)

    def test_list(self):
        db_documents.store_introspection_data(self.uuid, '1', processed=False)
        rows = db_documents.list_introspection_data()
        self.assertEqual([(self.uuid, False)],
                         [(r['uuid'], r['processed']) for r in rows])
        self.assertNotIn('data', rows[0])

    def test_iterate_in_batches(self):
        others = ['00000000-0000-4000-8000-%012d' % i for i in range(3)]
        for uuid in others:
            db_nodes.create_node(uuid, 'finished')
        uuids = sorted([self.uuid] + others)
        for uuid in uuids:
            for processed in (True, False):
                db_documents.store_introspection_data(uuid, '{}', processed)
        expected = [(uuid, processed) for uuid in uuids
                    for processed in (False, True)]
        for batch_size in (1, 3, 8, 1000):
            self.assertEqual(expected, [
                (row.uuid, row.processed)
                for row in db_documents.iter_introspection_data(batch_size)])
        # Deleting what was listed skips nothing after it.
        listed = []
        for row in db_documents.iter_introspection_data(batch_size=3):
            listed.append((row.uuid, row.processed))
            db_documents.delete_introspection_data(row.uuid, row.processed)
        self.assertEqual(expected, listed)
