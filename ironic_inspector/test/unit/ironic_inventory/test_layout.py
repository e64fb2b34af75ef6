"""What ironic is given of a node's documents."""

import testtools

from ironic_inspector.ironic_inventory import layout


class FromDocumentsTestCase(testtools.TestCase):

    processed = {'inventory': {'cpu': {'count': 8}}, 'cpus': 8,
                 'root_disk': {'name': '/dev/sda'}}
    unprocessed = {'inventory': {'cpu': {'count': 4}}, 'boot_interface': 'x'}

    def test_processed_document_split_as_ironic_did(self):
        data = layout.from_documents(self.processed, self.unprocessed)
        self.assertEqual({'cpu': {'count': 8}}, data.inventory)
        self.assertEqual({'cpus': 8, 'root_disk': {'name': '/dev/sda'}},
                         data.plugin_data)

    def test_unprocessed_inventory_without_processed_document(self):
        data = layout.from_documents(None, self.unprocessed)
        self.assertEqual({'cpu': {'count': 4}}, data.inventory)
        self.assertEqual({}, data.plugin_data)

    def test_processed_document_without_inventory(self):
        processed = {'cpus': 8}
        data = layout.from_documents(processed, self.unprocessed)
        self.assertEqual({'cpu': {'count': 4}}, data.inventory)
        self.assertEqual({'cpus': 8}, data.plugin_data)

    def test_no_inventory_anywhere(self):
        self.assertIsNone(layout.from_documents({'cpus': 8}, {'x': 1}))
        self.assertIsNone(layout.from_documents(None, None))

    def test_documents_left_unchanged(self):
        layout.from_documents(self.processed)
        self.assertIn('inventory', self.processed)
