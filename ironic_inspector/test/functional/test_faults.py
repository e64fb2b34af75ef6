"""Faults that can be caused for real: a Swift proxy that dies, database
connections the server drops, a read-only or full database."""

import threading
import time

from oslo_db.sqlalchemy import test_fixtures
from oslo_utils import uuidutils
import sqlalchemy as sa

from ironic_inspector.common import exception
from ironic_inspector.db import engine as db_engine
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import storage
from ironic_inspector.test import base
from ironic_inspector.test import db_fixtures
from ironic_inspector.test import samples
from ironic_inspector.test import swift_fixtures


class SwiftProxyCrashTestCase(base.TestCase):

    def setUp(self):
        if swift_fixtures.credentials() is None:
            self.skipTest(swift_fixtures.SKIP_REASON)
        if swift_fixtures.proxy_binary() is None:
            self.skipTest('a private Swift proxy needs SWIFT_STATE_DIR, as '
                          'tools/swift/start-swift.sh exports it')
        super().setUp()
        self.swift = self.useFixture(
            swift_fixtures.SwiftContainerFixture(self.config))
        self.proxy = self.useFixture(swift_fixtures.PrivateProxyFixture())
        self.config(group='swift', v1_auth_url=self.proxy.auth_url,
                    max_retries=0)
        self.backend = storage.get_backend('swift')
        self.uuid = uuidutils.generate_uuid()

    def test_save_while_the_proxy_is_down(self):
        self.backend.save(self.uuid, {'generation': 1})
        self.proxy.kill()
        exc = self.assertRaises(exception.StorageBackendError,
                                self.backend.save, self.uuid,
                                {'generation': 2})
        self.assertIn(self.uuid, str(exc))
        self.assertIn('swift', str(exc))
        self.proxy.start()
        self.assertEqual({'generation': 1}, self.backend.get(self.uuid))
        self.backend.save(self.uuid, {'generation': 2})
        self.assertEqual({'generation': 2}, self.backend.get(self.uuid))

    def test_proxy_killed_in_the_middle_of_large_saves(self):
        if not samples.available('8m'):
            self.skipTest('sample %s is missing' % samples.path('8m'))
        first = samples.load('8m', hostname='first')
        self.backend.save(self.uuid, first)
        errors = []
        stop = threading.Event()

        def keep_saving():
            generation = 0
            while not stop.is_set():
                generation += 1
                document = samples.load('8m', hostname='g%d' % generation)
                try:
                    self.backend.save(self.uuid, document)
                except exception.StorageBackendError as exc:
                    errors.append(exc)
                    return

        saver = threading.Thread(target=keep_saving)
        saver.start()
        time.sleep(0.3)
        self.proxy.kill()
        saver.join(timeout=60)
        stop.set()
        self.assertEqual(1, len(errors))
        self.assertIn(self.uuid, str(errors[0]))
        self.proxy.start()
        # Whatever was stored is one whole document, never a torn one.
        stored = self.backend.get(self.uuid)
        hostname = stored['inventory']['hostname']
        self.assertEqual(samples.load('8m', hostname=hostname), stored)


class DroppedConnectionTestCase(test_fixtures.OpportunisticDBTestMixin,
                                base.TestCase):
    """The server drops every connection; the next call reconnects."""

    FIXTURE = db_fixtures.MySQLFixture
    KILL = ('SELECT id FROM information_schema.processlist '
            'WHERE id <> CONNECTION_ID() AND db = DATABASE()',
            'KILL {}')

    def setUp(self):
        super().setUp()
        self.backend = storage.get_backend('database')
        self.uuid = uuidutils.generate_uuid()
        db_nodes.create_node(self.uuid, 'finished')

    def _drop_connections(self):
        provisioned = self._get_default_provisioned_db().engine
        engine = sa.create_engine(provisioned.url)
        self.addCleanup(engine.dispose)
        find, kill = self.KILL
        with engine.connect() as admin:
            ids = admin.execute(sa.text(find)).scalars().all()
            for connection_id in ids:
                admin.execute(sa.text(kill.format(connection_id)))
            admin.commit()
        # NOTE: the fixture's own pooled connections were dropped too; its
        # clean-up (dropping the tables) must not find them dead, which
        # would end the whole test worker.
        provisioned.dispose()
        return ids

    def test_next_call_reconnects(self):
        self.backend.save(self.uuid, {'a': 1})
        self.assertNotEqual([], self._drop_connections())
        self.assertEqual({'a': 1}, self.backend.get(self.uuid))
        self._drop_connections()
        self.backend.save(self.uuid, {'a': 2})
        self.assertEqual({'a': 2}, self.backend.get(self.uuid))


class PostgresqlDroppedConnectionTestCase(DroppedConnectionTestCase):
    FIXTURE = db_fixtures.PostgresqlFixture
    KILL = ('SELECT pid FROM pg_stat_activity '
            'WHERE pid <> pg_backend_pid() AND datname = current_database()',
            'SELECT pg_terminate_backend({})')


class ReadOnlyDatabaseTestCase(test_fixtures.OpportunisticDBTestMixin,
                               base.TestCase):
    """PostgreSQL refuses every write; reads still work."""

    FIXTURE = db_fixtures.PostgresqlFixture

    def test_writes_fail_clearly(self):
        backend = storage.get_backend('database')
        node = uuidutils.generate_uuid()
        db_nodes.create_node(node, 'finished')
        backend.save(node, {'a': 1})
        engine = self._get_default_provisioned_db().engine
        with engine.connect() as conn:
            conn.execute(sa.text(
                'ALTER DATABASE %s SET default_transaction_read_only = on'
                % engine.url.database))
            conn.commit()
        self.addCleanup(db_engine.dispose)
        self.addCleanup(self._writable, engine)
        db_engine.dispose()   # new sessions pick the setting up
        exc = self.assertRaises(exception.StorageBackendError,
                                backend.save, node, {'a': 2})
        self.assertIn(node, str(exc))
        self.assertIn('read-only transaction', str(exc))
        self.assertEqual({'a': 1}, backend.get(node))

    def _writable(self, engine):
        with engine.connect() as conn:
            conn.execute(sa.text('SET TRANSACTION READ WRITE'))
            conn.execute(sa.text(
                'ALTER DATABASE %s SET default_transaction_read_only = off'
                % engine.url.database))
            conn.commit()


class FullDatabaseTestCase(base.DbTestCase):
    """SQLite reports its database full (max_page_count reached)."""

    def test_full_database(self):
        backend = storage.get_backend('database')
        node = uuidutils.generate_uuid()
        db_nodes.create_node(node, 'finished')
        backend.save(node, {'a': 1})
        with self.engine.connect() as conn:
            pages = conn.exec_driver_sql('PRAGMA page_count').scalar()
            conn.exec_driver_sql('PRAGMA max_page_count = %d' % (pages + 1))
        exc = self.assertRaises(exception.StorageBackendError, backend.save,
                                node, {'a': 'x' * 100000})
        self.assertIn('full', str(exc))
        self.assertEqual({'a': 1}, backend.get(node))
