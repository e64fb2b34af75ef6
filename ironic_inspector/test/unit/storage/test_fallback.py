"""Reading through [processing]storage_read_fallback while switching."""

from oslo_utils import uuidutils

from ironic_inspector.common import exception
from ironic_inspector.db import documents as db_documents
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import storage
from ironic_inspector.test import base
from ironic_inspector.test import third_party


class ReadFallbackTestCase(base.DbTestCase):
    """The deployment moves from the ``memory`` store to the database."""

    def setUp(self):
        super().setUp()
        self.useFixture(third_party.MemoryStoreFixture())
        self.config(group='processing', storage_backend='database',
                    storage_read_fallback=['memory'])
        self.uuid = uuidutils.generate_uuid()
        db_nodes.create_node(self.uuid, 'finished')
        self.old = storage.get_backend('memory')
        self.new = storage.get_backend('database')
        self.old.save(self.uuid, {'from': 'old'}, processed=False)

    def test_configured_backend_first(self):
        self.new.save(self.uuid, {'from': 'new'}, processed=False)
        self.assertEqual({'from': 'new'}, storage.read_document(
            self.uuid, processed=False).data)

    def test_fallback_without_copy(self):
        self.assertEqual({'from': 'old'}, storage.read_document(
            self.uuid, processed=False).data)
        self.assertRaises(exception.IntrospectionDataNotFound,
                          self.new.get, self.uuid, processed=False)

    def test_migrate_on_read(self):
        self.config(group='processing', storage_migrate_on_read=True)
        storage.read_document(self.uuid, processed=False, version='1.1')
        self.assertEqual({'from': 'old'},
                         self.new.get(self.uuid, processed=False))
        self.assertEqual('1.1', db_documents.get_introspection_data(
            self.uuid, processed=False)['version'])
        # The source keeps its copy.
        self.assertEqual({'from': 'old'},
                         self.old.get(self.uuid, processed=False))

    def test_failed_copy_still_returns_the_document(self):
        self.config(group='processing', storage_migrate_on_read=True)
        db_nodes.delete_node(self.uuid)   # the database refuses the copy
        self.assertEqual({'from': 'old'}, storage.read_document(
            self.uuid, processed=False).data)
        self.assertIn('Cannot copy introspection data', self.logs.output)

    def test_missing_everywhere(self):
        self.assertRaises(exception.IntrospectionDataNotFound,
                          storage.read_document, self.uuid, processed=True)

    def test_no_fallback_configured(self):
        self.config(group='processing', storage_read_fallback=[])
        self.assertRaises(exception.IntrospectionDataNotFound,
                          storage.read_document, self.uuid, processed=False)
