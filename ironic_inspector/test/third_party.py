"""A third-party storage backend, installed for real in a test.

A distribution on ``sys.path`` (a module and its dist-info with an
entry_points.txt), found by stevedore as any installed one is. Its backend
keeps documents in a dict, so it also serves tests that need a second,
independent store.
"""

import importlib
import os
import textwrap

import fixtures

from ironic_inspector import storage

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


class MemoryStoreFixture(fixtures.Fixture):
    """Installs a distribution declaring the ``memory`` backend."""

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
