"""db.api on SQLite; test/functional runs it on MariaDB and PostgreSQL."""

import datetime
import os
import threading

import fixtures
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import test_fixtures
from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from ironic_inspector.common import exception
from ironic_inspector.db import api as db_api
from ironic_inspector.db import migration
from ironic_inspector.test import base
from ironic_inspector.test import db_fixtures


class StatementCounter:
    """Counts the statements an engine sends, as a context manager."""

    def __init__(self, engine):
        self.engine = engine
        self.statements = []

    def _record(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def __enter__(self):
        sa.event.listen(self.engine, 'before_cursor_execute', self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, 'before_cursor_execute', self._record)


class NodeApiTestCase(base.DbTestCase):

    def setUp(self):
        super().setUp()
        self.uuid = uuidutils.generate_uuid()

    def test_create_and_get(self):
        started = datetime.datetime(2026, 1, 2, 3, 4, 5)
        db_api.create_node(self.uuid, 'starting', started_at=started,
                           version='1.0')
        node = db_api.get_node(self.uuid)
        self.assertEqual('starting', node['state'])
        self.assertEqual(started, node['started_at'])
        self.assertIsNone(node['finished_at'])
        self.assertEqual('1.0', node['version'])
        self.assertIsNotNone(node['created_at'])

    def test_create_twice(self):
        db_api.create_node(self.uuid, 'starting')
        self.assertRaises(exception.NodeAlreadyExists,
                          db_api.create_node, self.uuid, 'waiting')
        self.assertEqual('starting', db_api.get_node(self.uuid)['state'])

    def test_get_unknown(self):
        exc = self.assertRaises(exception.NodeNotFound,
                                db_api.get_node, self.uuid)
        self.assertIn(self.uuid, str(exc))

    def test_update(self):
        db_api.create_node(self.uuid, 'starting')
        node = db_api.update_node(self.uuid, state='error', error='boom')
        self.assertEqual(('error', 'boom'), (node['state'], node['error']))

    def test_update_unknown(self):
        self.assertRaises(exception.NodeNotFound,
                          db_api.update_node, self.uuid, state='error')

    def test_list_and_iterate(self):
        uuids = sorted(uuidutils.generate_uuid() for _ in range(7))
        for uuid in uuids:
            db_api.create_node(uuid, 'finished')
        self.assertEqual(uuids, [n['uuid'] for n in db_api.list_nodes()])
        self.assertEqual(uuids, list(db_api.iter_node_uuids(batch_size=3)))
        self.assertEqual(uuids, list(db_api.iter_node_uuids(batch_size=7)))

    def test_delete(self):
        db_api.create_node(self.uuid, 'finished')
        db_api.delete_node(self.uuid)
        self.assertRaises(exception.NodeNotFound, db_api.get_node, self.uuid)
        self.assertRaises(exception.NodeNotFound,
                          db_api.delete_node, self.uuid)


class IntrospectionDataApiTestCase(base.DbTestCase):

    def setUp(self):
        super().setUp()
        self.uuid = uuidutils.generate_uuid()
        db_api.create_node(self.uuid, 'finished')

    def test_store_and_get(self):
        db_api.store_introspection_data(self.uuid, '{"a": 1}', processed=True,
                                        version='1.1')
        row = db_api.get_introspection_data(self.uuid, processed=True)
        self.assertEqual('{"a": 1}', row['data'])
        self.assertEqual('1.1', row['version'])
        self.assertEqual(row['created_at'], row['updated_at'])

    def test_processed_and_unprocessed_are_separate(self):
        db_api.store_introspection_data(self.uuid, '"p"', processed=True)
        db_api.store_introspection_data(self.uuid, '"u"', processed=False)
        self.assertEqual('"p"', db_api.get_introspection_data(
            self.uuid, processed=True)['data'])
        self.assertEqual('"u"', db_api.get_introspection_data(
            self.uuid, processed=False)['data'])

    def test_replace_is_one_statement(self):
        db_api.store_introspection_data(self.uuid, '"old"')
        first = db_api.get_introspection_data(self.uuid)
        later = first['created_at'] + datetime.timedelta(minutes=5)
        timeutils.set_time_override(later)
        self.addCleanup(timeutils.clear_time_override)
        with StatementCounter(self.engine) as counter:
            db_api.store_introspection_data(self.uuid, '"new"',
                                            version='1.1')
        sent = [s for s in counter.statements if s != 'BEGIN']
        self.assertEqual(1, len(sent), sent)
        self.assertTrue(sent[0].startswith('INSERT'), sent[0])
        row = db_api.get_introspection_data(self.uuid)
        self.assertEqual('"new"', row['data'])
        self.assertEqual(first['created_at'], row['created_at'])
        self.assertEqual(later, row['updated_at'])
        self.assertEqual('1.1', row['version'])
        self.assertEqual(1, len(db_api.list_introspection_data()))

    def _store_at(self, written, uuid, processed):
        timeutils.set_time_override(written)
        self.addCleanup(timeutils.clear_time_override)
        db_api.store_introspection_data(uuid, '{}', processed)
        timeutils.clear_time_override()

    def test_purge_batches_walk_the_key(self):
        uuids = ['00000000-0000-4000-8000-%012d' % i for i in range(4)]
        old = timeutils.utcnow() - datetime.timedelta(days=30)
        for uuid in uuids:
            db_api.create_node(uuid, 'finished')
            for processed in (True, False):
                self._store_at(old, uuid, processed)
        before = timeutils.utcnow() - datetime.timedelta(days=1)
        with StatementCounter(self.engine) as counter:
            self.assertEqual((3, (uuids[1], False)),
                             db_api.delete_introspection_data_before(
                                 before, 3))
        # One DELETE, after the read of the batch's last key.
        deletes = [s for s in counter.statements if s.startswith('DELETE')]
        self.assertEqual(1, len(deletes), counter.statements)
        # Written meanwhile, old-dated: one behind the walk, one ahead.
        self._store_at(old, uuids[0], False)
        db_api.delete_introspection_data(uuids[3], processed=True)
        self._store_at(old, uuids[3], True)
        # A new document ahead of the walk is not old enough to go; it
        # is one of the 3 the batch walks over, of which 2 go.
        db_api.delete_introspection_data(uuids[2], processed=True)
        db_api.store_introspection_data(uuids[2], '{}', processed=True)
        self.assertEqual((2, (uuids[2], True)),
                         db_api.delete_introspection_data_before(
                             before, 3, (uuids[1], False)))
        # Fewer than 3 left: the batch goes to the end.
        self.assertEqual((2, None), db_api.delete_introspection_data_before(
            before, 3, (uuids[2], True)))
        # The walk never reads behind itself: the document written there
        # is left for the next purge.
        self.assertEqual([(uuids[0], False), (uuids[2], True)],
                         [(row['uuid'], row['processed'])
                          for row in db_api.list_introspection_data()])

    def test_store_for_unknown_node(self):
        other = uuidutils.generate_uuid()
        self.assertRaises(exception.NodeNotFound,
                          db_api.store_introspection_data, other, '{}')
        self.assertEqual([], [r for r in db_api.list_introspection_data()
                              if r['uuid'] == other])

    def test_get_missing(self):
        exc = self.assertRaises(exception.IntrospectionDataNotFound,
                                db_api.get_introspection_data, self.uuid,
                                processed=False)
        self.assertIn('unprocessed', str(exc))

    def test_delete_one_or_both(self):
        db_api.store_introspection_data(self.uuid, '1', processed=True)
        db_api.store_introspection_data(self.uuid, '2', processed=False)
        self.assertEqual(1, db_api.delete_introspection_data(self.uuid, True))
        self.assertEqual('2', db_api.get_introspection_data(
            self.uuid, processed=False)['data'])
        db_api.store_introspection_data(self.uuid, '1', processed=True)
        self.assertEqual(2, db_api.delete_introspection_data(self.uuid))
        self.assertEqual([], db_api.list_introspection_data())

    def test_deleting_node_deletes_its_data(self):
        db_api.store_introspection_data(self.uuid, '1', processed=True)
        db_api.store_introspection_data(self.uuid, '2', processed=False)
        db_api.delete_node(self.uuid)
        with self.engine.connect() as conn:
            left = conn.execute(sa.text(
                'SELECT COUNT(*) FROM introspection_data')).scalar()
        self.assertEqual(0, left)

    def test_list(self):
        db_api.store_introspection_data(self.uuid, '1', processed=False)
        rows = db_api.list_introspection_data()
        self.assertEqual([(self.uuid, False)],
                         [(r['uuid'], r['processed']) for r in rows])
        self.assertNotIn('data', rows[0])

    def test_iterate_in_batches(self):
        others = ['00000000-0000-4000-8000-%012d' % i for i in range(3)]
        for uuid in others:
            db_api.create_node(uuid, 'finished')
        uuids = sorted([self.uuid] + others)
        for uuid in uuids:
            for processed in (True, False):
                db_api.store_introspection_data(uuid, '{}', processed)
        expected = [(uuid, processed) for uuid in uuids
                    for processed in (False, True)]
        for batch_size in (1, 3, 8, 1000):
            self.assertEqual(expected, [
                (row.uuid, row.processed)
                for row in db_api.iter_introspection_data(batch_size)])
        # Deleting what was listed skips nothing after it.
        listed = []
        for row in db_api.iter_introspection_data(batch_size=3):
            listed.append((row.uuid, row.processed))
            db_api.delete_introspection_data(row.uuid, row.processed)
        self.assertEqual(expected, listed)


class SQLiteFilePoolTestCase(base.TestCase):
    """A SQLite file, opened the way db.api opens the configured one."""

    THREADS = 4

    def setUp(self):
        super().setUp()
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'inspector.sqlite')
        facade = enginefacade.transaction_context()
        facade.configure(connection='sqlite:///' + path, sqlite_fk=True,
                         thread_checkin=False)
        facade.append_on_engine_create(db_api.tune_pool)
        self.useFixture(test_fixtures.ReplaceEngineFacadeFixture(
            db_api._facade, facade))
        self.engine = facade.writer.get_engine()
        self.addCleanup(self.engine.dispose)
        migration.upgrade('head', engine=self.engine)
        self.opened = []
        sa.event.listen(self.engine.pool, 'connect',
                        lambda *args: self.opened.append(args[0]))

    def _node_with_data_lifecycle(self, errors):
        try:
            for _ in range(10):
                uuid = uuidutils.generate_uuid()
                db_api.create_node(uuid, 'finished')
                db_api.store_introspection_data(uuid, '{}')
                db_api.get_introspection_data(uuid)
                db_api.delete_node(uuid)
                # The cascade needs the foreign keys pragma, which every
                # pooled connection must still have.
                self.assertRaises(exception.IntrospectionDataNotFound,
                                  db_api.get_introspection_data, uuid)
                self.assertRaises(exception.NodeNotFound,
                                  db_api.store_introspection_data, uuid,
                                  '{}')
        except Exception as exc:
            errors.append(exc)

    def test_one_thread_keeps_one_connection(self):
        errors = []
        self._node_with_data_lifecycle(errors)
        self.assertEqual([], errors)
        self.assertLessEqual(len(self.opened), 1)

    def test_threads_share_the_pool(self):
        errors = []
        threads = [threading.Thread(target=self._node_with_data_lifecycle,
                                    args=(errors,))
                   for _ in range(self.THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual([], errors)
        self.assertLessEqual(len(self.opened), self.THREADS)
        self.assertEqual([], db_api.list_introspection_data())


class RetryPolicyTestCase(base.TestCase):
    """Calls retry as often as configured."""

    def _attempts(self, max_retries):
        self.useFixture(db_fixtures.RetryBudget(max_retries, 1))
        attempts = []

        @db_api._db_call
        def deadlocked(uuid):
            attempts.append(uuid)
            if len(attempts) <= 3:
                raise db_exc.DBDeadlock()

        try:
            deadlocked('a-node')
        except exception.DatabaseError:
            pass
        return len(attempts)

    def test_gives_up_after_the_configured_retries(self):
        self.assertEqual(3, self._attempts(2))

    def test_minus_one_retries_for_ever(self):
        self.assertEqual(4, self._attempts(-1))
