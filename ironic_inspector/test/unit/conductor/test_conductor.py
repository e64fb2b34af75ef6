"""Remotable calls through ConductorAPI to a ConductorManager, over
oslo.messaging's in-process transport."""

import datetime

from oslo_utils import uuidutils

from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector.conductor import manager
from ironic_inspector.db import documents as db_documents
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import objects
from ironic_inspector.test import base
from ironic_inspector.test import rpc_fixtures

objects.register_all()


class ConductorTestCase(base.DbTestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(rpc_fixtures.ConductorFixture(
            topic='test-%s' % uuidutils.generate_uuid()))
        self.context = context.RequestContext()
        self.uuid = uuidutils.generate_uuid()

    def test_node_and_data_through_the_conductor(self):
        node = objects.Node(self.context, uuid=self.uuid, state='finished')
        node.create()
        self.assertEqual([self.uuid],
                         [n.uuid for n in objects.Node.list(self.context)])
        record = objects.IntrospectionData(self.context, node_uuid=self.uuid,
                                           processed=False, data={'a': 1})
        record.save()
        self.assertIsNotNone(record.updated_at)
        self.assertEqual({}, record.obj_get_changes())
        # The conductor wrote it, in this process's database.
        self.assertEqual('{"a":1}', db_documents.get_introspection_data(
            self.uuid, processed=False)['data'])
        loaded = objects.IntrospectionData.get_by_node(
            self.context, self.uuid, processed=False)
        self.assertEqual({'a': 1}, loaded.data)
        loaded.destroy()
        self.assertRaises(exception.IntrospectionDataNotFound,
                          objects.IntrospectionData.get_by_node,
                          self.context, self.uuid, processed=False)
        node.destroy()
        self.assertRaises(exception.NodeNotFound, objects.Node.get_by_uuid,
                          self.context, self.uuid)

    def test_errors_cross_the_wire(self):
        exc = self.assertRaises(
            exception.InspectorException,
            objects.IntrospectionData.get_by_node, self.context, self.uuid)
        self.assertIn(self.uuid, str(exc))


class ManagerVersionsTestCase(base.DbTestCase):
    """What a caller that knows only IntrospectionData 1.0 gets back."""

    def setUp(self):
        super().setUp()
        self.context = context.RequestContext()
        self.uuid = uuidutils.generate_uuid()
        db_nodes.create_node(self.uuid, 'finished')
        record = objects.IntrospectionData(self.context, node_uuid=self.uuid,
                                           data={'a': 1})
        record.save()
        self.manager = manager.ConductorManager()

    def _get_for(self, version):
        return self.manager.object_class_action_versions(
            self.context, 'IntrospectionData', 'get_by_node',
            {'IntrospectionData': version}, (self.uuid,), {})

    def test_old_caller_gets_1_0(self):
        primitive = self._get_for('1.0')
        self.assertEqual('1.0',
                         primitive['ironic_inspector_object.version'])
        self.assertNotIn('updated_at',
                         primitive['ironic_inspector_object.data'])

    def test_new_caller_gets_1_1(self):
        primitive = self._get_for('1.1')
        self.assertEqual('1.1',
                         primitive['ironic_inspector_object.version'])
        self.assertIn('updated_at',
                      primitive['ironic_inspector_object.data'])

    def test_pinned_conductor_sends_1_0_to_everyone(self):
        self.config(pin_release_version='1.0')
        primitive = self._get_for('1.1')
        self.assertEqual('1.0',
                         primitive['ironic_inspector_object.version'])

    def test_backport(self):
        record = objects.IntrospectionData(
            self.context, node_uuid=self.uuid, data={'a': 1},
            updated_at=datetime.datetime(2026, 1, 1))
        primitive = self.manager.object_backport_versions(
            self.context, record, {'IntrospectionData': '1.0'})
        self.assertEqual('1.0',
                         primitive['ironic_inspector_object.version'])
