"""db.engine: the connection pool of a SQLite file and the retry policy."""

import os
import threading

import fixtures
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import test_fixtures
from oslo_utils import uuidutils
import sqlalchemy as sa

from ironic_inspector.common import exception
from ironic_inspector.db import documents as db_documents
from ironic_inspector.db import engine as db_engine
from ironic_inspector.db import migration
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector.test import base
from ironic_inspector.test import db_fixtures


class SQLiteFilePoolTestCase(base.TestCase):
    """A SQLite file, opened the way db.engine opens the configured one."""

    THREADS = 4

    def setUp(self):
        super().setUp()
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'inspector.sqlite')
        facade = enginefacade.transaction_context()
        facade.configure(connection='sqlite:///' + path, sqlite_fk=True,
                         thread_checkin=False)
        facade.append_on_engine_create(db_engine.tune_pool)
        self.useFixture(test_fixtures.ReplaceEngineFacadeFixture(
            db_engine._facade, facade))
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
                db_nodes.create_node(uuid, 'finished')
                db_documents.store_introspection_data(uuid, '{}')
                db_documents.get_introspection_data(uuid)
                db_nodes.delete_node(uuid)
                # The cascade needs the foreign keys pragma, which every
                # pooled connection must still have.
                self.assertRaises(exception.IntrospectionDataNotFound,
                                  db_documents.get_introspection_data, uuid)
                self.assertRaises(exception.NodeNotFound,
                                  db_documents.store_introspection_data, uuid,
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
        self.assertEqual([], db_documents.list_introspection_data())


class RetryPolicyTestCase(base.TestCase):
    """Calls retry as often as configured."""

    def _attempts(self, max_retries):
        self.useFixture(db_fixtures.RetryBudget(max_retries, 1))
        attempts = []

        @db_engine.db_call
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
