from oslo_utils import uuidutils

from ironic_inspector.common import exception
from ironic_inspector import storage
from ironic_inspector.test import base


class NoStoreTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.config(group='processing', storage_backend='none')
        self.backend = storage.get_backend()
        self.uuid = uuidutils.generate_uuid()

    def test_save_keeps_nothing(self):
        self.backend.save(self.uuid, {'a': 1})
        self.assertRaises(exception.IntrospectionDataStoreDisabled,
                          self.backend.get, self.uuid)
        self.assertIn('is not stored', self.logs.output)

    def test_delete_does_nothing(self):
        self.backend.delete(self.uuid)

    def test_input_is_still_checked(self):
        self.assertRaises(exception.InvalidUUID,
                          self.backend.save, 'bad', {'a': 1})
        self.assertRaises(exception.InvalidIntrospectionData,
                          self.backend.save, self.uuid, ['not', 'a', 'dict'])

    def test_list_is_empty(self):
        self.assertEqual([], list(self.backend.list()))
