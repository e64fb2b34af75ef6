"""Backends are found by entry point, including a third party's."""

import importlib
import os
import textwrap

import fixtures
from oslo_utils import uuidutils

from ironic_inspector.common import exception
from ironic_inspector import storage
from ironic_inspector.storage import database
from ironic_inspector.storage import none
from ironic_inspector.test import base
from ironic_inspector.test import storage_contract

# A complete third-party backend: documents in a dict.
_MEMORY_STORE = '''
from ironic_inspector.common import exception
from ironic_inspector.storage import base


class MemoryStore(base.StorageBackend):

    def __init__(self, conf):
        super().__init__(conf)
        self.documents = {}

    def _read(self, node_uuid, processed):
        try:
            return base.StoredDocument(
                self.documents[node_uuid, processed], None, None)
        except KeyError:
            raise exception.IntrospectionDataNotFound(
                node_uuid=node_uuid, processed=processed)

    def _write(self, node_uuid, document, processed, version):
        self.documents[node_uuid, processed] = document

    def _delete(self, node_uuid, processed):
        for kind in ((True, False) if processed is None else (processed,)):
            self.documents.pop((node_uuid, kind), None)
'''


class ThirdPartyBackendFixture(fixtures.Fixture):
    """Installs a distribution declaring a ``memory`` backend.

    A real distribution on ``sys.path`` (a module and its dist-info with
    an entry_points.txt), found by stevedore as any installed one is.
    """

    def _setUp(self):
        path = self.useFixture(fixtures.TempDir()).path
        with open(os.path.join(path, 'memory_store.py'), 'w') as module:
            module.write(_MEMORY_STORE)
        dist_info = os.path.join(path, 'memory_store-1.0.dist-info')
        os.mkdir(dist_info)
        with open(os.path.join(dist_info, 'METADATA'), 'w') as metadata:
            metadata.write('Metadata-Version: 2.1\nName: memory-store\n'
                           'Version: 1.0\n')
        with open(os.path.join(dist_info, 'entry_points.txt'), 'w') as eps:
            eps.write(textwrap.dedent('''\
                [%s]
                memory = memory_store:MemoryStore
                ''' % storage.NAMESPACE))
        self.useFixture(fixtures.PythonPathEntry(path))
        importlib.invalidate_caches()
        self.addCleanup(importlib.invalidate_caches)
        # NOTE: stevedore remembers a namespace's entry points for the life
        # of the process; a service sees the distributions installed when
        # it started, this test one installed after.
        self.useFixture(fixtures.MonkeyPatch(
            'stevedore.ExtensionManager.ENTRY_POINT_CACHE', {}))


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
        self.useFixture(ThirdPartyBackendFixture())
        self.assertIn('memory', storage.installed_backends())
        self.config(group='processing', storage_backend='memory')
        backend = storage.get_backend()
        self.assertEqual('MemoryStore', type(backend).__name__)
        uuid = uuidutils.generate_uuid()
        backend.save(uuid, {'logs': 'secret', 'a': 1})
        self.assertEqual({'a': 1}, backend.get(uuid))


class ThirdPartyContractTestCase(storage_contract.StorageContractTests,
                                 base.TestCase):
    """The shared checks hold for a backend that does none of its own."""

    def setUp(self):
        self.useFixture(ThirdPartyBackendFixture())
        super().setUp()

    def make_backend(self):
        storage.clear_cache()
        return storage.get_backend('memory')

    def make_node(self, uuid):
        pass
