"""The ``none`` backend: introspection data is not kept."""

import logging

from ironic_inspector.common import exception
from ironic_inspector.storage import base

LOG = logging.getLogger(__name__)


class NoStore(base.StorageBackend):
    """Keeps nothing; reads say that storage is disabled."""

    keeps_data = False

    def _read(self, node_uuid, processed):
        raise exception.IntrospectionDataStoreDisabled()

    def _write(self, node_uuid, document, processed, version):
        LOG.debug('Introspection data of node %s is not stored: the '
                  'storage backend is "none"', node_uuid)

    def _delete(self, node_uuid, processed):
        return 0

    def purge(self, before):
        return base.PurgeResult(deleted=0, undated=0)

    def list(self):
        return iter(())
