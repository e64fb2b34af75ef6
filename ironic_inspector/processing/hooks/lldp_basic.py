"""lldp_basic: what the switches say about each interface, from LLDP."""

import logging

from ironic_inspector.processing.hooks import base
from ironic_inspector.processing import lldp

LOG = logging.getLogger(__name__)


class LLDPBasicHook(base.ProcessingHook):
    """Adds ``lldp_processed`` to the interfaces of ``all_interfaces``
    (and of ``interfaces``): the decoded basic management, 802.1 and
    802.3 TLVs of the interface's raw LLDP data (the ramdisk's
    ``lldp_raw`` for it, or the inventory interface's ``lldp``).
    """

    dependencies = ('validate_interfaces',)

    def __call__(self, node, document):
        lldp_raw = document.get('lldp_raw') or {}
        for interface in self.inventory(document)['interfaces']:
            name = interface.get('name')
            tlvs = lldp_raw.get(name) or interface.get('lldp')
            if not tlvs:
                continue
            processed = lldp.parse(tlvs)
            if not processed:
                continue
            for key in ('all_interfaces', 'interfaces'):
                if name in document.get(key, {}):
                    document[key][name]['lldp_processed'] = processed
            LOG.debug('Node %s: LLDP data of interface %s decoded',
                      node.uuid, name)
