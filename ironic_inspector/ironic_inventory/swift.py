"""ironic's inventory objects in Swift.

ironic with ``[inventory]data_backend = swift`` keeps a node's latest
inspection as two JSON objects in ``[inventory]swift_data_container``:
``inspector_data-<uuid>-inventory`` and ``inspector_data-<uuid>-plugin``.
They are written here through the inspector's own Swift connection
(``[swift]``), which must reach the account ironic uses. ironic is asked
which nodes it has, as Swift cannot say.
"""

from concurrent import futures

from ironic_inspector.common import exception
from ironic_inspector.common import json_codec
from ironic_inspector.ironic_inventory import layout
from ironic_inspector.storage import swift as swift_storage

# Calls to Swift or ironic in flight at once.
CONCURRENT_CALLS = 8


def object_names(node_uuid):
    """The names of the node's inventory and plugin data objects."""
    prefix = swift_storage.OBJECT_PREFIX + node_uuid
    return prefix + '-inventory', prefix + '-plugin'


class SwiftInventory(swift_storage.SwiftStore):
    """ironic's objects in ``[ironic_inventory]swift_data_container``.

    :param ironic: the ironic client that says which nodes ironic has.
    """

    name = 'swift'
    encode = staticmethod(json_codec.dumps)

    def __init__(self, conf, ironic):
        super().__init__(conf)
        self.container = conf.ironic_inventory.swift_data_container
        self._ironic = ironic
        self._pool = futures.ThreadPoolExecutor(
            CONCURRENT_CALLS, thread_name_prefix='ironic-inventory')

    def error(self, node_uuid, operation, reason):
        target = ' of node %s' % node_uuid if node_uuid else ''
        return exception.IronicInventoryError(
            backend=self.name, operation='%s inventory objects%s'
            % (operation, target), reason=reason)

    def check(self):
        """Make sure Swift and ironic answer, before any node is moved.

        :raises: IronicInventoryError, IronicCallFailed
        """
        super().check()
        self._ironic.node_exists('00000000-0000-0000-0000-000000000000')

    def known_nodes(self, node_uuids):
        """``{uuid: uuid}`` of those nodes ironic has, asked in parallel.

        :raises: IronicCallFailed
        """
        exists = self._pool.map(self._ironic.node_exists, node_uuids)
        return {node_uuid: node_uuid
                for node_uuid, found in zip(node_uuids, exists) if found}

    def stored_times(self, node_uuids):
        """None: which nodes have objects is known by reading them."""
        return None

    def read_many(self, node_uuids):
        """None: each node's objects are read on their own."""
        return None

    def read(self, node_uuid):
        """``(InspectionData, written_at)`` of the node's objects, or None
        when it has neither.

        A missing one reads as None, and the pair as undated: ironic
        writes both, so one alone is what a move left half done (ironic
        cannot serve it), never an inspection to keep.
        """
        stored = [self._get_object(name, node_uuid)
                  for name in object_names(node_uuid)]
        if stored == [None, None]:
            return None
        parts = [None if s is None else json_codec.loads(s.data)
                 for s in stored]
        if None in stored:
            return layout.InspectionData(*parts), None
        return layout.InspectionData(*parts), max(
            (s.updated_at for s in stored if s.updated_at), default=None)

    def write_many(self, writes):
        """Write each node's two objects, several nodes at once.

        :param writes: a layout.Write each, keyed by node UUID.
        :returns: ``(changed, failed)``: nothing is known to have changed
            under us (Swift cannot say), and ``{node uuid: error}`` of the
            nodes whose objects could not be written.
        """
        def write(w):
            inventory_name, plugin_name = object_names(w.key)
            try:
                self._put_object(inventory_name, w.inventory, w.key)
                self._put_object(plugin_name, w.plugin_data, w.key)
            except exception.IronicInventoryError as exc:
                return w.key, str(exc)
            return w.key, None

        failed = dict(result for result in self._pool.map(write, writes)
                      if result[1] is not None)
        return set(), failed

    def close(self):
        self._pool.shutdown()
