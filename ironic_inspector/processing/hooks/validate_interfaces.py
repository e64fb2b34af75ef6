"""validate_interfaces: the node's network interfaces, checked."""

import ipaddress
import logging

from oslo_utils import netutils

from ironic_inspector.processing.hooks import base

LOG = logging.getLogger(__name__)

# What ipmitool reports for a BMC address it does not know.
_NO_BMC_ADDRESS = {'ipmi_address': ('', '0.0.0.0'),
                   'ipmi_v6address': ('', '::/0')}


class ValidateInterfacesHook(base.ProcessingHook):
    """Adds the interfaces of the inventory, as ironic-inspector 12.x does:

    ``all_interfaces``
        every interface with a name and a valid MAC: name ->
        ``{"ip", "mac" (lower case), "client_id", "pxe"}``; ``pxe`` says
        whether it is the ramdisk's ``boot_interface`` (a MAC, or PXELinux's
        ``01-aa-bb-cc-dd-ee-ff``), read as the ramdisk sent it;
    ``interfaces``
        those of them ``[processing]add_ports`` selects, loopback never;
    ``macs``
        their MACs;
    ``ipmi_address``, ``ipmi_v6address``
        the inventory's BMC addresses (None when unknown).

    The processing fails when no interface is selected.
    """

    def __init__(self, conf):
        super().__init__(conf)
        self.add_ports = conf.processing.add_ports

    def preprocess(self, node, document):
        inventory = self.inventory(document)
        for key, inventory_key in (('ipmi_address', 'bmc_address'),
                                   ('ipmi_v6address', 'bmc_v6address')):
            address = inventory.get(inventory_key, document.get(key))
            document[key] = (None if address in _NO_BMC_ADDRESS[key]
                             else address)
        boot_mac = _boot_mac(document.get('boot_interface'))
        all_interfaces = _interfaces(node, inventory['interfaces'], boot_mac)
        interfaces = {name: interface
                      for name, interface in all_interfaces.items()
                      if self._selected(name, interface, boot_mac)}
        if not interfaces:
            raise self.failure('no suitable network interface among %s '
                               '([processing]add_ports = %s)'
                               % (', '.join(sorted(all_interfaces)) or 'none',
                                  self.add_ports))
        LOG.info('Node %s: using network interface(s) %s', node.uuid,
                 ', '.join(sorted(interfaces)))
        document['all_interfaces'] = all_interfaces
        document['interfaces'] = interfaces
        document['macs'] = [interface['mac']
                            for interface in interfaces.values()]

    def __call__(self, node, document):
        pass

    def _selected(self, name, interface, boot_mac):
        ip = interface['ip']
        if name == 'lo' or (ip and _is_loopback(ip)):
            return False
        if self.add_ports == 'pxe' and boot_mac and not interface['pxe']:
            return False
        return bool(ip) or self.add_ports == 'all'


def _interfaces(node, inventory_interfaces, boot_mac):
    found = {}
    for interface in inventory_interfaces:
        name, mac = interface.get('name'), interface.get('mac_address')
        if not name or not mac:
            continue
        if not netutils.is_valid_mac(mac):
            LOG.warning('Node %s: interface %s has an invalid MAC; skipped',
                        node.uuid, name)
            continue
        ip = (interface.get('ipv4_address')
              or (interface.get('ipv6_address') or '').split('%')[0]
              or None)
        mac = mac.lower()
        found[name] = {'ip': ip, 'mac': mac,
                       'client_id': interface.get('client_id'),
                       'pxe': mac == boot_mac}
    return found


def _boot_mac(boot_interface):
    """The MAC of the ramdisk's boot_interface, in lower case, or None."""
    if boot_interface and '-' in boot_interface:
        return boot_interface.split('-', 1)[1].replace('-', ':').lower()
    return boot_interface


def _is_loopback(ip):
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False
