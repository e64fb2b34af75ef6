"""What ironic keeps of an inspection, made from the inspector's
documents.

ironic's ``inspector`` inspect interface (ironic up to 32.x) fetched the
processed document when an introspection finished and kept it in two
parts: the ``inventory`` key, as the ramdisk reported it, and the rest of
the document, the ``plugin_data``. The same split is made here, so that
ironic serves what it would have stored itself.
"""

import collections

# The key of a ramdisk's document that ironic keeps apart.
INVENTORY_KEY = 'inventory'

InspectionData = collections.namedtuple('InspectionData',
                                        'inventory plugin_data')
InspectionData.__doc__ = ("ironic's two parts of an inspection, as "
                          "``GET /v1/nodes/<node>/inventory`` serves them.")


def from_documents(processed, unprocessed=None):
    """The InspectionData of a node's documents, or None without an
    inventory.

    :param processed: the processed document, or None where there is
        none; then the unprocessed one gives the inventory, and the plugin
        data are empty, as no processing hook ran.
    :param unprocessed: the document the ramdisk sent, or None.
    """
    if processed is not None and INVENTORY_KEY in processed:
        return InspectionData(
            processed[INVENTORY_KEY],
            {key: value for key, value in processed.items()
             if key != INVENTORY_KEY})
    if unprocessed is not None and INVENTORY_KEY in unprocessed:
        plugin_data = processed if processed is not None else {}
        return InspectionData(unprocessed[INVENTORY_KEY], plugin_data)
    return None


Write = collections.namedtuple(
    'Write', 'key inventory plugin_data written_at seen')
Write.__doc__ = """One node's inspection, to be written in ironic's storage.

``key`` is how the storage names the node (its id in ironic's database,
its UUID in Swift); ``inventory`` and ``plugin_data`` are JSON bytes,
as the storage's ``encode`` makes them;
``written_at`` is when the inspection was stored here (a naive UTC
datetime, or None); ``seen`` is when ironic's copy, which this one
replaces, was written, or None where ironic had none.
"""
