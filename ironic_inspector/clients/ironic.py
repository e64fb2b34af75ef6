"""The inspector's calls to ironic, through openstacksdk's baremetal proxy.

:func:`get_client` builds one client per process from ``[ironic]``
(keystoneauth1's session, auth and adapter options), or returns None when
``[ironic]auth_type`` is unset: standalone mode, where the node cache is
managed by ``ironic-inspector-node`` and nothing is written back.

A call that ironic refuses for a while, a locked node (409), no free
conductor (503), or a connection that failed, is tried again
(``status_code_retries`` and ``connect_retries``, with their delays);
what still fails raises IronicCallFailed naming the call and ironic's
answer, never a token or a URL with credentials.
"""

import collections
import ipaddress
import socket
import threading
import urllib.parse

from keystoneauth1 import exceptions as ks_exc

from ironic_inspector.common import exception
from ironic_inspector.conf import ironic as ironic_conf
from ironic_inspector.conf import keystone_auth

# The provision states in which a node may be introspected.
INSPECTABLE_STATES = ('enroll', 'manageable', 'inspecting', 'inspect wait',
                      'inspect failed')

IronicNode = collections.namedtuple(
    'IronicNode', 'uuid name provision_state bmc_addresses')
Port = collections.namedtuple('Port', 'uuid address pxe_enabled')

_lock = threading.Lock()
_client = None


def register_opts(conf):
    """Register ``[ironic]``'s keystoneauth1 options; their retries
    default to 12.x's ``max_retries`` and ``retry_interval``."""
    keystone_auth.register_opts(conf, ironic_conf.GROUP,
                                ironic_conf.SERVICE_TYPE)
    group = conf[ironic_conf.GROUP]
    for name in ('status_code_retries', 'connect_retries'):
        conf.set_default(name, group.max_retries, group=ironic_conf.GROUP)
    for name in ('status_code_retry_delay', 'connect_retry_delay'):
        conf.set_default(name, group.retry_interval, group=ironic_conf.GROUP)


def get_client(conf):
    """The process's ironic client, or None in standalone mode.

    :raises: ConfigInvalid when ``[ironic]`` cannot make a session.
    """
    global _client
    with _lock:
        if _client is None:
            register_opts(conf)
            auth = keystone_auth.load_auth(conf, ironic_conf.GROUP)
            if auth is None:
                return None
            _client = Ironic(conf, auth)
        return _client


def bmc_addresses(driver_info, fields):
    """The BMC's IPv4 and IPv6 addresses, from the first of ``fields`` of
    ``driver_info`` that has a value (an address, a host name or a URL).

    Loopback addresses are skipped: no ramdisk reports one.
    """
    for field in fields:
        value = driver_info.get(field)
        if not value or not isinstance(value, str):
            continue
        host = urllib.parse.urlsplit(value).hostname if '//' in value \
            else value.strip('[]')
        try:
            found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError):
            return []
        addresses = []
        for _, _, _, _, sockaddr in found:
            address = ipaddress.ip_address(sockaddr[0].split('%')[0])
            if not address.is_loopback and str(address) not in addresses:
                addresses.append(str(address))
        return addresses
    return []


class Ironic:
    """The calls the inspector makes to ironic; see the module's
    docstring for retries and errors."""

    def __init__(self, conf, auth):
        # NOTE: openstacksdk takes a third of a second to import; a
        # standalone inspector never needs it.
        from openstack import connection
        self._bmc_fields = ['ipmi_address'] + conf.ipmi_address_fields
        session = keystone_auth.load_session(conf, ironic_conf.GROUP, auth)
        self._connection = connection.Connection(
            session=session, oslo_conf=conf,
            service_types=[ironic_conf.SERVICE_TYPE])

    @property
    def _baremetal(self):
        # NOTE: the proxy finds ironic's API (the catalog, then version
        # discovery) when first used, where an ironic that does not answer
        # fails a call like any other.
        return self._connection.baremetal

    def _call(self, call, node, func, *args, **kwargs):
        """``func(*args, **kwargs)``: a method of the baremetal proxy,
        by name, or a callable that uses the proxy."""
        from openstack import exceptions as sdk_exc
        try:
            if callable(func):
                return func(*args, **kwargs)
            return getattr(self._baremetal, func)(*args, **kwargs)
        except sdk_exc.HttpException as exc:
            reason = '%s %s' % (exc.status_code or '',
                                exc.details or exc.message or '')
            raise exception.IronicCallFailed(call=call, node=node,
                                             reason=reason.strip(),
                                             status_code=exc.status_code)
        except (sdk_exc.SDKException, ks_exc.ClientException) as exc:
            reason = type(exc).__name__
            if isinstance(exc, (ks_exc.DiscoveryFailure,
                                ks_exc.ConnectionError)):
                reason += ': ironic does not answer at its endpoint'
            raise exception.IronicCallFailed(call=call, node=node,
                                             reason=reason,
                                             status_code=None)

    def get_node(self, ident):
        """The node of UUID or name ``ident``.

        :raises: IronicNodeNotFound, IronicCallFailed
        """
        node = self._find('read the node', ident, 'get_node', ident,
                          fields=['uuid', 'name', 'provision_state',
                                  'driver_info'])
        if node is None:
            raise exception.IronicNodeNotFound(node=ident)
        return IronicNode(node.id, node.name, node.provision_state,
                          bmc_addresses(node.driver_info or {},
                                        self._bmc_fields))

    def _find(self, call, node, func, *args, **kwargs):
        """Like :meth:`_call`, but None where ironic answers 404."""
        try:
            return self._call(call, node, func, *args, **kwargs)
        except exception.IronicCallFailed as exc:
            if exc.status_code == 404:
                return None
            raise

    def node_exists(self, node_uuid):
        """Whether ironic has a node of this UUID.

        :raises: IronicCallFailed
        """
        return self._find('read the node', node_uuid, 'get_node', node_uuid,
                          fields=['uuid']) is not None

    def inventory(self, node_uuid):
        """The inventory and plugin data ironic serves for the node (API
        1.81 and later), or None when it has recorded none.

        :raises: IronicCallFailed
        """
        return self._find('read the inventory', node_uuid,
                          'get_node_inventory', node_uuid)

    def ports(self, node_uuid):
        """The node's ports."""
        return [Port(port.id, port.address, port.is_pxe_enabled)
                for port in self._call(
                    'list the ports', node_uuid, lambda: list(
                        self._baremetal.ports(
                            node_id=node_uuid, details=True)))]

    def node_uuids(self):
        """The UUID of every node of ironic, read page by page."""
        for node in self._call('list the nodes', '*', lambda: list(
                self._baremetal.nodes(fields=['uuid']))):
            yield node.id

    def set_properties(self, node_uuid, properties):
        """Set ``properties`` (a dict) of the node, one PATCH."""
        patch = [{'op': 'add', 'path': '/properties/%s' % name,
                  'value': value}
                 for name, value in sorted(properties.items())]
        self._call('set the properties', node_uuid,
                   'patch_node', node_uuid, patch)

    def create_port(self, node_uuid, address, pxe_enabled):
        self._call('create port %s' % address, node_uuid,
                   'create_port', node_id=node_uuid,
                   address=address, is_pxe_enabled=pxe_enabled)

    def set_port_pxe_enabled(self, node_uuid, port, pxe_enabled):
        self._call('update port %s' % port.address, node_uuid,
                   'patch_port', port.uuid,
                   [{'op': 'replace', 'path': '/pxe_enabled',
                     'value': pxe_enabled}])

    def delete_port(self, node_uuid, port):
        self._call('delete port %s' % port.address, node_uuid,
                   'delete_port', port.uuid,
                   ignore_missing=True)

    def boot_from_network(self, node_uuid):
        """Set the next boot to PXE, then reboot the node."""
        self._call('set the boot device', node_uuid,
                   'set_node_boot_device', node_uuid, 'pxe',
                   persistent=False)
        self._call('reboot', node_uuid,
                   'set_node_power_state', node_uuid,
                   'rebooting')

    def power_off(self, node_uuid):
        self._call('power off', node_uuid,
                   'set_node_power_state', node_uuid,
                   'power off')
