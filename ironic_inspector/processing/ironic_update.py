"""What processing writes back to ironic, as ironic-inspector 12.x's
hooks and pipeline did.

From the processed document:

* the node's properties ``cpus``, ``memory_mb``, ``local_gb`` and
  ``cpu_arch`` (one PATCH), as strings, as 12.x writes them;
* a port for each MAC ``[processing]add_ports`` selected that the node
  has none for, ``pxe_enabled`` when the node booted from it, and
  ``pxe_enabled`` made right on the ports it has;
* the ports ``[processing]keep_ports`` does not keep, deleted;
* a power off at the end when the inspector booted the node
  (``manage_boot``) and ``[processing]power_off`` is set.

Each call is retried while ironic refuses it for a while (see
:mod:`ironic_inspector.clients.ironic`); what still fails raises
IronicCallFailed, and the node's processing then ends in error naming
the call.
"""

PROPERTIES = ('cpus', 'memory_mb', 'local_gb', 'cpu_arch')


def update(client, node, document, processing_conf, power_off):
    """Write the processed ``document`` of ``node`` to ironic.

    :param power_off: whether this is the end of an introspection (not a
        reprocessing), after which the node may be powered off.
    :raises: IronicCallFailed, IronicNodeNotFound
    """
    properties = {name: str(document[name]) for name in PROPERTIES
                  if document.get(name) is not None}
    if properties:
        client.set_properties(node.uuid, properties)
    _update_ports(client, node.uuid, document, processing_conf.keep_ports)
    if power_off and node.manage_boot and processing_conf.power_off:
        client.power_off(node.uuid)


def _update_ports(client, node_uuid, document, keep_ports):
    all_interfaces = document.get('all_interfaces') or {}
    pxe = {interface['mac']: bool(interface.get('pxe'))
           for interface in all_interfaces.values()}
    selected = document.get('macs') or []
    ports = {port.address.lower(): port for port in client.ports(node_uuid)}
    for mac in selected:
        if mac not in ports:
            client.create_port(node_uuid, mac, pxe.get(mac, False))
    for address, port in sorted(ports.items()):
        if keep_ports == 'present' and address not in pxe or (
                keep_ports == 'added' and address not in selected):
            client.delete_port(node_uuid, port)
        elif address in pxe and port.pxe_enabled != pxe[address]:
            client.set_port_pxe_enabled(node_uuid, port, pxe[address])
