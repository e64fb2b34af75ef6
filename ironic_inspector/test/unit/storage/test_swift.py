"""The swift backend's naming and configuration; the contract runs on a
real Swift in test/functional."""

from ironic_inspector.common import exception
from ironic_inspector import storage
from ironic_inspector.storage import swift
from ironic_inspector.test import base

UUID = '0d6cc5c5-1b1f-4b67-8a15-a0c0b42f2f4a'


class ObjectNameTestCase(base.TestCase):

    def test_names_of_existing_deployments(self):
        self.assertEqual('inspector_data-%s' % UUID,
                         swift.object_name(UUID, processed=True))
        self.assertEqual('inspector_data-%s-UNPROCESSED' % UUID,
                         swift.object_name(UUID, processed=False))

    def test_parse(self):
        for processed in (True, False):
            self.assertEqual((UUID, processed), swift.parse_object_name(
                swift.object_name(UUID, processed)))
        for foreign in ('other-object', 'inspector_data-not-a-uuid',
                        'inspector_data-%s-SOMETHING' % UUID):
            self.assertIsNone(swift.parse_object_name(foreign))


class ConfigurationTestCase(base.TestCase):

    def test_v1_needs_its_options(self):
        self.config(group='swift', auth_version='1',
                    v1_auth_url='http://127.0.0.1:8080/auth/v1.0')
        exc = self.assertRaises(exception.ConfigInvalid,
                                storage.get_backend, 'swift')
        self.assertIn('[swift]v1_user', str(exc))
        self.assertIn('[swift]v1_key', str(exc))

    def test_keystone_needs_auth_type(self):
        exc = self.assertRaises(exception.ConfigInvalid,
                                storage.get_backend, 'swift')
        self.assertIn('[swift]auth_type', str(exc))
