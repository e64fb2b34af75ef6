"""Backends are found by entry point, including a third party's."""

import os

import fixtures
from oslo_utils import uuidutils

from ironic_inspector.common import exception
from ironic_inspector import storage
from ironic_inspector.storage import database
from ironic_inspector.storage import none
from ironic_inspector.test import base
from ironic_inspector.test import property_tests
from ironic_inspector.test import storage_contract
from ironic_inspector.test import third_party


class LoaderTestCase(base.TestCase):

    def test_default_is_database(self):
        self.assertIsInstance(storage.get_backend(), database.DatabaseStore)

    def test_configured_by_name(self):
        self.config(group='processing', storage_backend='none')
        backend = storage.get_backend()
        self.assertIsInstance(backend, none.NoStore)
        self.assertEqual('none', backend.name)
        self.assertIs(backend, storage.get_backend('none'))

    def test_deprecated_option_name(self):
        path = self.useFixture(fixtures.TempDir()).path
        config_file = os.path.join(path, 'inspector.conf')
        with open(config_file, 'w') as config:
            config.write('[processing]\nstore_data = none\n')
        from ironic_inspector import conf
        conf.parse_args(['--config-file', config_file],
                        default_config_files=[])
        self.addCleanup(conf.CONF.reset)
        self.assertEqual('none', conf.CONF.processing.storage_backend)
        self.assertIsInstance(storage.get_backend(), none.NoStore)

    def test_unknown_name_lists_installed(self):
        self.config(group='processing', storage_backend='tape')
        exc = self.assertRaises(exception.ConfigInvalid, storage.get_backend)
        self.assertIn('"tape"', str(exc))
        for name in ('database', 'none', 'swift'):
            self.assertIn(name, str(exc))

    def test_third_party_backend(self):
        self.useFixture(third_party.MemoryStoreFixture())
        self.assertIn('memory', storage.installed_backends())
        self.config(group='processing', storage_backend='memory')
        backend = storage.get_backend()
        self.assertEqual('MemoryStore', type(backend).__name__)
        uuid = uuidutils.generate_uuid()
        backend.save(uuid, {'logs': 'secret', 'a': 1})
        self.assertEqual({'a': 1}, backend.get(uuid))


class ThirdPartyContractTestCase(storage_contract.StorageContractTests,
                                 property_tests.RoundTripPropertyTests,
                                 base.TestCase):
    """The shared checks hold for a backend that does none of its own."""

    def setUp(self):
        self.useFixture(third_party.MemoryStoreFixture())
        super().setUp()

    def make_backend(self):
        storage.clear_cache()
        return storage.get_backend('memory')

    def make_node(self, uuid):
        pass
