"""Walk every alembic revision and compare the result with the models.

Runs on SQLite here; test/functional runs the same on MariaDB and
PostgreSQL.
"""

from alembic import script as alembic_script
from oslo_db.sqlalchemy import test_fixtures
from oslo_db.sqlalchemy import test_migrations
from oslo_db.sqlalchemy import utils as db_utils
import sqlalchemy as sa

from ironic_inspector.cmd import dbsync
from ironic_inspector.db import documents as db_documents
from ironic_inspector.db import migration
from ironic_inspector.db.migrations.versions import (
    c2e8a5d7f3b1_compress_documents_with_lz4 as lz4_revision)
from ironic_inspector.db import models
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector.db import online_migrations
from ironic_inspector.test import base
from ironic_inspector.test import db_fixtures

NODE = '0d6cc5c5-1b1f-4b67-8a15-a0c0b42f2f4a'


class MigrationWalkTestCase(test_fixtures.OpportunisticDBTestMixin,
                            base.TestCase):
    """Upgrade one revision at a time; each step checks its own effect."""

    FIXTURE = db_fixtures.EmptySQLiteFixture

    def setUp(self):
        super().setUp()
        self.engine = self._get_default_provisioned_db().engine

    def _revisions(self):
        script = alembic_script.ScriptDirectory.from_config(
            migration._config())
        return [r.revision for r in reversed(list(script.walk_revisions()))]

    def _upgrade(self, revision):
        migration.upgrade(revision, engine=self.engine)

    def _columns(self, table):
        return {c['name'] for c in sa.inspect(self.engine).get_columns(table)}

    def test_walk_versions(self):
        revisions = self._revisions()
        self.assertEqual(migration.head(), revisions[-1])
        for revision in revisions:
            pre = getattr(self, '_pre_upgrade_%s' % revision, None)
            if pre is not None:
                pre()
            self._upgrade(revision)
            with self.engine.connect() as conn:
                self.assertEqual(revision, migration.version(conn))
            getattr(self, '_check_%s' % revision)()
        # Upgrading an up-to-date schema changes nothing.
        self._upgrade('head')
        self._check_9b7e5d2c1f48()
        self._check_c2e8a5d7f3b1()
        self._check_5d1e7a3c9b24()
        self._check_8c4f2e6a1d93()
        self._check_e4b9c1d7a2f6()

    def _check_4f3c2b1a9e07(self):
        self.assertEqual({'uuid', 'state', 'started_at', 'finished_at',
                          'error', 'created_at', 'updated_at', 'version'},
                         self._columns('nodes'))
        self.assertEqual({'uuid', 'processed', 'data'},
                         self._columns('introspection_data'))
        nodes = db_utils.get_table(self.engine, 'nodes')
        data = db_utils.get_table(self.engine, 'introspection_data')
        with self.engine.begin() as conn:
            conn.execute(nodes.insert().values(uuid=NODE, state='finished'))
            conn.execute(data.insert().values(uuid=NODE, processed=True,
                                              data='{"old": true}'))

    def _check_9b7e5d2c1f48(self):
        self.assertEqual({'uuid', 'processed', 'data', 'created_at',
                          'updated_at', 'version'},
                         self._columns('introspection_data'))
        data = db_utils.get_table(self.engine, 'introspection_data')
        with self.engine.connect() as conn:
            row = conn.execute(data.select()).mappings().one()
        self.assertEqual('{"old": true}', row['data'])
        self.assertIsNone(row['version'])
        foreign_keys = sa.inspect(self.engine).get_foreign_keys(
            'introspection_data')
        self.assertEqual(['CASCADE'],
                         [fk['options'].get('ondelete', '').upper()
                          for fk in foreign_keys])

    def _check_c2e8a5d7f3b1(self):
        if self.engine.dialect.name != 'postgresql':
            return
        with self.engine.connect() as conn:
            method = conn.execute(sa.text(
                "SELECT attcompression FROM pg_attribute "
                "WHERE attrelid = 'introspection_data'::regclass "
                "AND attname = 'data'")).scalar()
            has_lz4 = lz4_revision._server_has_lz4(conn)
        # 'l' is LZ4; '' the server's default.
        self.assertEqual('l' if has_lz4 else '', method)

    def _check_5d1e7a3c9b24(self):
        # ironic-inspector 12.5.0's table, its key cascading.
        inspector = sa.inspect(self.engine)
        self.assertEqual(
            [('name', False), ('value', True), ('uuid', False),
             ('node_uuid', True)],
            [(c['name'], c['nullable'])
             for c in inspector.get_columns('attributes')])
        self.assertEqual(['uuid'], inspector.get_pk_constraint(
            'attributes')['constrained_columns'])
        self.assertEqual(
            [('attributes_node_uuid_fkey', ['node_uuid'], 'nodes',
              'CASCADE')],
            [(fk['name'], fk['constrained_columns'], fk['referred_table'],
              fk['options'].get('ondelete'))
             for fk in inspector.get_foreign_keys('attributes')])

    def _check_8c4f2e6a1d93(self):
        self.assertEqual(
            [('attributes_node_uuid_idx', ['node_uuid']),
             ('attributes_value_idx', ['value'])],
            sorted((index['name'], index['column_names']) for index
                   in sa.inspect(self.engine).get_indexes('attributes')))

    def _check_e4b9c1d7a2f6(self):
        self.assertIn('manage_boot', self._columns('nodes'))


class ModelsMigrationsSyncTestCase(test_migrations.ModelsMigrationsSync,
                                   test_fixtures.OpportunisticDBTestMixin,
                                   base.TestCase):
    """The schema the migrations build is the one the models describe."""

    FIXTURE = db_fixtures.EmptySQLiteFixture

    def setUp(self):
        super().setUp()
        self.engine = self._get_default_provisioned_db().engine

    def db_sync(self, engine):
        migration.upgrade('head', engine=engine)

    def get_engine(self):
        return self.engine

    def get_metadata(self):
        return models.Base.metadata


class OnlineDataMigrationsTestCase(base.DbTestCase):
    """Rows written before the version column get stamped, in batches."""

    def setUp(self):
        super().setUp()
        self.uuids = ['00000000-0000-4000-8000-%012d' % i for i in range(5)]
        data = models.IntrospectionData.__table__
        with self.engine.begin() as conn:
            for uuid in self.uuids:
                db_nodes.create_node(uuid, 'finished')
                conn.execute(data.insert().values(uuid=uuid, processed=True,
                                                  data='{}'))

    def _versions(self):
        return sorted((r['version'] or '-')
                      for r in db_documents.list_introspection_data())

    def test_migration_in_batches(self):
        migrate = online_migrations.introspection_data_versions
        self.assertEqual((5, 2, (self.uuids[1], True)), migrate(None, 2))
        self.assertEqual(['-', '-', '-', '1.1', '1.1'], self._versions())
        self.assertEqual((3, 3, None), migrate(None, 10))
        self.assertEqual((0, 0, None), migrate(None, 10))
        for row in db_documents.list_introspection_data():
            self.assertIsNotNone(row['created_at'])

    def _write_unversioned(self, uuid):
        data = models.IntrospectionData.__table__
        with self.engine.begin() as conn:
            conn.execute(data.insert().values(uuid=uuid, processed=False,
                                              data='{}'))

    def test_batches_walk_the_key(self):
        migrate = online_migrations.introspection_data_versions
        found, done, after = migrate(None, 2)
        self.assertEqual((5, 2, (self.uuids[1], True)),
                         (found, done, after))
        # Written meanwhile: one behind the walk, one ahead of it.
        self._write_unversioned(self.uuids[0])
        self._write_unversioned(self.uuids[4])
        # Each batch continues after the last key of the one before: the
        # row behind is not read again, the one ahead is changed.
        self.assertEqual((None, 2, (self.uuids[3], True)),
                         migrate(None, 2, count=False, after=after))
        self.assertEqual((None, 2, (self.uuids[4], True)),
                         migrate(None, 2, count=False,
                                 after=(self.uuids[3], True)))
        # A batch that finds fewer rows than it may change ends the walk.
        self.assertEqual((None, 0, None),
                         migrate(None, 2, count=False,
                                 after=(self.uuids[4], True)))
        # The row behind is left for the next run, which finds it.
        self.assertEqual((1, 1, None), migrate(None, 10))
        self.assertEqual(['1.1'] * 7, self._versions())

    def test_batch_skips_rows_done(self):
        migrate = online_migrations.introspection_data_versions
        self.assertEqual((5, 1, (self.uuids[0], True)), migrate(None, 1))
        self.assertEqual((4, 1, (self.uuids[2], True)),
                         migrate('1.0', 1, after=(self.uuids[1], True)))
        # From the start again, the rows already at the version are
        # passed over: the batch is the next two that need it.
        self.assertEqual((4, 2, (self.uuids[2], True)), migrate(None, 2))
        self.assertEqual(['-', '-', '1.1', '1.1', '1.1'], self._versions())

    def test_pinned_release(self):
        migrate = online_migrations.introspection_data_versions
        self.assertEqual((5, 5, None), migrate('1.0', 10))
        self.assertEqual(['1.0'] * 5, self._versions())
        # Unpinned, the rows written in 1.0 are brought to 1.1.
        self.assertEqual((5, 5, None), migrate(None, 10))
        self.assertEqual(['1.1'] * 5, self._versions())

    def test_command_batches(self):
        # The nodes come first; what is left of the budget is counted.
        results = dbsync._run_migrations(max_count=3)
        self.assertEqual([('node_versions', 5, 3),
                          ('introspection_data_versions', 5, 0)], results)
        results = dbsync._run_migrations(max_count=None)
        self.assertEqual([('node_versions', 2, 2),
                          ('introspection_data_versions', 5, 5)], results)
        results = dbsync._run_migrations(max_count=None)
        self.assertEqual([('node_versions', 0, 0),
                          ('introspection_data_versions', 0, 0)], results)
