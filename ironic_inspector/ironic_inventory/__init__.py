"""The way out: the inspector's documents written into ironic's own
inventory storage, which ironic 33 and later serve at
``GET /v1/nodes/<node>/inventory``.

:mod:`.layout` says what ironic keeps of an inspection; :mod:`.database`
and :mod:`.swift` write it where ironic's ``[inventory]data_backend``
keeps it (``[ironic_inventory]`` describes that); :mod:`.move` is the
engine of ``ironic-inspector-migrate-data --to ironic``.
"""

from ironic_inspector.common import exception


def get_target(conf, ironic):
    """ironic's inventory storage, as ``[ironic_inventory]`` describes it.

    :param ironic: the ironic client, or None without ``[ironic]``; the
        Swift backend needs it to know which nodes ironic has.
    :raises: ConfigInvalid
    """
    if conf.ironic_inventory.data_backend == 'database':
        from ironic_inspector.ironic_inventory import database
        return database.DatabaseInventory(conf)
    if ironic is None:
        raise exception.ConfigInvalid(
            error='[ironic_inventory]data_backend = swift needs [ironic] to '
                  'ask which nodes ironic has; [ironic]auth_type is unset')
    from ironic_inspector.ironic_inventory import swift
    return swift.SwiftInventory(conf, ironic)
