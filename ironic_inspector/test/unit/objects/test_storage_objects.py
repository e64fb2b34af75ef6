"""IntrospectionData and Node against the real backends (SQLite here)."""

from oslo_utils import uuidutils

from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector.db import documents as db_documents
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import objects
from ironic_inspector import storage
from ironic_inspector.test import base
from ironic_inspector.test import third_party

objects.register_all()


class ObjectTestCase(base.DbTestCase):

    def setUp(self):
        super().setUp()
        self.context = context.RequestContext()
        self.uuid = uuidutils.generate_uuid()
        self.node = objects.Node(self.context, uuid=self.uuid,
                                 state='finished')
        self.node.create()

    def _save(self, data, processed=True):
        record = objects.IntrospectionData(self.context, node_uuid=self.uuid,
                                           processed=processed, data=data)
        record.save()
        return record


class IntrospectionDataTestCase(ObjectTestCase):

    def test_save_and_get(self):
        saved = self._save({'a': 1, 'logs': 'secret'}, processed=False)
        self.assertIsNotNone(saved.updated_at)
        record = objects.IntrospectionData.get_by_node(
            self.context, self.uuid, processed=False)
        self.assertEqual({'a': 1}, record.data)
        self.assertFalse(record.processed)
        self.assertIsNotNone(record.created_at)
        self.assertEqual({}, record.obj_get_changes())

    def test_replace_keeps_created_at(self):
        self._save({'generation': 1})
        first = objects.IntrospectionData.get_by_node(self.context, self.uuid)
        first.data = {'generation': 2}
        first.save()
        second = objects.IntrospectionData.get_by_node(self.context,
                                                       self.uuid)
        self.assertEqual({'generation': 2}, second.data)
        self.assertEqual(first.created_at, second.created_at)

    def test_values_json_cannot_carry_are_refused_on_save(self):
        self._save({'generation': 1})
        too_deep = {}
        for _ in range(1000):
            too_deep = {'a': too_deep}
        for bad in ({'a': float('nan')}, {'a': [float('-inf')]},
                    {'a': object()}, {'a': '\ud800'}, too_deep):
            record = objects.IntrospectionData(
                self.context, node_uuid=self.uuid, data=bad)
            self.assertRaises(exception.InvalidIntrospectionData,
                              record.save)
        stored = objects.IntrospectionData.get_by_node(self.context,
                                                       self.uuid)
        self.assertEqual({'generation': 1}, stored.data)

    def test_value_changed_after_assignment_is_checked(self):
        record = self._save({'sizes': [1.5]})
        record.data['sizes'].append(float('nan'))
        self.assertRaises(exception.InvalidIntrospectionData, record.save)
        stored = objects.IntrospectionData.get_by_node(self.context,
                                                       self.uuid)
        self.assertEqual({'sizes': [1.5]}, stored.data)

    def test_destroy(self):
        record = self._save({'a': 1})
        self._save({'b': 2}, processed=False)
        record.destroy()
        self.assertRaises(exception.IntrospectionDataNotFound,
                          objects.IntrospectionData.get_by_node,
                          self.context, self.uuid)
        self.assertEqual({'b': 2}, objects.IntrospectionData.get_by_node(
            self.context, self.uuid, processed=False).data)

    def test_written_in_target_version(self):
        self._save({'a': 1})
        self.assertEqual('1.1',
                         db_documents.get_introspection_data(
                             self.uuid)['version'])
        self.config(pin_release_version='1.0')
        self._save({'a': 2})
        self.assertEqual('1.0',
                         db_documents.get_introspection_data(
                             self.uuid)['version'])

    def test_unknown_node(self):
        record = objects.IntrospectionData(
            self.context, node_uuid=uuidutils.generate_uuid(), data={})
        self.assertRaises(exception.NodeNotFound, record.save)

    def test_none_backend(self):
        self.config(group='processing', storage_backend='none')
        self._save({'a': 1})
        self.assertRaises(exception.IntrospectionDataStoreDisabled,
                          objects.IntrospectionData.get_by_node,
                          self.context, self.uuid)

    def test_reads_through_the_fallback(self):
        self.useFixture(third_party.MemoryStoreFixture())
        storage.get_backend('memory').save(self.uuid, {'old': True})
        self.config(group='processing', storage_read_fallback=['memory'],
                    storage_migrate_on_read=True)
        record = objects.IntrospectionData.get_by_node(self.context,
                                                       self.uuid)
        self.assertEqual({'old': True}, record.data)
        self.assertEqual({'old': True},
                         storage.get_backend('database').get(self.uuid))


class NodeTestCase(ObjectTestCase):

    def test_get_list_save(self):
        node = objects.Node.get_by_uuid(self.context, self.uuid.upper())
        self.assertEqual(('finished', None), (node.state, node.error))
        node.state = 'error'
        node.error = 'the BMC went away'
        node.save()
        again = objects.Node.get_by_uuid(self.context, self.uuid)
        self.assertEqual(('error', 'the BMC went away'),
                         (again.state, again.error))
        self.assertEqual([self.uuid],
                         [n.uuid for n in objects.Node.list(self.context)])

    def test_create_twice(self):
        twin = objects.Node(self.context, uuid=self.uuid, state='starting')
        self.assertRaises(exception.NodeAlreadyExists, twin.create)

    def test_destroy_removes_data_with_the_database(self):
        self._save({'a': 1})
        self._save({'b': 2}, processed=False)
        self.node.destroy()
        self.assertRaises(exception.NodeNotFound, objects.Node.get_by_uuid,
                          self.context, self.uuid)
        self.assertEqual([], db_documents.list_introspection_data())

    def test_destroy_removes_data_from_another_backend(self):
        self.useFixture(third_party.MemoryStoreFixture())
        self.config(group='processing', storage_backend='memory')
        self._save({'a': 1})
        memory = storage.get_backend('memory')
        self.assertEqual({'a': 1}, memory.get(self.uuid))
        self.node.destroy()
        self.assertEqual({}, memory.documents)
        self.assertRaises(exception.NodeNotFound, db_nodes.get_node, self.uuid)

    def test_failed_data_deletion_keeps_the_node(self):
        self.useFixture(third_party.MemoryStoreFixture())
        self.config(group='processing', storage_backend='memory')
        memory = storage.get_backend('memory')

        def refuse(node_uuid, processed):
            raise memory.error(node_uuid, 'delete', 'read-only')

        memory._delete = refuse
        self.assertRaises(exception.StorageBackendError, self.node.destroy)
        self.assertEqual(self.uuid, db_nodes.get_node(self.uuid)['uuid'])
