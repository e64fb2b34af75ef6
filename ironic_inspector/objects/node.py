"""Node: a node of the node cache."""

from ironic_inspector.db import api as db_api
from ironic_inspector.objects import base
from ironic_inspector.objects import fields
from ironic_inspector import storage


@base.InspectorObjectRegistry.register
class Node(base.InspectorObject):
    """A cached node; its introspection data go when it goes."""

    # Version 1.0: uuid, state, started_at, finished_at, error
    VERSION = '1.0'

    fields = {
        'uuid': fields.NodeUUIDField(nullable=False),
        'state': fields.StringField(nullable=False),
        'started_at': fields.DateTimeField(nullable=True),
        'finished_at': fields.DateTimeField(nullable=True),
        'error': fields.StringField(nullable=True),
    }

    @classmethod
    def _from_row(cls, context, row):
        node = cls(context, **{name: row[name] for name in cls.fields})
        node.obj_reset_changes()
        return node

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, uuid):
        """:raises: InvalidUUID, NodeNotFound"""
        uuid = fields.NodeUUID.coerce(None, 'uuid', uuid)
        return cls._from_row(context, db_api.get_node(uuid))

    @classmethod
    @base.remotable
    def list(cls, context):
        """Every cached node, by UUID."""
        return [cls._from_row(context, row) for row in db_api.list_nodes()]

    @base.remotable
    def create(self):
        """:raises: NodeAlreadyExists"""
        values = self.obj_get_changes()
        db_api.create_node(values.pop('uuid'), values.pop('state'),
                           version=self.get_target_version(), **values)
        self.obj_reset_changes()

    @base.remotable
    def save(self):
        """Write the changed fields. :raises: NodeNotFound"""
        changes = self.obj_get_changes()
        if changes:
            db_api.update_node(self.uuid, **changes)
        self.obj_reset_changes()

    @base.remotable
    def destroy(self):
        """Remove the node and its introspection data.

        With the database backend the documents go with the node row, in
        the same transaction (the foreign key cascades). Other backends
        delete them first: if that fails, the node stays, and destroying
        it again finishes the job; nothing is left without its node.

        :raises: NodeNotFound, StorageBackendError
        """
        backend = storage.get_backend()
        if not backend.deleted_with_node:
            backend.delete(self.uuid)
        db_api.delete_node(self.uuid)
