"""Node: lookup data, lookup and the locking state changes (SQLite here;
test/functional runs the same on MariaDB and PostgreSQL)."""

from oslo_utils import uuidutils

from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import objects
from ironic_inspector.test import base
from ironic_inspector.test import db_fixtures

objects.register_all()

MACS = ['52:54:00:00:00:01', '52:54:00:00:00:02']


class NodeTestCase(base.DbTestCase):

    def setUp(self):
        super().setUp()
        self.context = context.RequestContext()
        self.uuid = uuidutils.generate_uuid()

    def create(self, uuid=None, state='waiting', **lookup):
        node = objects.Node(self.context, uuid=uuid or self.uuid,
                            state=state, **lookup)
        node.create()
        return node


class LookupDataTestCase(NodeTestCase):

    def test_created_with_lookup_data(self):
        self.create(macs=['52:54:00:00:00:02', '52:54:00:AA:00:01'],
                    bmc_addresses=['192.0.2.1', 'FD00:0::1'])
        node = objects.Node.get_by_uuid(self.context, self.uuid)
        self.assertEqual(['52:54:00:00:00:02', '52:54:00:aa:00:01'],
                         node.macs)
        self.assertEqual(['192.0.2.1', 'fd00::1'], node.bmc_addresses)
        self.assertEqual({'bmc_address': ['192.0.2.1', 'fd00::1'],
                          'mac': ['52:54:00:00:00:02', '52:54:00:aa:00:01']},
                         db_nodes.get_lookup_data([self.uuid])[self.uuid])

    def test_created_node_has_every_field(self):
        node = self.create(macs=MACS)
        self.assertEqual((None, None, None, MACS, []),
                         (node.started_at, node.finished_at, node.error,
                          node.macs, node.bmc_addresses))
        self.assertEqual({}, node.obj_get_changes())

    def test_without_lookup_data(self):
        self.create()
        node = objects.Node.get_by_uuid(self.context, self.uuid)
        self.assertEqual(([], []), (node.macs, node.bmc_addresses))

    def test_invalid_values(self):
        for field, bad in (('macs', ['52:54:00:00:00']),
                           ('macs', ['52-54-00-00-00-01']),
                           ('macs', [42]),
                           ('bmc_addresses', ['bmc.example.com']),
                           ('bmc_addresses', [3232235521])):
            error = self.assertRaises(exception.InvalidLookupData,
                                      objects.Node, self.context,
                                      uuid=self.uuid, state='waiting',
                                      **{field: bad})
            self.assertIn(repr(bad[0]), str(error))

    def test_value_of_another_node_is_refused(self):
        other = uuidutils.generate_uuid()
        self.create(uuid=other, macs=MACS[:1])
        error = self.assertRaises(exception.LookupDataInUse, self.create,
                                  macs=MACS)
        self.assertEqual('mac %s is already used by node %s.'
                         % (MACS[0], other), str(error))
        self.assertRaises(exception.NodeNotFound, objects.Node.get_by_uuid,
                          self.context, self.uuid)

    def test_list_carries_lookup_data(self):
        self.create(macs=MACS)
        self.create(uuid=uuidutils.generate_uuid())
        nodes = {node.uuid: node for node in objects.Node.list(self.context)}
        self.assertEqual(MACS, nodes.pop(self.uuid).macs)
        self.assertEqual([[]], [node.macs for node in nodes.values()])

    def test_deleted_with_the_node(self):
        self.create(macs=MACS).destroy()
        self.assertEqual({}, db_nodes.get_lookup_data())

    def test_lookup_data_cannot_change(self):
        node = self.create(macs=MACS)
        node.macs = MACS[:1]
        self.assertRaises(ValueError, node.save)

    def test_1_0_has_no_lookup_data(self):
        node = self.create(macs=MACS, bmc_addresses=['192.0.2.1'])
        primitive = node.obj_to_primitive(target_version='1.0')
        data = primitive['ironic_inspector_object.data']
        self.assertEqual({'uuid', 'state'}, set(data) & {'uuid', 'state',
                                                         'macs',
                                                         'bmc_addresses'})


class LookupTestCase(NodeTestCase):

    def setUp(self):
        super().setUp()
        self.other = uuidutils.generate_uuid()
        self.create(macs=MACS, bmc_addresses=['192.0.2.1'])
        self.create(uuid=self.other, macs=['52:54:00:00:00:03'],
                    bmc_addresses=['192.0.2.2'])

    def test_by_any_mac_or_bmc_address(self):
        for lookup in ({'macs': [MACS[1]]},
                       {'macs': ['52:54:00:00:00:09', MACS[0].upper()]},
                       {'bmc_addresses': ['192.0.2.1']},
                       {'bmc_addresses': ['192.0.2.1'], 'macs': MACS}):
            self.assertEqual(self.uuid, objects.Node.lookup(
                self.context, **lookup).uuid, lookup)
        found = objects.Node.lookup(self.context,
                                    bmc_addresses=['192.0.2.2'])
        self.assertEqual((self.other, ['52:54:00:00:00:03']),
                         (found.uuid, found.macs))

    def test_one_query(self):
        with db_fixtures.StatementCounter(self.engine) as counter:
            db_nodes.find_nodes({'bmc_address': ['192.0.2.1', 'fd00::1'],
                                 'mac': MACS + ['52:54:00:00:00:03']})
        queries = [s for s in counter.statements if s.startswith('SELECT')]
        self.assertEqual(1, len(queries), counter.statements)
        self.assertIn('FROM attributes', queries[0])

    def test_best_match_wins_and_a_tie_fails(self):
        found = objects.Node.lookup(
            self.context, bmc_addresses=['192.0.2.2'], macs=MACS)
        self.assertEqual(self.uuid, found.uuid)
        error = self.assertRaises(
            exception.NodeLookupFailed, objects.Node.lookup, self.context,
            bmc_addresses=['192.0.2.2'], macs=MACS[:1])
        self.assertIn('nodes %s match as many of them'
                      % ', '.join(sorted([self.uuid, self.other])),
                      str(error))

    def test_nothing_found(self):
        error = self.assertRaises(
            exception.NodeLookupFailed, objects.Node.lookup, self.context,
            bmc_addresses=['192.0.2.9', 'not-an-address'],
            macs=['52:54:00:00:00:09', 'garbage'])
        self.assertEqual('Could not find a node for bmc_address 192.0.2.9; '
                         'mac 52:54:00:00:00:09: no node in the node cache '
                         'has them', str(error))
        self.assertEqual(404, error.code)
        error = self.assertRaises(exception.NodeLookupFailed,
                                  objects.Node.lookup, self.context)
        self.assertIn('no BMC address or MAC', str(error))


class LockingTestCase(NodeTestCase):

    def test_processing_a_waiting_node(self):
        node = self.create()
        node.start_processing()
        self.assertEqual('processing', node.state)
        second = objects.Node.get_by_uuid(self.context, self.uuid)
        error = self.assertRaises(exception.NodeLocked,
                                  second.start_processing)
        self.assertEqual(409, error.code)
        self.assertRaises(exception.NodeLocked, second.start_reapply)
        node.finish()
        self.assertEqual('finished', node.state)
        self.assertIsNotNone(node.finished_at)
        error = self.assertRaises(exception.NodeStateInvalid,
                                  second.start_processing)
        self.assertEqual('Node %s is finished; processing needs it to be '
                         'waiting.' % self.uuid, str(error))
        self.assertEqual(400, error.code)

    def test_reapply_and_error(self):
        node = self.create(state='error')
        node.start_reapply()
        self.assertEqual(('reapplying', None, None),
                         (node.state, node.error, node.finished_at))
        node.finish(error='boom')
        node = objects.Node.get_by_uuid(self.context, self.uuid)
        self.assertEqual(('error', 'boom'), (node.state, node.error))
        node.start_reapply()
        node.finish()
        self.assertEqual(('finished', None), (node.state, node.error))

    def test_finish_needs_a_lock(self):
        node = self.create()
        self.assertRaises(exception.NodeStateInvalid, node.finish)
        self.assertEqual('waiting', objects.Node.get_by_uuid(
            self.context, self.uuid).state)

    def test_gone_node(self):
        node = self.create()
        node.destroy()
        self.assertRaises(exception.NodeNotFound, node.start_processing)

    def test_one_conditional_update(self):
        node = self.create()
        with db_fixtures.StatementCounter(self.engine) as counter:
            node.start_processing()
        updates = [s for s in counter.statements
                   if s.lstrip().upper().startswith('UPDATE')]
        self.assertEqual(1, len(updates))
        self.assertIn('WHERE nodes.uuid = ', updates[0])
        self.assertIn('nodes.state IN', updates[0])
