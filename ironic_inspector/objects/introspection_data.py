"""IntrospectionData: one node's processed or unprocessed document."""

from oslo_utils import timeutils
from oslo_utils import versionutils

from ironic_inspector.objects import base
from ironic_inspector.objects import fields
from ironic_inspector import storage


@base.InspectorObjectRegistry.register
class IntrospectionData(base.InspectorObject):
    """A document kept by the configured storage backend.

    The object holds no SQL and no Swift calls: it delegates to
    :func:`ironic_inspector.storage.get_backend` (reads also go through
    ``[processing]storage_read_fallback``).
    """

    # Version 1.0: node_uuid, processed, data (the spec's fields)
    # Version 1.1: adds created_at, updated_at
    VERSION = '1.1'

    fields = {
        'node_uuid': fields.NodeUUIDField(nullable=False),
        'processed': fields.BooleanField(nullable=False, default=True),
        'data': fields.JsonObjectField(nullable=False),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    def __init__(self, context=None, **kwargs):
        super().__init__(context, **kwargs)
        self.obj_set_defaults('processed')

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop('created_at', None)
            primitive.pop('updated_at', None)

    @classmethod
    @base.remotable
    def get_by_node(cls, context, node_uuid, processed=True):
        """A node's document.

        :raises: InvalidUUID, IntrospectionDataNotFound,
            IntrospectionDataStoreDisabled, StorageBackendError
        """
        stored = storage.read_document(node_uuid, processed,
                                       version=cls.get_target_version())
        record = cls(context, node_uuid=node_uuid, processed=processed,
                     data=stored.data,
                     created_at=stored.created_at,
                     updated_at=stored.updated_at)
        record.obj_reset_changes()
        return record

    @base.remotable
    def save(self):
        """Create or replace the document in the configured backend.

        ``updated_at`` becomes the time of this save as this process sees
        it (the backend's own clock may differ by milliseconds).

        :raises: InvalidIntrospectionData, NodeNotFound, StorageBackendError
        """
        storage.get_backend().save(self.node_uuid, self.data,
                                   self.processed,
                                   version=self.get_target_version())
        now = timeutils.utcnow()
        if not self.obj_attr_is_set('created_at') or not self.created_at:
            self.created_at = now
        self.updated_at = now
        self.obj_reset_changes()

    @base.remotable
    def destroy(self):
        """Delete the document; deleting a missing one is not an error.

        :raises: StorageBackendError
        """
        storage.get_backend().delete(self.node_uuid, self.processed)
