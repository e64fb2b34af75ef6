"""Start and abort an introspection of a node of ironic.

A start reads the node and its ports from ironic, checks its provision
state, and puts it in the node cache, waiting for its ramdisk with its
MACs and BMC addresses as lookup data. When the inspector manages boot
(``manage_boot``), it then sets the node's boot device to PXE and reboots
it through ironic, in the background: ironic holds the node's lock while
it waits for the start to return, so these calls are retried until it
lets go. With ``manage_boot=false``, ironic boots the node itself.
"""

import concurrent.futures
import logging

from oslo_utils import uuidutils

from ironic_inspector.clients import ironic
from ironic_inspector.common import exception
from ironic_inspector import conf
from ironic_inspector import objects

LOG = logging.getLogger(__name__)

# Boots run in the background, a few at a time.
_booter = concurrent.futures.ThreadPoolExecutor(
    max_workers=4, thread_name_prefix='boot')


def _client():
    """The ironic client.

    :raises: IronicNotConfigured in standalone mode.
    """
    client = ironic.get_client(conf.CONF)
    if client is None:
        raise exception.IronicNotConfigured()
    return client


def node_uuid(ident):
    """The UUID of a node given by UUID, or by name through ironic.

    :raises: InvalidUUID for a name without an ironic; IronicNodeNotFound
    """
    if uuidutils.is_uuid_like(ident):
        return ident
    client = ironic.get_client(conf.CONF)
    if client is None:
        raise exception.InvalidUUID(value=ident)
    return client.get_node(ident).uuid


def start(context, ident, manage_boot=True):
    """Start the introspection of the node of UUID or name ``ident``.

    :returns: the Node, waiting.
    :raises: IronicNotConfigured, IronicNodeNotFound, IronicCallFailed,
        IntrospectionRefused (provision state, or boot management off),
        NodeLocked, LookupDataInUse
    """
    if manage_boot and not conf.CONF.can_manage_boot:
        raise exception.IntrospectionRefused(
            reason='managed boot is requested, but this installation '
                   'cannot manage boot ([DEFAULT]can_manage_boot is false)')
    client = _client()
    found = client.get_node(ident)
    if found.provision_state not in ironic.INSPECTABLE_STATES:
        raise exception.IntrospectionRefused(
            reason='invalid provision state for introspection: "%s", valid '
                   'states are "%s"' % (found.provision_state,
                                        '", "'.join(
                                            ironic.INSPECTABLE_STATES)))
    macs = [port.address for port in client.ports(found.uuid)]
    node = objects.Node.start_introspection(
        context, found.uuid, bmc_addresses=found.bmc_addresses, macs=macs,
        manage_boot=manage_boot)
    LOG.info('Introspection of node %s started (%s); waiting for its '
             'ramdisk', node.uuid, 'booting it' if manage_boot
             else 'ironic boots it')
    if manage_boot:
        _booter.submit(_boot, client, node)
    return node


def _boot(client, node):
    """Boot the node into the ramdisk; on failure its introspection ends
    in error, saying why."""
    try:
        client.boot_from_network(node.uuid)
    except exception.InspectorException as exc:
        LOG.error('Node %s could not be booted: %s', node.uuid, exc)
        node.abort(error='Failed to boot the ramdisk: %s' % exc)


def abort(context, ident):
    """Abort the introspection of the node of UUID or name ``ident``.

    A waiting node ends in error "Canceled by operator", loses its lookup
    data, and is powered off when the inspector booted it. A node that
    is not waiting is left as it is, as 12.x leaves it.

    :raises: NodeNotFound, NodeLocked while it is processed,
        IronicNodeNotFound for an unknown name
    """
    node = objects.Node.get_by_uuid(context, node_uuid(ident))
    if node.abort() and node.manage_boot:
        client = ironic.get_client(conf.CONF)
        if client is not None:
            _booter.submit(_power_off, client, node)
    return node


def _power_off(client, node):
    try:
        client.power_off(node.uuid)
    except exception.InspectorException as exc:
        LOG.warning('Node %s could not be powered off after its '
                    'introspection was aborted: %s', node.uuid, exc)
