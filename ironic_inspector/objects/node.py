"""Node: a node of the node cache."""

from oslo_utils import timeutils
from oslo_utils import versionutils

from ironic_inspector.common import exception
from ironic_inspector.common import states
from ironic_inspector.db import engine as db_engine
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector.objects import base
from ironic_inspector.objects import fields
from ironic_inspector.objects import introspection_data
from ironic_inspector import storage

# The errors of an introspection aborted, and one that timed out, in
# ironic-inspector 12.x's words, which operators and ironic show.
ABORTED = 'Canceled by operator'
TIMEOUT_ERROR = 'Introspection timeout'

# Lookup data fields and the names 12.x's attributes table gives them.
_LOOKUP_FIELDS = {'bmc_addresses': db_nodes.BMC_ADDRESS, 'macs': db_nodes.MAC}


@base.InspectorObjectRegistry.register
class Node(base.InspectorObject):
    """A cached node; its introspection data go when it goes."""

    # Version 1.0: uuid, state, started_at, finished_at, error
    # Version 1.1: adds bmc_addresses and macs (lookup data), lookup,
    #              start_processing, start_reapply and finish
    # Version 1.2: adds manage_boot, start_introspection, abort,
    #              list_introspections, time_out and destroy_many
    VERSION = '1.2'

    fields = {
        'uuid': fields.NodeUUIDField(nullable=False),
        'state': fields.StringField(nullable=False),
        'started_at': fields.DateTimeField(nullable=True),
        'finished_at': fields.DateTimeField(nullable=True),
        'error': fields.StringField(nullable=True),
        'bmc_addresses': fields.ListOfIPAddressesField(nullable=False,
                                                       default=[]),
        'macs': fields.ListOfMACAddressesField(nullable=False, default=[]),
        'manage_boot': fields.BooleanField(nullable=True),
    }

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        target = versionutils.convert_version_to_tuple(target_version)
        if target < (1, 2):
            primitive.pop('manage_boot', None)
        if target < (1, 1):
            for name in _LOOKUP_FIELDS:
                primitive.pop(name, None)

    @classmethod
    def _from_row(cls, context, row, lookup=None):
        node = cls(context, **{name: row[name] for name in cls.fields
                               if name not in _LOOKUP_FIELDS})
        for name, attribute in _LOOKUP_FIELDS.items():
            setattr(node, name, (lookup or {}).get(attribute, []))
        node.obj_reset_changes()
        return node

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, uuid):
        """:raises: InvalidUUID, NodeNotFound"""
        uuid = fields.NodeUUID.coerce(None, 'uuid', uuid)
        row = db_nodes.get_node(uuid)
        return cls._from_row(context, row,
                             db_nodes.get_lookup_data([uuid]).get(uuid))

    @classmethod
    @base.remotable
    def list(cls, context):
        """Every cached node, by UUID."""
        lookup = db_nodes.get_lookup_data()
        return [cls._from_row(context, row, lookup.get(row['uuid']))
                for row in db_nodes.list_nodes()]

    @classmethod
    @base.remotable
    def lookup(cls, context, bmc_addresses=(), macs=()):
        """The node with the most of these BMC addresses and MACs.

        One query searches all the values given. Values that are not
        valid addresses match nothing.

        :raises: NodeLookupFailed when no node has any of them, or when
            several have as many of them.
        """
        lookup = {db_nodes.BMC_ADDRESS: _valid(fields.IPAddress,
                                               bmc_addresses),
                  db_nodes.MAC: _valid(fields.MACAddress, macs)}
        found = db_nodes.find_nodes(lookup)
        described = _describe(lookup)
        if not found:
            raise exception.NodeLookupFailed(
                lookup=described, reason='no node in the node cache has '
                                         'them')
        best = [uuid for uuid, matches in found if matches == found[0][1]]
        if len(best) > 1:
            raise exception.NodeLookupFailed(
                lookup=described, reason='nodes %s match as many of them'
                                         % ', '.join(best))
        return cls.get_by_uuid(context, best[0])

    @classmethod
    @base.remotable
    def list_introspections(cls, context, marker=None, limit=None,
                            states=None):
        """Nodes with an introspection, newest first, without their
        lookup data.

        :raises: NodeNotFound when ``marker`` names no node
        """
        return [cls._from_row(context, row) for row in
                db_nodes.list_introspections(marker, limit, states)]

    @classmethod
    @base.remotable
    def start_introspection(cls, context, uuid, bmc_addresses=(), macs=(),
                            manage_boot=True):
        """The node, waiting for its ramdisk: a new introspection, which
        replaces what an earlier one left (its lookup data and documents).

        Values that are not valid addresses are left out.

        :raises: NodeLocked while it is processed; LookupDataInUse
        """
        uuid = fields.NodeUUID.coerce(None, 'uuid', uuid)
        backend = storage.get_backend()
        if not backend.deleted_with_node:
            backend.delete(uuid)
        lookup = {db_nodes.BMC_ADDRESS: _valid(fields.IPAddress,
                                               bmc_addresses),
                  db_nodes.MAC: _valid(fields.MACAddress, macs)}
        row = db_nodes.start_introspection(
            uuid, lookup, version=cls.get_target_version(),
            manage_boot=manage_boot)
        return cls._from_row(context, row, lookup)

    @classmethod
    @base.remotable
    def time_out(cls, context, started_before, limit):
        """End in error the introspections started before
        ``started_before`` that still wait or are processed, at most
        ``limit`` of them.

        :returns: the UUIDs of the nodes timed out.
        """
        return db_nodes.time_out_nodes(started_before, TIMEOUT_ERROR, limit)

    @classmethod
    @base.remotable
    def destroy_many(cls, context, uuids, created_before):
        """Remove these nodes and their data, but those added at or
        after ``created_before``.

        :returns: how many nodes were removed.
        :raises: StorageBackendError
        """
        backend = storage.get_backend()
        if not backend.deleted_with_node:
            for uuid in uuids:
                backend.delete(uuid)
        return db_nodes.delete_nodes(uuids, created_before)

    @base.remotable
    def abort(self, error=ABORTED):
        """End the introspection in error while the node waits for its
        ramdisk; its lookup data go.

        :returns: whether it was waiting; a node that is neither waiting
            nor processed is left as it is.
        :raises: NodeLocked while it is processed; NodeNotFound
        """
        aborted, row = db_nodes.abort_introspection(self.uuid, error)
        self._set_columns(row)
        if aborted:
            self.bmc_addresses = []
            self.macs = []
            self.obj_reset_changes()
        elif self.state in states.LOCKED:
            raise exception.NodeLocked(node_uuid=self.uuid, state=self.state)
        return aborted

    @base.remotable
    def create(self):
        """:raises: NodeAlreadyExists, LookupDataInUse"""
        self.obj_set_defaults(*_LOOKUP_FIELDS)
        values = self.obj_get_changes()
        lookup = {attribute: values.pop(name, [])
                  for name, attribute in _LOOKUP_FIELDS.items()}
        row = db_nodes.create_node(values.pop('uuid'), values.pop('state'),
                                   version=self.get_target_version(),
                                   lookup=lookup, **values)
        self._set_columns(row)

    @base.remotable
    def save(self):
        """Write the changed fields.

        Lookup data are written when the node is created only.

        :raises: NodeNotFound, ValueError for changed lookup data
        """
        changes = self.obj_get_changes()
        if set(changes) & set(_LOOKUP_FIELDS):
            raise ValueError('the lookup data of node %s cannot change; '
                             'delete and add the node' % self.uuid)
        if changes:
            db_nodes.update_node(self.uuid, **changes)
        self.obj_reset_changes()

    @base.remotable
    def start_processing(self, unprocessed=None):
        """Lock a waiting node for the processing of its ramdisk's data,
        and store the document the ramdisk sent.

        With the database backend both happen in one transaction: if the
        document cannot be stored, the node stays waiting. Other backends
        store it once the node is locked.

        :param unprocessed: the ramdisk's document, to store as
            unprocessed; None stores nothing.
        :raises: NodeLocked while it is processed; NodeStateInvalid when
            it is not waiting; NodeNotFound; what IntrospectionData.save
            raises
        """
        self._transition('processing', (states.WAITING,), states.PROCESSING,
                         unprocessed, False, error=None)

    @base.remotable
    def start_reapply(self, unprocessed=None):
        """Lock a finished node (or one in error) to process it again,
        storing ``unprocessed`` first as its new unprocessed document, as
        :meth:`start_processing` does.

        :raises: NodeLocked while it is processed; NodeStateInvalid when
            it has not finished; NodeNotFound
        """
        self._transition('reapply', (states.FINISHED, states.ERROR),
                         states.REAPPLYING, unprocessed, False,
                         started_at=timeutils.utcnow(), finished_at=None,
                         error=None)

    @base.remotable
    def finish(self, error=None, processed=None):
        """Release the lock: finished, or in error with ``error``; and
        store the processed document, if given.

        With the database backend both happen in one transaction; other
        backends store the document first.

        :raises: NodeStateInvalid when the node is not being processed;
            NodeNotFound; what IntrospectionData.save raises
        """
        self._transition('finish', states.LOCKED,
                         states.ERROR if error else states.FINISHED,
                         processed, True, finished_at=timeutils.utcnow(),
                         error=error)

    def _transition(self, operation, from_states, state, document=None,
                    processed=None, **values):
        """Change the node's state from one of ``from_states``, and store
        ``document`` (when given) as its processed or unprocessed one."""
        backend = storage.get_backend()
        version = introspection_data.IntrospectionData.get_target_version()

        def save():
            backend.save(self.uuid, document, processed, version)

        def transition_and_save():
            changed, row = db_nodes.transition_node(
                self.uuid, from_states, state, **values)
            if changed:
                save()
            return changed, row

        if document is not None and backend.deleted_with_node:
            # NOTE: the database backend: one transaction, one commit.
            changed, row = db_engine.one_transaction(transition_and_save)
            self._set_columns(row)
        else:
            # Another backend: a document a processing ends with is
            # stored before the node is released, one it starts with
            # once the node is locked (which this object then shows, if
            # the document cannot be stored).
            if document is not None and state not in states.LOCKED:
                save()
            changed, row = db_nodes.transition_node(
                self.uuid, from_states, state, **values)
            self._set_columns(row)
            if changed and document is not None and state in states.LOCKED:
                save()
        if changed:
            return
        if row['state'] in states.LOCKED:
            raise exception.NodeLocked(node_uuid=self.uuid,
                                       state=row['state'])
        raise exception.NodeStateInvalid(
            node_uuid=self.uuid, state=row['state'], operation=operation,
            expected=' or '.join(from_states))

    def _set_columns(self, row):
        """Take the values of the node's database columns."""
        for name in row.keys() & set(self.fields) - set(_LOOKUP_FIELDS):
            setattr(self, name, row[name])
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
        db_nodes.delete_node(self.uuid)


def _valid(field_type, values):
    """The values the field type accepts, in its form; others dropped."""
    valid = []
    for value in values:
        try:
            valid.append(field_type.coerce(None, None, value))
        except exception.InvalidLookupData:
            continue
    return sorted(set(valid))


def _describe(lookup):
    return '; '.join('%s %s' % (name, ', '.join(values))
                     for name, values in sorted(lookup.items())
                     if values) or 'no BMC address or MAC'
