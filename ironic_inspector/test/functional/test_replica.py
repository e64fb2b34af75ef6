"""Reads from a PostgreSQL streaming replica ([database]slave_connection).

The replica is paused (pg_wal_replay_pause()) so that it lags for sure:
a read that must see the caller's own write still finds it, on the
primary, while the reads that may be stale (listings, counts, a
migration's source reads) come from the replica and miss it.
"""

from oslo_utils import uuidutils

from ironic_inspector.common import context
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import objects
from ironic_inspector import storage
from ironic_inspector.test import base
from ironic_inspector.test import commands
from ironic_inspector.test import topology_fixtures

objects.register_all()


class ReplicaReadsTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.pair = topology_fixtures.PostgresqlReplica(self)
        database = self.useFixture(topology_fixtures.ScratchDatabase(
            self.pair.primary_url))
        # oslo.db connects to both servers when it starts.
        self.pair.wait_replayed()
        self.useFixture(commands.CommandFixture({'database': {
            'connection': database.url,
            'slave_connection': database.url_at(self.pair.replica_url),
        }})).use_database()
        self.backend = storage.get_backend('database')
        self.context = context.RequestContext()
        self.node = uuidutils.generate_uuid()
        db_nodes.create_node(self.node, 'finished')
        self.backend.save(self.node, {'generation': 1})
        self.pair.wait_replayed()
        self.pair.pause_replay()
        self.addCleanup(self.pair.resume_replay)

    def _listed(self):
        return {info.node_uuid for info in self.backend.list()}

    def test_own_write_is_read_from_the_primary(self):
        objects.IntrospectionData(self.context, node_uuid=self.node,
                                  data={'generation': 2}).save()
        self.assertEqual({'generation': 2}, objects.IntrospectionData
                         .get_by_node(self.context, self.node).data)
        self.assertEqual({'generation': 2}, self.backend.get(self.node))
        # A migration's source read may be stale: the replica's copy.
        self.assertEqual({'generation': 1},
                         self.backend.get(self.node, may_be_stale=True))

    def test_listings_are_read_from_the_replica(self):
        added = uuidutils.generate_uuid()
        objects.Node(self.context, uuid=added, state='finished').create()
        self.backend.save(added, {'generation': 1})
        # The node is there for whoever must see it...
        self.assertEqual(added, objects.Node.get_by_uuid(self.context,
                                                         added).uuid)
        # ...and not yet in what reports and migrations list.
        self.assertEqual({self.node}, self._listed())
        self.assertEqual([self.node],
                         [node.uuid for node in objects.Node.list(
                             self.context)])
        self.assertEqual(1, db_nodes.count_nodes())
        self.assertEqual([self.node], list(db_nodes.iter_node_uuids()))
        self.pair.resume_replay()
        self.pair.wait_replayed()
        self.assertEqual({self.node, added}, self._listed())
        self.assertEqual(2, db_nodes.count_nodes())
