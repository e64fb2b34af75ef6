"""Our standard hooks against ironic-inspector 12.5.0's, on the same input.

12.5.0's hooks run in its own virtualenv (``release12_worker.py hooks``)
on ramdisk documents made from the samples and on variants that take
each hook down its other paths; the processed documents must be equal,
and where 12.5.0 refuses a document, so must we.
"""

import copy
import json
import os

import fixtures

from ironic_inspector.common import exception
from ironic_inspector import conf
from ironic_inspector import objects
from ironic_inspector.processing import hooks
from ironic_inspector.test import base
from ironic_inspector.test import release12
from ironic_inspector.test import samples

NODE = '00000000-0000-0000-0000-000000000000'

# Raw LLDP TLVs beyond the samples': other subtypes and families, the
# optional 802.1 and 802.3 TLVs, repeated TLVs (the first one wins, lists
# grow), and malformed ones, which are skipped. (12.5.0 fails on a value
# that is not hexadecimal, and on LLDP data of an interface with a bad
# MAC; the unit tests show that ours skip them.)
EXTRA_TLVS = [
    [1, '07737769746368'],                        # chassis: local
    [1, '04aabbccddeeff'],                        # repeated: ignored
    [2, '03525400aabbcc'],                        # port: MAC
    [4, '75706c696e6b'],
    [7, '00940014'],                              # station, C-VLAN...
    [8, '110220010db8000000000000000000000001020000000100'],  # IPv6
    [8, '0501c0000201020000000100'],              # IPv4
    [127, '0080c2010064'],                        # untagged VLAN 100
    [127, '0080c20206000a'],                      # protocol VLAN 10
    [127, '0080c2020400c8'],                      # ... and 200
    [127, '0080c203000b0776'],                    # VLAN name too short
    [127, '0080c203000c04766c31320000'],          # padded name
    [127, '0080c20403888e01'],                    # protocol identity
    [127, '0080c20600c8'],                        # management VLAN 200
    [127, '0080c2070300000007'],                  # link aggregation
    [127, '00120f01010000ffff'],                  # unknown MAU: skipped
    [127, '00120f0102800000'],                    # too short: skipped
    [127, '00120f0405dc'],                        # MTU 1500
    [127, '00120f030100000009'],                  # 802.3 aggregation
    [127, '00aabb01ff'],                          # unknown OUI
    [99, '00'],                                   # unknown TLV type
    [6, 'ff'],                                    # not UTF-8
]


def _variants(document):
    """(name, add_ports, document) of the cases both releases run."""
    def changed(change):
        variant = copy.deepcopy(document)
        change(variant)
        return variant

    def interface(variant, number):
        return variant['inventory']['interfaces'][number]

    yield 'sample', 'pxe', document
    for mode in ('active', 'all', 'disabled'):
        yield 'add_ports=' + mode, mode, document
    yield 'no boot interface', 'pxe', changed(
        lambda d: d.pop('boot_interface'))
    yield 'boot interface as a MAC', 'pxe', changed(
        lambda d: d.update(boot_interface=interface(d, 1)['mac_address']))
    yield 'ramdisk error', 'pxe', changed(
        lambda d: d.update(error='disk on fire'))
    yield 'no root disk', 'pxe', changed(lambda d: d.pop('root_disk'))
    yield 'tiny root disk', 'pxe', changed(
        lambda d: d['root_disk'].update(size=1024 ** 3 - 1))
    yield 'malformed cpu and memory', 'pxe', changed(
        lambda d: d['inventory'].update(cpu={'count': 'many'}, memory={}))
    yield 'no inventory', 'pxe', changed(lambda d: d.pop('inventory'))
    yield 'no interfaces', 'pxe', changed(
        lambda d: d['inventory'].update(interfaces=[]))

    def odd_interfaces(variant):
        first, second, third = variant['inventory']['interfaces'][:3]
        first['mac_address'] = 'not-a-mac'
        del first['lldp']
        second.update(name='lo', ipv4_address='127.0.0.1')
        third.update(ipv4_address=None,
                     ipv6_address='fd00::5%' + third['name'])
        variant['inventory']['interfaces'].append({'name': 'nomac'})
    yield 'odd interfaces', 'all', changed(odd_interfaces)
    yield 'no suitable interface', 'active', changed(
        lambda d: [i.update(ipv4_address=None, ipv6_address=None)
                   for i in d['inventory']['interfaces']])
    yield 'no BMC address', 'pxe', changed(
        lambda d: d['inventory'].update(bmc_address='0.0.0.0',
                                        bmc_v6address='fd00::9'))

    def more_lldp(variant):
        interface(variant, 0)['lldp'] += EXTRA_TLVS
        interface(variant, 1)['lldp'] = []
        variant['lldp_raw'] = {interface(variant, 2)['name']: EXTRA_TLVS}
    yield 'more LLDP', 'all', changed(more_lldp)


class HooksAgainstRelease12TestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        reason = release12.missing()
        if reason:
            self.skipTest(reason)
        if not samples.available('1m'):
            self.skipTest('sample %s is missing' % samples.path('1m'))
        objects.register_all()
        self.tempdir = self.useFixture(fixtures.TempDir()).path

    def _ours(self, add_ports, document):
        self.config(group='processing', add_ports=add_ports)
        node = objects.Node(uuid=NODE, state='processing')
        try:
            hooks.run(hooks.load(conf.CONF), node, document)
        except exception.InspectorException as exc:
            return {'refused': str(exc)}
        return document

    def test_same_documents_as_release_12(self):
        cases = [('60k ' + name, add_ports, variant)
                 for name, add_ports, variant in _variants(
                     samples.ramdisk_document('60k', 1)[0])]
        cases.append(('1m sample', 'pxe',
                      samples.ramdisk_document('1m', 2)[0]))
        commands = []
        for number, (_, add_ports, document) in enumerate(cases):
            path = os.path.join(self.tempdir, '%d.json' % number)
            with open(path, 'w') as out:
                json.dump(document, out)
            commands.append(['hooks', path, '--add-ports', add_ports])
        config = release12.write_config(
            os.path.join(self.tempdir, 'release12.conf'),
            'sqlite:///' + os.path.join(self.tempdir, 'unused.db'))
        theirs = release12.run_all(config, *commands)

        refused = 0
        for (name, add_ports, document), expected in zip(cases, theirs):
            ours = self._ours(add_ports, copy.deepcopy(document))
            if set(expected) == {'refused'}:
                refused += 1
                self.assertEqual({'refused'}, set(ours), name)
            else:
                self.assertEqual(expected, ours, name)
        # The variants go down the refusing paths too.
        self.assertEqual(4, refused)
