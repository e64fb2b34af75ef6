"""An introspection's life in the node cache, on SQLite: started,
aborted, timed out, listed; test/functional runs the timeouts on MariaDB
and PostgreSQL with services racing."""

import datetime

from oslo_utils import timeutils
from oslo_utils import uuidutils

from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import objects
from ironic_inspector.test import base

MAC = '52:54:00:12:34:56'


class LifecycleTestCase(base.DbTestCase):

    def setUp(self):
        super().setUp()
        self.context = context.RequestContext()
        self.uuid = uuidutils.generate_uuid()

    def _start(self, uuid=None, macs=(MAC,), bmc_addresses=(), **kwargs):
        return objects.Node.start_introspection(
            self.context, uuid or self.uuid, bmc_addresses=bmc_addresses,
            macs=macs, **kwargs)

    def _store(self, processed):
        objects.IntrospectionData(self.context, node_uuid=self.uuid,
                                  processed=processed,
                                  data={'run': 1}).save()

    def test_start_makes_a_waiting_node_found_by_its_lookup_data(self):
        node = self._start(bmc_addresses=['192.0.2.1'], manage_boot=False)
        self.assertEqual(('waiting', False), (node.state, node.manage_boot))
        self.assertIsNotNone(node.started_at)
        found = objects.Node.lookup(self.context, macs=[MAC])
        self.assertEqual(self.uuid, found.uuid)
        self.assertEqual(['192.0.2.1'], found.bmc_addresses)

    def test_start_again_replaces_the_earlier_run(self):
        self._start(macs=[MAC, '52:54:00:00:00:02'])
        node = objects.Node.get_by_uuid(self.context, self.uuid)
        node.start_processing()
        self._store(False)
        self._store(True)
        node.finish(error='boom')
        again = self._start(macs=[MAC])
        self.assertEqual(('waiting', None, None),
                         (again.state, again.error, again.finished_at))
        self.assertEqual([MAC], objects.Node.get_by_uuid(
            self.context, self.uuid).macs)
        for processed in (False, True):
            self.assertRaises(exception.IntrospectionDataNotFound,
                              objects.IntrospectionData.get_by_node,
                              self.context, self.uuid, processed=processed)

    def test_start_refused_while_processed(self):
        self._start()
        objects.Node.get_by_uuid(self.context, self.uuid).start_processing()
        self.assertRaises(exception.NodeLocked, self._start)
        self.assertEqual('processing', db_nodes.get_node(self.uuid)['state'])

    def test_start_refused_when_another_node_has_the_mac(self):
        self._start(uuid=uuidutils.generate_uuid())
        exc = self.assertRaises(exception.LookupDataInUse, self._start)
        self.assertIn(MAC, str(exc))
        self.assertRaises(exception.NodeNotFound, db_nodes.get_node,
                          self.uuid)

    def test_abort_a_waiting_node(self):
        node = self._start()
        self.assertTrue(node.abort())
        self.assertEqual(('error', 'Canceled by operator', []),
                         (node.state, node.error, node.macs))
        self.assertIsNotNone(node.finished_at)
        self.assertRaises(exception.NodeLookupFailed, objects.Node.lookup,
                          self.context, macs=[MAC])

    def test_abort_leaves_a_finished_node(self):
        node = self._start()
        node.start_processing()
        node.finish()
        self.assertFalse(node.abort())
        self.assertEqual(('finished', None), (node.state, node.error))

    def test_abort_refused_while_processed(self):
        node = self._start()
        node.start_processing()
        self.assertRaises(exception.NodeLocked, node.abort)

    def test_time_out_once(self):
        old = [uuidutils.generate_uuid() for _ in range(3)]
        for number, uuid in enumerate(old):
            self._start(uuid=uuid, macs=['52:54:00:00:00:%02x' % number])
        objects.Node.get_by_uuid(self.context, old[0]).start_processing()
        cutoff = timeutils.utcnow() + datetime.timedelta(microseconds=1)
        self._start()
        db_nodes.update_node(self.uuid, started_at=cutoff)
        timed_out = objects.Node.time_out(self.context, cutoff, 2)
        timed_out += objects.Node.time_out(self.context, cutoff, 2)
        self.assertEqual(sorted(old), sorted(timed_out))
        self.assertEqual([], objects.Node.time_out(self.context, cutoff, 2))
        for uuid in old:
            node = objects.Node.get_by_uuid(self.context, uuid)
            self.assertEqual(('error', 'Introspection timeout', []),
                             (node.state, node.error, node.macs))
        self.assertEqual('waiting', db_nodes.get_node(self.uuid)['state'])

    def test_destroy_many_spares_nodes_added_since(self):
        before = self._start(uuid=uuidutils.generate_uuid(), macs=[])
        cutoff = timeutils.utcnow() + datetime.timedelta(microseconds=1)
        self._start(macs=[])
        db_nodes.update_node(self.uuid, created_at=cutoff)
        self.assertEqual(1, objects.Node.destroy_many(
            self.context, [before.uuid, self.uuid], cutoff))
        self.assertEqual([self.uuid],
                         [n['uuid'] for n in db_nodes.list_nodes()])

    def test_list_newest_first_in_pages(self):
        uuids = []
        for number in range(5):
            uuid = uuidutils.generate_uuid()
            self._start(uuid=uuid, macs=[])
            db_nodes.update_node(uuid, started_at=datetime.datetime(
                2026, 1, 1, 0, number))
            uuids.insert(0, uuid)
        db_nodes.update_node(uuids[1], state='finished')
        listed = objects.Node.list_introspections(self.context, limit=2)
        self.assertEqual(uuids[:2], [node.uuid for node in listed])
        listed = objects.Node.list_introspections(
            self.context, marker=uuids[1], limit=10)
        self.assertEqual(uuids[2:], [node.uuid for node in listed])
        listed = objects.Node.list_introspections(self.context,
                                                  states=['finished'])
        self.assertEqual([uuids[1]], [node.uuid for node in listed])
        self.assertRaises(exception.NodeNotFound,
                          objects.Node.list_introspections, self.context,
                          marker=uuidutils.generate_uuid())
