"""What identifies the node a ramdisk's document comes from."""

# What ipmitool reports for a BMC address it does not know.
_UNKNOWN_ADDRESSES = ('', '0.0.0.0', '::/0')


def lookup_data(document):
    """The BMC addresses and MACs of a ramdisk's document.

    BMC addresses come from the inventory (``bmc_address``,
    ``bmc_v6address``), or from the top-level ``ipmi_address`` and
    ``ipmi_v6address`` of older ramdisks; MACs from the inventory's
    interfaces. Values are not checked here: the lookup ignores what is
    not an address.

    :returns: ``{'bmc_addresses': [...], 'macs': [...]}``, the keyword
        arguments of ``objects.Node.lookup``.
    """
    inventory = document.get('inventory')
    if not isinstance(inventory, dict):
        inventory = {}
    addresses = []
    for key, legacy_key in (('bmc_address', 'ipmi_address'),
                            ('bmc_v6address', 'ipmi_v6address')):
        address = inventory.get(key) if key in inventory else document.get(
            legacy_key)
        if isinstance(address, str) and address not in _UNKNOWN_ADDRESSES:
            addresses.append(address)
    interfaces = inventory.get('interfaces')
    macs = [interface.get('mac_address')
            for interface in interfaces if isinstance(interface, dict)
            ] if isinstance(interfaces, list) else []
    return {'bmc_addresses': addresses,
            'macs': [mac for mac in macs if isinstance(mac, str)]}
