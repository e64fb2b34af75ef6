"""``ironic-inspector-migrate-data --to ironic`` into the real ironic
39.0.0's inventory storage, read back through ironic's API and with
``openstack baremetal node inventory save``.

One class per storage of ironic: its database on SQLite, MariaDB and
PostgreSQL, and Swift; each runs on the ironic that CI (or the developer)
started, see ironic39_fixtures, and skips, saying why, without it. The
inspector's own documents are in a SQLite database of the test's (in
Swift too, for the Swift class, as 12.x kept them). Last, the whole way
out: ironic-inspector 12.5.0 writes, this release adopts its database,
moves the data, and ironic 39.0.0 serves it.
"""

import datetime
import os
import sqlite3

from oslo_utils import uuidutils
import sqlalchemy as sa

from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import storage
from ironic_inspector.test import base
from ironic_inspector.test import commands
from ironic_inspector.test import db_fixtures
from ironic_inspector.test import ironic39_fixtures
from ironic_inspector.test import samples
from ironic_inspector.test import swift_fixtures
from ironic_inspector.test.functional import test_upgrade_12x


def _processed(node_uuid):
    document = samples.load('60k', hostname='processed-%s' % node_uuid)
    document['cpus'] = 64
    # NOTE: a MySQL table of ironic 32.x and older is utf8mb3, which has
    # no room for the last character but as JSON's escape.
    document['comment'] = 'caf\u00e9 \u2603 \U0001f5a5'
    return document


def _unprocessed(node_uuid):
    return samples.load('60k', hostname='raw-%s' % node_uuid)


def _served(document):
    """What ironic must serve of a processed document."""
    rest = {key: value for key, value in document.items()
            if key not in ('inventory', 'logs')}
    return {'inventory': document['inventory'], 'plugin_data': rest}


class MoveTests:
    """The nodes of the inspector's cache, ironic's nodes, the command."""

    # The backend the inspector's documents are in.
    SOURCE = 'database'
    # What ironic answers for a node without an inventory.
    NO_INVENTORY = 404

    def setUp(self):
        super().setUp()
        if not samples.available('60k'):
            self.skipTest('sample %s is missing' % samples.path('60k'))
        self.peer = self.ironic_peer()
        self.ironic = self.useFixture(
            ironic39_fixtures.Ironic39Nodes(self.peer))
        options = {
            'processing': {'storage_backend': self.SOURCE},
            'ironic': {'auth_type': 'none',
                       'endpoint_override': self.peer.url},
            'ironic_inventory': self.inventory_options()}
        options.update(self.swift_options())
        self.command = self.useFixture(commands.CommandFixture(options))
        self.command.create_schema()
        self.source = storage.get_backend(self.SOURCE)

    def swift_options(self):
        return {}

    def inventory_options(self):
        return {'data_backend': 'database',
                'connection': self.peer.database_url}

    def _node(self, in_ironic=True, processed=True, unprocessed=True):
        """A node of the inspector's cache, with its documents."""
        node_uuid = (self.ironic.create() if in_ironic
                     else uuidutils.generate_uuid())
        db_nodes.create_node(node_uuid, 'finished')
        if processed:
            self.source.save(node_uuid, _processed(node_uuid), True)
        if unprocessed:
            self.source.save(node_uuid, _unprocessed(node_uuid), False)
        return node_uuid

    def _move(self, *args):
        code, out, err = self.command.run(
            'migrate_data', '--from', self.SOURCE, '--to', 'ironic', *args)
        lines = out.splitlines()
        self.assertNotIn('Traceback', err)
        return code, lines[0] if lines else '', lines[1:], err

    def test_moves_what_ironic_serves(self):
        moved = [self._node() for _ in range(3)]
        raw_only = self._node(processed=False)
        unknown = self._node(in_ironic=False)
        empty = self._node(processed=False, unprocessed=False)

        code, summary, named, err = self._move('--verify')
        self.assertEqual(0, code, err)
        self.assertEqual('moved 4, identical 0, kept (newer in ironic) 0, '
                         'not in ironic 1, no data 1, failed 0', summary)
        self.assertEqual(['not in ironic: %s' % unknown], named)
        for node_uuid in moved:
            self.assertEqual(_served(_processed(node_uuid)),
                             self.ironic.inventory_save(node_uuid))
        # Never processed: the ramdisk's inventory, and no plugin data.
        self.assertEqual({'inventory': _unprocessed(raw_only)['inventory'],
                          'plugin_data': {}},
                         self.ironic.inventory_save(raw_only))
        self.assertEqual(self.NO_INVENTORY, self.ironic.inventory(empty)[0])

        # Idempotent: a second run finds everything in place.
        code, summary, _, err = self._move()
        self.assertEqual(0, code, err)
        self.assertTrue(summary.startswith('moved 0, identical 4,'), summary)

    def test_newer_in_ironic_is_kept_unless_forced(self):
        node_uuid = self._node()
        ironic_own = {'inventory': {'cpu': {'count': 2}},
                      'plugin_data': {'from': 'ironic'}}
        self.write_in_ironic(node_uuid, ironic_own,
                             datetime.datetime.utcnow()
                             + datetime.timedelta(minutes=5))

        code, summary, named, err = self._move()
        self.assertEqual(0, code, err)
        self.assertTrue(summary.startswith(
            'moved 0, identical 0, kept (newer in ironic) 1,'), summary)
        self.assertEqual(['kept (newer in ironic): %s' % node_uuid], named)
        self.assertEqual(ironic_own, self.ironic.inventory_save(node_uuid))

        code, summary, _, err = self._move('--force', '--verify')
        self.assertEqual(0, code, err)
        self.assertTrue(summary.startswith('moved 1,'), summary)
        self.assertEqual(_served(_processed(node_uuid)),
                         self.ironic.inventory_save(node_uuid))

    def test_older_in_ironic_is_replaced(self):
        node_uuid = self._node()
        self.write_in_ironic(node_uuid, {'inventory': {}, 'plugin_data': {}},
                             datetime.datetime(2020, 1, 1))
        code, summary, _, err = self._move()
        self.assertEqual(0, code, err)
        self.assertTrue(summary.startswith('moved 1,'), summary)
        self.assertEqual(_served(_processed(node_uuid)),
                         self.ironic.inventory_save(node_uuid))

    def test_dry_run_writes_nothing(self):
        node_uuid = self._node()
        code, summary, _, err = self._move('--dry-run')
        self.assertEqual(0, code, err)
        self.assertTrue(summary.startswith('would move 1,'), summary)
        self.assertEqual(self.NO_INVENTORY,
                         self.ironic.inventory(node_uuid)[0])

    def test_one_node(self):
        node_uuid = self._node()
        other = self._node()
        code, summary, _, err = self._move('--node', node_uuid)
        self.assertEqual(0, code, err)
        self.assertTrue(summary.startswith('moved 1,'), summary)
        self.assertEqual(self.NO_INVENTORY, self.ironic.inventory(other)[0])


class DatabaseMoveTests(MoveTests):
    """ironic's ``[inventory]data_backend = database`` on ``DIALECT``."""

    VARIABLE = DIALECT = None

    def ironic_peer(self):
        return ironic39_fixtures.Ironic39(self, self.VARIABLE,
                                          dialect=self.DIALECT)

    def write_in_ironic(self, node_uuid, served, created_at):
        ironic39_fixtures.write_row(
            self.ironic.engine, self.ironic.node_id(node_uuid),
            served['inventory'], served['plugin_data'],
            created_at=created_at)


class TestSqlite(DatabaseMoveTests, base.TestCase):
    VARIABLE = 'IRONIC39_STATE_DIR'
    DIALECT = 'sqlite'

    def test_unknown_schema_is_refused_with_nothing_written(self):
        # NOTE: on a copy of ironic's database, whose revision the tests
        # running beside this one must not see changed.
        copy = os.path.join(self.command.path, 'ironic.sqlite')
        with sqlite3.connect(sa.engine.make_url(
                self.peer.database_url).database) as source, \
                sqlite3.connect(copy) as target:
            source.backup(target)
            target.execute("UPDATE alembic_version SET version_num = "
                           "'f0f0f0f0f0f0'")
            rows = target.execute('SELECT * FROM node_inventory').fetchall()
        self.command.options['ironic_inventory']['connection'] = (
            'sqlite:///%s' % copy)
        self.command.write_config()
        self._node()

        code, _, _, err = self._move()
        self.assertEqual(1, code)
        self.assertEqual(
            ["ironic-inspector-migrate-data: error: ironic's inventory "
             "storage (database) failed to accept its schema: the database "
             "is at revision f0f0f0f0f0f0, which this release does not know "
             "(ironic 21.2 to 39.0.0 are known); nothing was written"],
            err.splitlines())
        with sqlite3.connect(copy) as target:
            self.assertEqual(rows, target.execute(
                'SELECT * FROM node_inventory').fetchall())


class TestMysql(DatabaseMoveTests, base.TestCase):
    VARIABLE = 'IRONIC39_MYSQL_STATE_DIR'
    DIALECT = 'mysql'


class TestPostgresql(DatabaseMoveTests, base.TestCase):
    VARIABLE = 'IRONIC39_POSTGRESQL_STATE_DIR'
    DIALECT = 'postgresql'


class TestSwift(MoveTests, base.TestCase):
    """ironic's ``[inventory]data_backend = swift``, the documents in
    Swift as 12.x kept them (``--from swift``)."""

    SOURCE = 'swift'
    # NOTE: ironic 39.0.0 fails to read objects that are not there.
    NO_INVENTORY = 500

    def ironic_peer(self):
        peer = ironic39_fixtures.Ironic39(self, 'IRONIC39_SWIFT_STATE_DIR',
                                          backend='swift')
        self.objects = self.useFixture(
            ironic39_fixtures.Ironic39Swift(self, peer))
        return peer

    def inventory_options(self):
        return {'data_backend': 'swift',
                'swift_data_container': self.peer.swift_container}

    def swift_options(self):
        self.container = self.useFixture(
            swift_fixtures.SwiftContainerFixture(self.config))
        return {'swift': {'auth_version': '1',
                          'v1_auth_url': self.container.auth_url,
                          'v1_user': self.container.user,
                          'v1_key': self.container.key,
                          'container': self.container.container}}

    def _node(self, in_ironic=True, **documents):
        node_uuid = super()._node(in_ironic, **documents)
        self.objects.forget(node_uuid)
        return node_uuid

    def test_half_done_move_is_finished(self):
        # A move interrupted between a node's two objects: ironic cannot
        # serve the one, and the next run must not keep it as ironic's.
        node_uuid = self._node()
        self.objects.write(node_uuid, {'cpu': {'count': 1}}, {},
                           parts=('inventory',))
        code, summary, _, err = self._move()
        self.assertEqual(0, code, err)
        self.assertTrue(summary.startswith('moved 1,'), summary)
        self.assertEqual(_served(_processed(node_uuid)),
                         self.ironic.inventory_save(node_uuid))

    def write_in_ironic(self, node_uuid, served, created_at):
        # NOTE: Swift dates an object when it is written; "older" and
        # "newer" are relative to the inspector's documents.
        if created_at < datetime.datetime.utcnow():
            self.skipTest('Swift cannot write an object in the past')
        self.objects.write(node_uuid, served['inventory'],
                           served['plugin_data'])


class Release12TestCase(test_upgrade_12x.Release12TestMixin, base.TestCase):
    """12.5.0 writes; this release adopts, moves; ironic 39.0.0 serves:
    both on SQLite here, both on MariaDB or PostgreSQL below."""

    IRONIC_VARIABLE = 'IRONIC39_STATE_DIR'
    IRONIC_DIALECT = 'sqlite'

    def test_the_way_out(self):
        peer = ironic39_fixtures.Ironic39(self, self.IRONIC_VARIABLE,
                                          dialect=self.IRONIC_DIALECT)
        ironic = self.useFixture(ironic39_fixtures.Ironic39Nodes(peer))
        moved, raw_only = (ironic.create() for _ in range(2))
        documents = {moved: self.document('moved'),
                     raw_only: self.document('raw')}
        self.release(
            ['add-node', moved], ['add-node', raw_only],
            self.save_command(moved, True, documents[moved]),
            self.save_command(moved, False, self.document('ignored')),
            self.save_command(raw_only, False, documents[raw_only]))
        self.command.options['ironic'] = {'auth_type': 'none',
                                          'endpoint_override': peer.url}
        self.command.options['ironic_inventory'] = {
            'connection': peer.database_url}
        self.command.write_config()

        rc, _, err = self.dbsync('upgrade')
        self.assertEqual(0, rc, err)
        rc, out, err = self.command.run('migrate_data', '--from', 'database',
                                        '--to', 'ironic', '--verify')
        self.assertEqual(0, rc, out + err)
        self.assertTrue(out.startswith('moved 2, identical 0,'), out)
        self.assertEqual(_served(documents[moved]),
                         ironic.inventory_save(moved))
        self.assertEqual({'inventory': documents[raw_only]['inventory'],
                          'plugin_data': {}},
                         ironic.inventory_save(raw_only))


class MySQLRelease12TestCase(test_upgrade_12x.ServerDatabaseMixin,
                             Release12TestCase):
    FIXTURE = db_fixtures.EmptyMySQLFixture
    IRONIC_VARIABLE = 'IRONIC39_MYSQL_STATE_DIR'
    IRONIC_DIALECT = 'mysql'


class PostgresqlRelease12TestCase(test_upgrade_12x.ServerDatabaseMixin,
                                  Release12TestCase):
    FIXTURE = db_fixtures.EmptyPostgresqlFixture
    IRONIC_VARIABLE = 'IRONIC39_POSTGRESQL_STATE_DIR'
    IRONIC_DIALECT = 'postgresql'
