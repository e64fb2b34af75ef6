"""db.nodes on SQLite; test/functional runs it on MariaDB and PostgreSQL.

The lookup data are tested through the Node object, in
test/unit/objects/test_node.py.
"""

import datetime
import threading

from oslo_utils import uuidutils

from ironic_inspector.common import exception
from ironic_inspector.db import engine as db_engine
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector.test import base


class NodesTestCase(base.DbTestCase):

    def setUp(self):
        super().setUp()
        self.uuid = uuidutils.generate_uuid()

    def test_create_and_get(self):
        started = datetime.datetime(2026, 1, 2, 3, 4, 5)
        db_nodes.create_node(self.uuid, 'starting', started_at=started,
                             version='1.0')
        node = db_nodes.get_node(self.uuid)
        self.assertEqual('starting', node['state'])
        self.assertEqual(started, node['started_at'])
        self.assertIsNone(node['finished_at'])
        self.assertEqual('1.0', node['version'])
        self.assertIsNotNone(node['created_at'])

    def test_create_twice(self):
        db_nodes.create_node(self.uuid, 'starting')
        self.assertRaises(exception.NodeAlreadyExists,
                          db_nodes.create_node, self.uuid, 'waiting')
        self.assertEqual('starting', db_nodes.get_node(self.uuid)['state'])

    def test_get_unknown(self):
        exc = self.assertRaises(exception.NodeNotFound,
                                db_nodes.get_node, self.uuid)
        self.assertIn(self.uuid, str(exc))

    def test_update(self):
        db_nodes.create_node(self.uuid, 'starting')
        node = db_nodes.update_node(self.uuid, state='error', error='boom')
        self.assertEqual(('error', 'boom'), (node['state'], node['error']))

    def test_update_unknown(self):
        self.assertRaises(exception.NodeNotFound,
                          db_nodes.update_node, self.uuid, state='error')

    def test_list_and_iterate(self):
        uuids = sorted(uuidutils.generate_uuid() for _ in range(7))
        for uuid in uuids:
            db_nodes.create_node(uuid, 'finished')
        self.assertEqual(uuids, [n['uuid'] for n in db_nodes.list_nodes()])
        self.assertEqual(uuids, list(db_nodes.iter_node_uuids(batch_size=3)))
        self.assertEqual(uuids, list(db_nodes.iter_node_uuids(batch_size=7)))

    def test_delete(self):
        db_nodes.create_node(self.uuid, 'finished')
        db_nodes.delete_node(self.uuid)
        self.assertRaises(exception.NodeNotFound, db_nodes.get_node, self.uuid)
        self.assertRaises(exception.NodeNotFound,
                          db_nodes.delete_node, self.uuid)

    def test_time_out_concurrently_once_each(self):
        # Several services run the clean-up at the same time: every due
        # node is timed out by exactly one of them. (The unit tests'
        # SQLite is one in-memory connection: MariaDB and PostgreSQL run
        # this, in test/functional/test_db.py.)
        if db_engine.get_engine().dialect.name == 'sqlite':
            self.skipTest('one SQLite connection cannot be shared by threads')
        started = datetime.datetime(2026, 1, 1)
        due = sorted(uuidutils.generate_uuid() for _ in range(40))
        for uuid in due:
            db_nodes.create_node(uuid, 'waiting', started_at=started)
        db_nodes.create_node(self.uuid, 'waiting',
                             started_at=datetime.datetime(2026, 1, 2))
        timed_out = []

        def clean_up():
            while True:
                batch = db_nodes.time_out_nodes(
                    datetime.datetime(2026, 1, 2), 'Introspection timeout',
                    limit=3)
                timed_out.extend(batch)
                if not batch:
                    return

        threads = [threading.Thread(target=clean_up) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(due, sorted(timed_out))
        self.assertEqual({'error'}, {db_nodes.get_node(uuid)['state']
                                     for uuid in due})
        self.assertEqual('waiting', db_nodes.get_node(self.uuid)['state'])
