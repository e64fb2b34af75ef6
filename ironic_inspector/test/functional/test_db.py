"""The database tests of test/unit, on the real MariaDB and PostgreSQL.

oslo.db's opportunistic fixtures reach the servers as openstack_citest
(tools/test-setup.sh); each class skips, saying why, when its server is
not there.
"""

from oslo_utils import uuidutils
import sqlalchemy as sa

from ironic_inspector.db import engine as db_engine
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector.test import base
from ironic_inspector.test import db_fixtures
from ironic_inspector.test import samples
from ironic_inspector.test.unit.db import test_documents
from ironic_inspector.test.unit.db import test_migrations
from ironic_inspector.test.unit.db import test_nodes
from ironic_inspector.test.unit.storage import test_database
from ironic_inspector.test.unit.storage import test_migrate


class MySQLNodesTestCase(test_nodes.NodesTestCase):
    FIXTURE = db_fixtures.MySQLFixture


class MySQLRoundTripTestCase(base.DbTestCase):
    """PyMySQL sends every rollback to the server; the pool adds none."""

    FIXTURE = db_fixtures.MySQLFixture
    CALLS = 10

    def _rollbacks_so_far(self):
        with db_engine.writer_connection() as conn:
            return int(conn.execute(sa.text(
                "SHOW SESSION STATUS LIKE 'Com_rollback'")).one()[1])

    def test_a_read_ends_with_one_rollback(self):
        uuid = uuidutils.generate_uuid()
        db_nodes.create_node(uuid, 'finished')
        # One pooled connection, so every call below is on one session.
        self.engine.dispose()
        before = self._rollbacks_so_far()
        for _ in range(self.CALLS):
            db_nodes.get_node(uuid)
        self.assertEqual(self.CALLS, self._rollbacks_so_far() - before)

    def test_a_write_ends_with_no_rollback(self):
        self.engine.dispose()
        before = self._rollbacks_so_far()
        for _ in range(self.CALLS):
            db_nodes.create_node(uuidutils.generate_uuid(), 'finished')
        self.assertEqual(0, self._rollbacks_so_far() - before)


class PostgresqlNodesTestCase(test_nodes.NodesTestCase):
    FIXTURE = db_fixtures.PostgresqlFixture


class MySQLDocumentsTestCase(test_documents.DocumentsTestCase):
    FIXTURE = db_fixtures.MySQLFixture


class PostgresqlDocumentsTestCase(test_documents.DocumentsTestCase):
    FIXTURE = db_fixtures.PostgresqlFixture


class MySQLMigrationWalkTestCase(test_migrations.MigrationWalkTestCase):
    FIXTURE = db_fixtures.EmptyMySQLFixture


class PostgresqlMigrationWalkTestCase(
        test_migrations.MigrationWalkTestCase):
    FIXTURE = db_fixtures.EmptyPostgresqlFixture


class MySQLModelsMigrationsSyncTestCase(
        test_migrations.ModelsMigrationsSyncTestCase):
    FIXTURE = db_fixtures.EmptyMySQLFixture


class PostgresqlModelsMigrationsSyncTestCase(
        test_migrations.ModelsMigrationsSyncTestCase):
    FIXTURE = db_fixtures.EmptyPostgresqlFixture


class MySQLOnlineDataMigrationsTestCase(
        test_migrations.OnlineDataMigrationsTestCase):
    FIXTURE = db_fixtures.MySQLFixture


class PostgresqlOnlineDataMigrationsTestCase(
        test_migrations.OnlineDataMigrationsTestCase):
    FIXTURE = db_fixtures.PostgresqlFixture


class MySQLDatabaseStoreTestCase(test_database.DatabaseStoreTestCase):
    FIXTURE = db_fixtures.MySQLFixture

    def test_larger_than_the_server_accepts(self):
        # tools/test-setup.sh sets max_allowed_packet to 64 MiB; a larger
        # document gets a clear error instead of a dropped connection.
        limit = self._server_packet_limit()
        self.config(group='processing', max_data_size=limit * 2)
        self.backend = self.make_backend()
        self.backend.save(self.uuid, {'previous': True})
        exc = self.assertRaises(
            test_database.exception.InvalidIntrospectionData,
            self.backend.save, self.uuid, {'pad': 'x' * (limit + 1)})
        self.assertIn('max_allowed_packet', str(exc))
        self.assertEqual({'previous': True}, self.backend.get(self.uuid))

    def test_text_when_a_hex_literal_would_not_fit(self):
        # Up to half of max_allowed_packet a document goes as a hex
        # literal; above that as escaped text, which must store the same.
        limit = self._server_packet_limit()
        self.config(group='processing', max_data_size=limit)
        self.backend = self.make_backend()
        document = {'pad': 'x' * (limit * 6 // 10),
                    'tail': 'é "quoted" \\ \U0001F600'}
        self.backend.save(self.uuid, document)
        self.assertEqual(document, self.backend.get(self.uuid))

    def _server_packet_limit(self):
        return db_engine.max_statement_size()


class PostgresqlDatabaseStoreTestCase(test_database.DatabaseStoreTestCase):
    FIXTURE = db_fixtures.PostgresqlFixture

    def test_documents_are_compressed_with_lz4(self):
        self.backend.save(self.uuid, samples.load('60k'))
        with self.engine.connect() as conn:
            method = conn.execute(sa.text(
                'SELECT pg_column_compression(data) FROM introspection_data'
                )).scalar()
        self.assertEqual('lz4', method)


class MySQLMigrationTestCase(test_migrate.MigrationTestCase):
    FIXTURE = db_fixtures.MySQLFixture
    WORKERS = 3
    STREAM_NODES = True


class PostgresqlMigrationTestCase(test_migrate.MigrationTestCase):
    FIXTURE = db_fixtures.PostgresqlFixture
    WORKERS = 3
    STREAM_NODES = True
