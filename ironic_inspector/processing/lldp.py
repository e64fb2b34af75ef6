"""Decoding of raw LLDP TLVs, as ironic-python-agent reports them.

The ramdisk sends each interface's LLDP data unit as a list of
``[type, "hex value"]`` pairs. :func:`parse` decodes the TLVs of the
802.1AB basic management set and the 802.1Q and 802.3 organisationally
specific ones into the name/value pairs of ironic-inspector 12.x's
``lldp_processed``. A TLV that is malformed, of an unknown kind, or
whose value is not hexadecimal is skipped; the first TLV of a kind that
carries one value wins.
"""

import ipaddress
import struct

# Basic management TLV types.
_CHASSIS_ID, _PORT_ID, _PORT_DESCRIPTION = 1, 2, 4
_SYSTEM_NAME, _SYSTEM_DESCRIPTION, _CAPABILITIES = 5, 6, 7
_MANAGEMENT_ADDRESS, _ORGANIZATION_SPECIFIC = 8, 127

_IEEE_802_1 = bytes.fromhex('0080c2')
_IEEE_802_3 = bytes.fromhex('00120f')

# System capability bits, from bit 1 (bit 0 is "other").
_CAPABILITY_NAMES = ('Repeater', 'Bridge', 'WLAN', 'Router', 'Telephone',
                     'DOCSIS cable device', 'Station only', 'C-Vlan',
                     'S-Vlan', 'TPMR')

# 802.3 auto-negotiation capabilities (RFC 4836 IANAifMauAutoNegCapBits),
# from bit 14 down to bit 0.
_AUTONEG_CAPABILITY_NAMES = (
    '10BASE-T hdx', '10BASE-T fdx', '10BASE-T4', '100BASE-TX hdx',
    '100BASE-TX fdx', '100BASE-T2 hdx', '100BASE-T2 fdx', 'PAUSE fdx',
    'Asym PAUSE fdx', 'Sym PAUSE fdx', 'Asym and Sym PAUSE fdx',
    '1000BASE-X hdx', '1000BASE-X fdx', '1000BASE-T hdx', '1000BASE-T fdx')

# Operational MAU types (RFC 4836 dot3MauType), by number.
_MAU_TYPES = (
    'Unknown', 'AUI', '10BASE-5', 'FOIRL', '10BASE-2',
    '10BASE-T duplex mode unknown', '10BASE-FP', '10BASE-FB',
    '10BASE-FL duplex mode unknown', '10BROAD36', '10BASE-T half duplex',
    '10BASE-T full duplex', '10BASE-FL half duplex', '10BASE-FL full duplex',
    '100 BASE-T4', '100BASE-TX half duplex', '100BASE-TX full duplex',
    '100BASE-FX half duplex', '100BASE-FX full duplex',
    '100BASE-T2 half duplex', '100BASE-T2 full duplex',
    '1000BASE-X half duplex', '1000BASE-X full duplex',
    '1000BASE-LX half duplex', '1000BASE-LX full duplex',
    '1000BASE-SX half duplex', '1000BASE-SX full duplex',
    '1000BASE-CX half duplex', '1000BASE-CX full duplex',
    '1000BASE-T half duplex', '1000BASE-T full duplex', '10GBASE-X',
    '10GBASE-LX4', '10GBASE-R', '10GBASE-ER', '10GBASE-LR', '10GBASE-SR',
    '10GBASE-W', '10GBASE-EW', '10GBASE-LW', '10GBASE-SW', '10GBASE-CX4',
    '2BASE-TL', '10PASS-TS', '100BASE-BX10D', '100BASE-BX10U',
    '100BASE-LX10', '1000BASE-BX10D', '1000BASE-BX10U', '1000BASE-LX10',
    '1000BASE-PX10D', '1000BASE-PX10U', '1000BASE-PX20D', '1000BASE-PX20U')


class _Skip(Exception):
    """This TLV adds nothing."""


def parse(tlvs):
    """The name/value pairs of a list of ``[type, hex value]`` TLVs."""
    found = {}
    for tlv in tlvs:
        try:
            tlv_type, value = tlv
            data = bytes.fromhex(value)
            handler = _BASIC_HANDLERS.get(tlv_type)
            if handler is not None:
                handler(found, data)
        except (_Skip, IndexError, TypeError, ValueError, struct.error):
            continue
    return found


def _set(found, name, value):
    found.setdefault(name, value)


def _append(found, name, value):
    found.setdefault(name, []).append(value)


def _text(data):
    return data.decode('utf-8')


def _mac(data):
    if len(data) < 6:
        raise _Skip()
    return ':'.join('%02x' % byte for byte in data[:6])


def _network_address(data):
    """An IANA address family number and its address."""
    family, address = data[0], data[1:]
    if family == 1 and len(address) >= 4:
        return str(ipaddress.IPv4Address(address[:4]))
    if family == 2 and len(address) >= 16:
        return str(ipaddress.IPv6Address(address[:16]))
    if family == 6:
        return _mac(address)
    raise _Skip()


# Chassis and port ID subtypes: how their values read.
_CHASSIS_ID_SUBTYPES = {1: _text, 2: _text, 3: _text, 4: _mac,
                        5: _network_address, 6: _text, 7: _text}
_PORT_ID_SUBTYPES = {1: _text, 2: _text, 3: _mac, 4: _network_address,
                     5: _text, 7: _text}


def _identifier(name, subtypes):
    def handler(found, data):
        decode = subtypes.get(data[0]) if data else None
        if decode is None:
            raise _Skip()
        _set(found, name, decode(data[1:]))
    return handler


def _single_text(name):
    def handler(found, data):
        _set(found, name, _text(data))
    return handler


def _flags(bits, names):
    return [name for position, name in enumerate(names)
            if bits & (1 << position)]


def _capabilities(found, data):
    if len(data) != 4:
        raise _Skip()
    supported, enabled = struct.unpack('!HH', data)
    _set(found, 'switch_capabilities_support',
         _flags(supported >> 1, _CAPABILITY_NAMES))
    _set(found, 'switch_capabilities_enabled',
         _flags(enabled >> 1, _CAPABILITY_NAMES))


def _management_address(found, data):
    # A length byte, then the address with its family.
    _append(found, 'switch_mgmt_addresses', _network_address(data[1:]))


def _organization_specific(found, data):
    oui, subtype, rest = data[:3], data[3], data[4:]
    handler = _ORGANIZATION_HANDLERS.get((oui, subtype))
    if handler is not None:
        handler(found, rest)


def _integer(name):
    def handler(found, data):
        _set(found, name, struct.unpack('!H', data[:2])[0])
    return handler


def _protocol_vlan(found, data):
    if len(data) != 3:
        raise _Skip()
    flags, vlan = struct.unpack('!BH', data)
    _set(found, 'switch_port_protocol_vlan_enabled', bool(flags & 4))
    _set(found, 'switch_port_protocol_vlan_support', bool(flags & 2))
    _append(found, 'switch_port_protocol_vlan_ids', vlan)


def _vlan_name(found, data):
    vlan, length = struct.unpack('!HB', data[:3])
    name = data[3:3 + length]
    if len(name) < length:
        raise _Skip()
    _append(found, 'switch_port_vlans',
            {'name': _text(name.rstrip(b'\0')), 'id': vlan})


def _protocol_identity(found, data):
    length = data[0]
    if len(data) < 1 + length:
        raise _Skip()
    _append(found, 'switch_protocol_identities', data[1:1 + length].hex())


def _link_aggregation(found, data):
    if len(data) != 5:
        raise _Skip()
    status, port = struct.unpack('!BI', data)
    _set(found, 'switch_port_link_aggregation_enabled', bool(status & 2))
    _set(found, 'switch_port_link_aggregation_support', bool(status & 1))
    _set(found, 'switch_port_link_aggregation_id', port)


def _mac_phy_configuration(found, data):
    if len(data) != 5:
        raise _Skip()
    autonegotiation, capabilities, mau_type = struct.unpack('!BHH', data)
    if mau_type >= len(_MAU_TYPES):
        raise _Skip()
    _set(found, 'switch_port_autonegotiation_enabled',
         bool(autonegotiation & 2))
    _set(found, 'switch_port_autonegotiation_support',
         bool(autonegotiation & 1))
    _set(found, 'switch_port_physical_capabilities', sorted(
        name for position, name in enumerate(_AUTONEG_CAPABILITY_NAMES)
        if capabilities & (1 << (14 - position))))
    _set(found, 'switch_port_mau_type', _MAU_TYPES[mau_type])


_BASIC_HANDLERS = {
    _CHASSIS_ID: _identifier('switch_chassis_id', _CHASSIS_ID_SUBTYPES),
    _PORT_ID: _identifier('switch_port_id', _PORT_ID_SUBTYPES),
    _PORT_DESCRIPTION: _single_text('switch_port_description'),
    _SYSTEM_NAME: _single_text('switch_system_name'),
    _SYSTEM_DESCRIPTION: _single_text('switch_system_description'),
    _CAPABILITIES: _capabilities,
    _MANAGEMENT_ADDRESS: _management_address,
    _ORGANIZATION_SPECIFIC: _organization_specific,
}

_ORGANIZATION_HANDLERS = {
    (_IEEE_802_1, 1): _integer('switch_port_untagged_vlan_id'),
    (_IEEE_802_1, 2): _protocol_vlan,
    (_IEEE_802_1, 3): _vlan_name,
    (_IEEE_802_1, 4): _protocol_identity,
    (_IEEE_802_1, 6): _integer('switch_port_management_vlan_id'),
    (_IEEE_802_1, 7): _link_aggregation,
    (_IEEE_802_3, 1): _mac_phy_configuration,
    (_IEEE_802_3, 3): _link_aggregation,
    (_IEEE_802_3, 4): _integer('switch_port_mtu'),
}
