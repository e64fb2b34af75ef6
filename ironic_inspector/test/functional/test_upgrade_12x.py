"""Upgrading from ironic-inspector 12.5.0, as grenade does it.

The real 12.5.0, installed from PyPI by ``tools/install-release12.sh``,
builds its schema with its own dbsync and stores nodes and documents with
its own code (``release12_worker.py``, run by its own interpreter); then
this release's commands adopt the database, and both releases must keep
working on it. Each class runs on SQLite, MariaDB and PostgreSQL, and
skips, saying why, where 12.5.0 or the server is not there.
"""

import os
import subprocess

from alembic import autogenerate
from alembic.runtime import migration as alembic_migration
import orjson
from oslo_db.sqlalchemy import test_fixtures
from oslo_utils import uuidutils
import sqlalchemy as sa
from swiftclient import client as swift_client

from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector.db import adoption
from ironic_inspector.db import documents as db_documents
from ironic_inspector.db import engine as db_engine
from ironic_inspector.db import migration
from ironic_inspector.db import models
from ironic_inspector.db import online_migrations
from ironic_inspector import objects
from ironic_inspector.processing import pipeline
from ironic_inspector.test import base
from ironic_inspector.test import commands
from ironic_inspector.test import db_fixtures
from ironic_inspector.test import release12
from ironic_inspector.test import samples
from ironic_inspector.test import swift_fixtures

# What stays different from the models on an adopted database: 12.x's
# own tables and columns, its enum of states, and its nullable document
# column (making it NOT NULL would rewrite the table).
ADOPTED_LEFTOVERS = (
    {('remove_table', table) for table in adoption.RELEASE_12_TABLES}
    | {('remove_column', 'nodes', 'version_id'),
       ('modify_type', 'nodes', 'state'),
       ('modify_nullable', 'introspection_data', 'data')})
# On SQLite, 12.5.0's primary key of attributes also takes NULL.
ADOPTED_SQLITE_LEFTOVERS = {('modify_nullable', 'attributes', 'uuid')}


def adopted_leftovers(engine):
    """ADOPTED_LEFTOVERS, with SQLite's own on SQLite."""
    if engine.dialect.name == 'sqlite':
        return ADOPTED_LEFTOVERS | ADOPTED_SQLITE_LEFTOVERS
    return ADOPTED_LEFTOVERS


def schema_differences(engine):
    """What separates the database from the models, as short tuples."""
    with engine.connect() as conn:
        diffs = autogenerate.compare_metadata(
            alembic_migration.MigrationContext.configure(
                conn, opts={'compare_type': True}),
            models.Base.metadata)
    found = set()
    for diff in diffs:
        if isinstance(diff, list):       # column modifications come wrapped
            kind, _, table, column = diff[0][:4]
            found.add((kind, table, column))
        elif diff[0] == 'remove_table':
            found.add(('remove_table', diff[1].name))
        else:
            found.add((diff[0], diff[2], diff[3].name))
    return found


def attributes_table(engine):
    """What defines the attributes table: columns, keys and indexes."""
    inspector = sa.inspect(engine)
    primary_key = inspector.get_pk_constraint('attributes')
    return {
        'columns': [(c['name'], str(c['type']), c['nullable'])
                    for c in inspector.get_columns('attributes')],
        'primary_key': (primary_key['name'],
                        primary_key['constrained_columns']),
        'foreign_keys': [(fk['name'], fk['constrained_columns'],
                          fk['referred_table'], fk['options'].get('ondelete'))
                         for fk in inspector.get_foreign_keys('attributes')],
        'indexes': sorted((index['name'], index['column_names'],
                           index['unique'])
                          for index in inspector.get_indexes('attributes')),
    }


def schema_snapshot(engine):
    inspector = sa.inspect(engine)
    return {table: (sorted(c['name'] for c in inspector.get_columns(table)),
                    sorted((fk['name'] or '', fk['options'].get('ondelete'))
                           for fk in inspector.get_foreign_keys(table)))
            for table in inspector.get_table_names()}


class _CommandTestMixin(test_fixtures.OpportunisticDBTestMixin):
    """The database the commands run on, and how they must fail."""

    def server_database_url(self):
        """The fixture's database; None for a SQLite file of the command's.
        """
        return None

    def assertOneLineError(self, rc, err, *fragments):
        self.assertEqual(1, rc, err)
        self.assertNotIn('Traceback', err)
        self.assertEqual(1, len(err.strip().splitlines()), err)
        for fragment in fragments:
            self.assertIn(fragment, err)


class Release12TestMixin(_CommandTestMixin):
    """A database 12.5.0 made, and the configuration of both releases."""

    FIXTURE = db_fixtures.EmptySQLiteFixture
    # The revision 12.5.0's dbsync brings the database to.
    RELEASE_12_REVISION = adoption.RELEASE_12_HEAD

    def setUp(self):
        reason = release12.missing()
        if reason:
            self.skipTest(reason)
        if not samples.available('60k'):
            self.skipTest('sample %s is missing' % samples.path('60k'))
        super().setUp()
        self.command = self.useFixture(commands.CommandFixture(
            {'database': {'connection': self.server_database_url()}}))
        self.url = self.command.options['database']['connection']
        self.tempdir = self.command.path
        self.release_config = release12.write_config(
            os.path.join(self.tempdir, 'release12.conf'), self.url)
        rc, _, err = release12.dbsync(self.release_config, 'upgrade',
                                      '--revision', self.RELEASE_12_REVISION)
        self.assertEqual(0, rc, err)
        self.engine = sa.create_engine(self.url)
        self.addCleanup(self.engine.dispose)

    def dbsync(self, *args):
        return self.command.run('dbsync', *args)

    def document(self, name):
        return samples.load('60k', hostname='%s-%s' % (name, self.id()))

    def document_file(self, document):
        path = os.path.join(self.tempdir,
                            '%s.json' % uuidutils.generate_uuid())
        with open(path, 'wb') as out:
            out.write(orjson.dumps(document))
        return path

    def release(self, *commands, config=None):
        """Run commands of 12.5.0 in one process; returns their results.
        """
        return release12.run_all(config or self.release_config, *commands)

    def save_command(self, node, processed, document):
        return ['save', node, _kind(processed), self.document_file(document)]


def _kind(processed):
    return 'processed' if processed else 'unprocessed'


class ServerDatabaseMixin:
    """The database of a server (MariaDB, PostgreSQL) the fixture made,
    for the commands of both releases."""

    def server_database_url(self):
        return self._get_default_provisioned_db().engine.url.render_as_string(
            hide_password=False)


class AdoptionTestCase(Release12TestMixin, base.TestCase):
    """Nodes and documents of 12.5.0; then our upgrade."""

    def setUp(self):
        super().setUp()
        self.ctx = context.RequestContext()
        objects.register_all()
        self.node_a, self.node_b = sorted(uuidutils.generate_uuid()
                                          for _ in range(2))
        self.documents = {
            (self.node_a, True): self.document('a-processed'),
            (self.node_a, False): self.document('a-unprocessed'),
            (self.node_b, True): self.document('b-processed'),
        }
        self.release(
            ['add-node', self.node_a, '--bmc-address', '192.0.2.1',
             '--mac', '52:54:00:12:34:56', '--option', 'foo=bar'],
            ['add-node', self.node_b],
            *[self.save_command(node, processed, document)
              for (node, processed), document in self.documents.items()])

    def test_upgrade_adopts_in_place_and_again_changes_nothing(self):
        rc, out, err = self.dbsync('version')
        self.assertEqual(0, rc, err)
        self.assertIn(adoption.RELEASE_12_HEAD, out)
        rc, out, _ = self.command.run('status', 'upgrade', 'check')
        self.assertEqual(2, rc, out)
        self.assertIn(adoption.RELEASE_12_HEAD, out)

        rc, out, err = self.dbsync('upgrade')
        self.assertEqual(0, rc, err)
        self.assertIn('Adopted', out)
        self.assertNotIn('Traceback', err)
        rc, out, err = self.dbsync('version')
        self.assertEqual((0, migration.head()), (rc, out.strip()), err)
        self.assertEqual(adopted_leftovers(self.engine),
                         schema_differences(self.engine))

        adopted = schema_snapshot(self.engine)
        rc, out, err = self.dbsync('upgrade')
        self.assertEqual(0, rc, err)
        self.assertNotIn('Adopted', out)
        self.assertEqual(adopted, schema_snapshot(self.engine))

        # The columns this release added wait for online migrations.
        rc, out, _ = self.command.run('status', 'upgrade', 'check')
        self.assertEqual(2, rc, out)
        self.assertIn('node_versions (2 rows)', out)
        self.assertIn('introspection_data_versions (3 rows)', out)
        rc, out, err = self.dbsync('online_data_migrations', '--max-count',
                                   '3')
        self.assertEqual(1, rc, err)
        rc, out, err = self.dbsync('online_data_migrations')
        self.assertEqual(0, rc, err)
        rc, out, err = self.command.run('status', 'upgrade', 'check')
        self.assertEqual(0, rc, out + err)
        self.assertIn('Tables of ironic-inspector 12.x remain: options, '
                      'rules', ' '.join(out.replace('|', '').split()))

    def fresh_engine(self):
        """A new database on the same server, with this release's schema.
        """
        if self.engine.dialect.name == 'sqlite':
            url = 'sqlite:///%s' % os.path.join(self.tempdir, 'fresh.db')
        else:
            backend = self._get_default_provisioned_db().backend
            name = 'fresh%s' % uuidutils.generate_uuid(dashed=False)[:16]
            backend.create_named_database(name)
            self.addCleanup(backend.drop_named_database, name)
            url = backend.provisioned_database_url(name)
        engine = sa.create_engine(url)
        self.addCleanup(engine.dispose)
        migration.upgrade('head', engine=engine)
        return engine

    def test_lookup_data_shared_by_both_releases(self):
        made_by_release_12 = attributes_table(self.engine)
        rc, _, err = self.dbsync('upgrade')
        self.assertEqual(0, rc, err)
        adopted = attributes_table(self.engine)
        # The upgrade only makes the foreign key cascade and indexes the
        # table for the lookup (on MariaDB, in place of the key's index).
        cascading = [('attributes_node_uuid_fkey', ['node_uuid'], 'nodes',
                      'CASCADE')]
        self.assertNotEqual(cascading, made_by_release_12['foreign_keys'])
        self.assertEqual(
            dict(made_by_release_12, foreign_keys=cascading,
                 indexes=[('attributes_node_uuid_idx', ['node_uuid'], False),
                          ('attributes_value_idx', ['value'], False)]),
            adopted)
        fresh = attributes_table(self.fresh_engine())
        if self.engine.dialect.name == 'sqlite':
            # 12.5.0's SQLite table lets its primary key be NULL; ours not.
            adopted['columns'] = [
                (name, kind, nullable and name != 'uuid')
                for name, kind, nullable in adopted['columns']]
        self.assertEqual(adopted, fresh)

        self.assertEachReleaseFindsTheOthersNodes()

    def assertEachReleaseFindsTheOthersNodes(self):
        self.command.use_database()

        # 12.5.0's node, by either of its lookup values.
        for lookup in ({'macs': ['52:54:00:12:34:56']},
                       {'bmc_addresses': ['192.0.2.1']}):
            found = objects.Node.lookup(self.ctx, **lookup)
            self.assertEqual((self.node_a, ['192.0.2.1'],
                              ['52:54:00:12:34:56']),
                             (found.uuid, found.bmc_addresses, found.macs))
        self.assertRaises(exception.LookupDataInUse, objects.Node(
            self.ctx, uuid=uuidutils.generate_uuid(), state='waiting',
            macs=['52:54:00:12:34:56']).create)

        # Ours, as 12.5.0's processing looks it up.
        node_c = uuidutils.generate_uuid()
        macs = ['52:54:00:ab:cd:01', '52:54:00:ab:cd:02']
        objects.Node(self.ctx, uuid=node_c, state='waiting', macs=macs,
                     bmc_addresses=['192.0.2.50']).create()
        by_mac, by_bmc_address, found = self.release(
            ['find-node', '--mac', macs[1]],
            ['find-node', '--bmc-address', '192.0.2.50'], ['node', node_c])
        self.assertEqual([node_c, node_c], [by_mac, by_bmc_address])
        self.assertEqual({'bmc_address': ['192.0.2.50'], 'mac': macs},
                         found['attributes'])

        # Our pipeline processes a ramdisk's data for 12.5.0's node, and
        # 12.5.0 reads the result.
        document, _, _ = samples.ramdisk_document('60k', 21)
        document['inventory']['interfaces'][3]['mac_address'] = (
            '52:54:00:12:34:56')
        node = pipeline.process(self.ctx, document)
        self.assertEqual((self.node_a, 'finished'), (node.uuid, node.state))
        processed, found = self.release(['get', self.node_a, 'processed'],
                                        ['node', self.node_a])
        self.assertEqual(objects.IntrospectionData.get_by_node(
            self.ctx, self.node_a).data, processed)
        self.assertEqual(445, processed['local_gb'])
        self.assertEqual('finished', found['state'])

    def test_long_transaction_makes_upgrade_fail_then_again_finishes(self):
        if self.engine.dialect.name == 'sqlite':
            self.skipTest('SQLite runs one writer at a time: no lock to wait '
                          'for while 12.x runs')
        # Another service reads introspection_data in a long transaction;
        # its lock holds off the key swap, which gives up instead of
        # stalling everyone queued behind it.
        with self.engine.connect() as other:
            other.begin()
            other.execute(sa.text('SELECT COUNT(*) FROM introspection_data'))
            rc, out, err = self.dbsync('upgrade')
            other.rollback()
        self.assertOneLineError(rc, err, 'gave up waiting for a lock',
                                'run the command again')
        with self.engine.connect() as conn:
            self.assertEqual(adoption.RELEASE_12_HEAD,
                             migration.version(conn))
        rc, out, err = self.dbsync('upgrade')
        self.assertEqual(0, rc, err)
        self.assertIn('Adopted', out)
        self.assertEqual(adopted_leftovers(self.engine),
                         schema_differences(self.engine))

    def test_both_releases_work_on_the_adopted_database(self):
        rc, _, err = self.dbsync('upgrade')
        self.assertEqual(0, rc, err)
        self.command.use_database()

        # What 12.5.0 stored reads back equal through our objects.
        for (node, processed), document in self.documents.items():
            record = objects.IntrospectionData.get_by_node(
                self.ctx, node, processed=processed)
            self.assertEqual(document, record.data)

        # 12.5.0 keeps adding, storing, reading and removing nodes.
        node_c = uuidutils.generate_uuid()
        document = self.document('c')
        added, _, stored, found = self.release(
            ['add-node', node_c, '--mac', '52:54:00:ab:cd:ef'],
            self.save_command(node_c, True, document),
            ['get', node_c, 'processed'], ['node', node_c])
        self.assertEqual('waiting', added['state'])
        self.assertEqual(document, stored)
        self.assertEqual({'mac': ['52:54:00:ab:cd:ef']}, found['attributes'])
        self.assertReleaseLacksNode(node_c, ['delete-node', node_c])

        # 12.5.0 reads what we write, characters outside Unicode's basic
        # plane too (12.x's MariaDB tables are utf8mb3).
        node_d = uuidutils.generate_uuid()
        objects.Node(self.ctx, uuid=node_d, state='finished').create()
        ours = {True: self.document('d-processed \U0001F600'),
                False: dict(self.document('d-unprocessed'),
                            **{'\U0001F680': ['\U00010348', 'caf\u00e9']})}
        for processed, document in ours.items():
            objects.IntrospectionData(self.ctx, node_uuid=node_d,
                                      processed=processed,
                                      data=document).save()
            self.assertEqual(document, objects.IntrospectionData.get_by_node(
                self.ctx, node_d, processed=processed).data)
        processed, unprocessed, found = self.release(
            ['get', node_d, 'processed'], ['get', node_d, 'unprocessed'],
            ['node', node_d])
        self.assertEqual([ours[True], ours[False]], [processed, unprocessed])
        self.assertEqual('finished', found['state'])

        # Our Node.destroy removes a 12.5.0 node with all its rows.
        objects.Node.get_by_uuid(self.ctx, self.node_a).destroy()
        for processed in (True, False):
            self.assertRaises(exception.IntrospectionDataNotFound,
                              objects.IntrospectionData.get_by_node,
                              self.ctx, self.node_a, processed=processed)
        with self.engine.connect() as conn:
            for table, column in (('attributes', 'node_uuid'),
                                  ('options', 'uuid')):
                self.assertEqual(0, conn.execute(sa.text(
                    'SELECT COUNT(*) FROM %s WHERE %s = :node'
                    % (table, column)), {'node': self.node_a}).scalar())

        # 12.5.0 no longer finds it, and removes one of ours.
        self.assertReleaseLacksNode(self.node_a, ['delete-node', node_d])
        self.assertRaises(exception.NodeNotFound, objects.Node.get_by_uuid,
                          self.ctx, node_d)

    def assertReleaseLacksNode(self, node, *before):
        """12.5.0's node lookup fails for ``node``, after ``before``."""
        error = self.assertRaises(subprocess.CalledProcessError,
                                  self.release, *before, ['node', node])
        self.assertIn('Could not find node %s' % node, error.stderr)

    def test_online_migrations_one_statement_per_batch(self):
        rc, _, err = self.dbsync('upgrade')
        self.assertEqual(0, rc, err)
        self.command.use_database()
        updates = []

        def count_updates(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith('UPDATE'):
                updates.append(statement)

        sa.event.listen(db_engine.get_engine(), 'before_cursor_execute',
                        count_updates)
        migrate = online_migrations.introspection_data_versions
        found, done, after = migrate(None, 2)
        self.assertEqual((3, 2), (found, done))
        self.assertEqual(1, len(updates))
        self.assertEqual((1, 1, None), migrate(None, 2, after=after))
        self.assertEqual((0, 0, None), migrate(None, 2))
        self.assertEqual(2, len(updates))
        self.assertEqual((2, 2, None),
                         online_migrations.node_versions(None, 10))
        for row in db_documents.list_introspection_data():
            self.assertEqual('1.1', row['version'])
            self.assertIsNotNone(row['created_at'])

        # A 12.5.0 service still running writes rows without a version.
        self.release(self.save_command(self.node_b, False,
                                       self.document('b-unprocessed')))
        self.assertEqual((1, 1, None), migrate(None, 10))

    def test_migrate_data_from_the_swift_12_5_0_wrote(self):
        credentials = swift_fixtures.credentials()
        if credentials is None:
            self.skipTest(swift_fixtures.SKIP_REASON)
        swift = self.useFixture(
            swift_fixtures.SwiftContainerFixture(self.config))
        storage_url, token = swift_client.get_auth(*credentials)
        swift_config = release12.write_config(
            os.path.join(self.tempdir, 'release12-swift.conf'), self.url,
            store='swift', swift=(storage_url, token, swift.container))
        in_swift = {(node, processed): self.document('swift-%s-%s'
                                                     % (node, processed))
                    for node in (self.node_a, self.node_b)
                    for processed in (True, False)}
        self.release(*[self.save_command(node, processed, document)
                       for (node, processed), document in in_swift.items()],
                     config=swift_config)
        self.command.options['swift'] = {
            'auth_version': '1', 'v1_auth_url': swift.auth_url,
            'v1_user': swift.user, 'v1_key': swift.key,
            'container': swift.container}
        self.command.write_config()

        rc, _, err = self.dbsync('upgrade')
        self.assertEqual(0, rc, err)
        rc, out, err = self.command.run('migrate_data', '--from', 'swift',
                                        '--to', 'database')
        self.assertEqual(0, rc, out + err)
        self.command.use_database()
        ctx = context.RequestContext()
        objects.register_all()
        for (node, processed), document in in_swift.items():
            self.assertEqual(document, objects.IntrospectionData.get_by_node(
                ctx, node, processed=processed).data)
        # ... and 12.5.0 reads them from the database too.
        self.assertEqual(list(in_swift.values()), self.release(
            *[['get', node, _kind(processed)]
              for node, processed in in_swift]))
        self.assertEqual(4, len(swift.object_names()))


class MySQLAdoptionTestCase(ServerDatabaseMixin, AdoptionTestCase):
    FIXTURE = db_fixtures.EmptyMySQLFixture


class PostgresqlAdoptionTestCase(ServerDatabaseMixin, AdoptionTestCase):
    FIXTURE = db_fixtures.EmptyPostgresqlFixture


class OlderRelease12TestCase(Release12TestMixin, base.TestCase):
    """A database at an older 12.x revision is refused, untouched."""

    RELEASE_12_REVISION = 'bf8dec16023c'

    def test_every_subcommand_refuses(self):
        engine = self.engine
        before = schema_snapshot(engine)
        for args in (('upgrade',), ('version',), ('stamp', 'head'),
                     ('online_data_migrations',)):
            rc, out, err = self.dbsync(*args)
            self.assertOneLineError(rc, err, 'bf8dec16023c',
                                    "12.5.0's 'ironic-inspector-dbsync "
                                    "upgrade' first")
        self.assertEqual(before, schema_snapshot(engine))
        with engine.connect() as conn:
            self.assertEqual('bf8dec16023c', migration.version(conn))


class MySQLOlderRelease12TestCase(ServerDatabaseMixin, OlderRelease12TestCase):
    FIXTURE = db_fixtures.EmptyMySQLFixture


class PostgresqlOlderRelease12TestCase(ServerDatabaseMixin,
                                       OlderRelease12TestCase):
    FIXTURE = db_fixtures.EmptyPostgresqlFixture


class Release12RevisionsTestCase(Release12TestMixin, base.TestCase):
    """Every dbsync subcommand on a 12.5.0 database, before adoption."""

    def test_subcommands_before_adoption(self):
        versions = migration._script().versions
        revisions_before = sorted(os.listdir(versions))
        before = schema_snapshot(self.engine)
        for args in (('stamp', 'head'), ('online_data_migrations',),
                     ('upgrade', '--revision', 'nosuchrev'),
                     ('revision', '--autogenerate', '-m', 'x')):
            rc, out, err = self.dbsync(*args)
            self.assertOneLineError(rc, err)
        self.assertEqual(before, schema_snapshot(self.engine))
        self.assertEqual(revisions_before, sorted(os.listdir(versions)))
        rc, out, err = self.dbsync('upgrade')
        self.assertEqual(0, rc, err)


class MySQLRelease12RevisionsTestCase(ServerDatabaseMixin,
                                      Release12RevisionsTestCase):
    FIXTURE = db_fixtures.EmptyMySQLFixture


class PostgresqlRelease12RevisionsTestCase(ServerDatabaseMixin,
                                           Release12RevisionsTestCase):
    FIXTURE = db_fixtures.EmptyPostgresqlFixture


class ForeignDatabaseTestCase(_CommandTestMixin, base.TestCase):
    """Another project's database: every subcommand refuses, one line."""

    FIXTURE = db_fixtures.EmptySQLiteFixture
    FOREIGN = 'abcdef012345'

    def setUp(self):
        super().setUp()
        self.command = self.useFixture(commands.CommandFixture(
            {'database': {'connection': self.server_database_url()}}))
        self.engine = sa.create_engine(
            self.command.options['database']['connection'])
        self.addCleanup(self.engine.dispose)
        with self.engine.begin() as conn:
            conn.execute(sa.text('CREATE TABLE widgets (id INTEGER)'))
            conn.execute(sa.text('CREATE TABLE alembic_version '
                                 '(version_num VARCHAR(32) NOT NULL)'))
            conn.execute(sa.text('INSERT INTO alembic_version VALUES (:v)'),
                         {'v': self.FOREIGN})

    def test_every_subcommand_refuses(self):
        versions = migration._script().versions
        revisions_before = sorted(os.listdir(versions))
        before = schema_snapshot(self.engine)
        for args in (('upgrade',), ('version',), ('stamp', 'head'),
                     ('online_data_migrations',),
                     ('revision', '--autogenerate', '-m', 'x')):
            rc, out, err = self.command.run('dbsync', *args)
            self.assertOneLineError(rc, err, self.FOREIGN)
        self.assertEqual(before, schema_snapshot(self.engine))
        self.assertEqual(revisions_before, sorted(os.listdir(versions)))
        rc, out, _ = self.command.run('status', 'upgrade', 'check')
        self.assertEqual(2, rc)
        self.assertIn(self.FOREIGN, out)

    def test_release_12_revision_without_its_tables(self):
        with self.engine.begin() as conn:
            conn.execute(sa.text('UPDATE alembic_version SET version_num = '
                                 ':v'), {'v': adoption.RELEASE_12_HEAD})
        before = schema_snapshot(self.engine)
        rc, out, err = self.command.run('dbsync', 'upgrade')
        self.assertOneLineError(rc, err, adoption.RELEASE_12_HEAD,
                                'introspection_data table is missing')
        self.assertEqual(before, schema_snapshot(self.engine))

    def test_stamp_unknown_revision_on_our_database(self):
        with self.engine.begin() as conn:
            conn.execute(sa.text('DROP TABLE alembic_version'))
        self.command.create_schema()
        for args in (('stamp', 'nosuchrev'),
                     ('upgrade', '--revision', 'nosuchrev')):
            rc, out, err = self.command.run('dbsync', *args)
            self.assertOneLineError(rc, err, 'nosuchrev')
        with self.engine.connect() as conn:
            self.assertEqual(migration.head(), migration.version(conn))


class MySQLForeignDatabaseTestCase(ServerDatabaseMixin,
                                   ForeignDatabaseTestCase):
    FIXTURE = db_fixtures.EmptyMySQLFixture


class PostgresqlForeignDatabaseTestCase(ServerDatabaseMixin,
                                        ForeignDatabaseTestCase):
    FIXTURE = db_fixtures.EmptyPostgresqlFixture
