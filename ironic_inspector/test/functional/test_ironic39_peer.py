"""The real ironic 39.0.0 serves what is written into its storage.

``ironic-inspector-migrate-data --to ironic`` writes ironic's own
inventory storage directly: rows of ``node_inventory`` in ironic's
database (SQLAlchemy core), or the two Swift objects of a node. These
tests write that layout for a node made through ironic's API and read it
back with ``openstack baremetal node inventory save``, on each ironic
that CI (or the developer) started: see ironic39_fixtures. They start no
server.
"""

import datetime
import json
import os

import testtools

from ironic_inspector.test import ironic39_fixtures

_SAMPLE = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir,
                       'samples', 'ramdisk-document.json')


def processed_document():
    """``(inventory, plugin_data)`` as ironic's ``inspector`` interface
    splits a processed document: its ``inventory``, and the rest.

    The rest carries non-ASCII text and is over 64 KiB once encoded,
    beyond what a MySQL TEXT column holds.
    """
    with open(_SAMPLE) as sample:
        document = json.load(sample)
    document.pop('logs', None)
    document['comment'] = 'caf\u00e9 \u2603 \U0001f5a5'
    document['padding'] = 'x' * 70000
    return document.pop('inventory'), document


class DatabasePeer:
    """The checks, on the ironic whose state directory ``VARIABLE`` names
    (``[inventory]data_backend = database`` on a ``DIALECT`` database)."""

    VARIABLE = DIALECT = None

    def setUp(self):
        super().setUp()
        peer = ironic39_fixtures.Ironic39(self, self.VARIABLE,
                                          dialect=self.DIALECT)
        self.nodes = self.useFixture(ironic39_fixtures.Ironic39Nodes(peer))

    def test_row_is_served_back(self):
        uuid = self.nodes.create()
        inventory, plugin_data = processed_document()
        ironic39_fixtures.write_row(self.nodes.engine,
                                    self.nodes.node_id(uuid),
                                    inventory, plugin_data)
        expected = {'inventory': inventory, 'plugin_data': plugin_data}
        self.assertEqual(expected, self.nodes.inventory_save(uuid))
        self.assertEqual((200, expected), self.nodes.inventory(uuid))

    def test_newest_row_wins(self):
        # NOTE: ironic reads the row of the newest created_at, and never
        # refused a second row for a node (node_id is not unique).
        uuid = self.nodes.create()
        node_id = self.nodes.node_id(uuid)
        table = ironic39_fixtures.node_inventory_table(self.nodes.engine)
        ironic39_fixtures.write_row(self.nodes.engine, node_id,
                                    {'hostname': 'new'}, {})
        with self.nodes.engine.begin() as conn:
            conn.execute(table.insert().values(
                node_id=node_id, version='1.1',
                created_at=datetime.datetime(2020, 1, 1),
                inventory_data='{"hostname": "old"}', plugin_data='{}'))
        self.assertEqual({'inventory': {'hostname': 'new'},
                          'plugin_data': {}},
                         self.nodes.inventory_save(uuid))

    def test_no_row_is_not_found(self):
        uuid = self.nodes.create()
        status, body = self.nodes.inventory(uuid)
        self.assertEqual(404, status, body)
        self.assertRaisesRegex(AssertionError, 'HTTP 404',
                               self.nodes.inventory_save, uuid)

    def test_row_without_version_is_refused(self):
        uuid = self.nodes.create()
        ironic39_fixtures.write_row(self.nodes.engine,
                                    self.nodes.node_id(uuid),
                                    {'hostname': 'a'}, {}, version=None)
        status, body = self.nodes.inventory(uuid)
        self.assertEqual(500, status, body)
        self.assertIn('Invalid version', body['error_message'])


class TestSqlite(DatabasePeer, testtools.TestCase):
    VARIABLE = 'IRONIC39_STATE_DIR'
    DIALECT = 'sqlite'


class TestMysql(DatabasePeer, testtools.TestCase):
    VARIABLE = 'IRONIC39_MYSQL_STATE_DIR'
    DIALECT = 'mysql'


class TestPostgresql(DatabasePeer, testtools.TestCase):
    VARIABLE = 'IRONIC39_POSTGRESQL_STATE_DIR'
    DIALECT = 'postgresql'


class TestSwift(testtools.TestCase):
    """``[inventory]data_backend = swift``: the objects
    ``inspector_data-<uuid>-inventory`` and ``-plugin``."""

    def setUp(self):
        super().setUp()
        peer = ironic39_fixtures.Ironic39(self, 'IRONIC39_SWIFT_STATE_DIR',
                                          backend='swift')
        self.swift = self.useFixture(ironic39_fixtures.Ironic39Swift(self,
                                                                     peer))
        self.nodes = self.useFixture(ironic39_fixtures.Ironic39Nodes(peer))

    def test_objects_are_served_back(self):
        uuid = self.nodes.create()
        inventory, plugin_data = processed_document()
        self.swift.write(uuid, inventory, plugin_data)
        self.assertEqual({'inventory': inventory,
                          'plugin_data': plugin_data},
                         self.nodes.inventory_save(uuid))

    def test_missing_plugin_object_fails(self):
        # NOTE: ironic 39.0.0 answers 500, not 404, when an object is
        # missing (openstacksdk returns None for it): a migration writes
        # both objects of every node.
        uuid = self.nodes.create()
        self.swift.write(uuid, {'hostname': 'a'}, {}, parts=('inventory',))
        status, body = self.nodes.inventory(uuid)
        self.assertEqual(500, status, body)
