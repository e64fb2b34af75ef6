"""Each standard hook alone, on ramdisk documents made from the samples;
and the loading of the configured hooks."""

from ironic_inspector.common import exception
from ironic_inspector import conf
from ironic_inspector import objects
from ironic_inspector.processing import hooks
from ironic_inspector.processing.hooks import lldp_basic
from ironic_inspector.processing.hooks import ramdisk_error
from ironic_inspector.processing.hooks import root_disk_selection
from ironic_inspector.processing.hooks import scheduler
from ironic_inspector.processing.hooks import validate_interfaces
from ironic_inspector.processing import lldp
from ironic_inspector.test import base
from ironic_inspector.test import samples

NODE = '7a0c8ae4-7d0b-4dd3-a62a-2bc0b51c5c2b'
GiB = 1024 ** 3

objects.register_all()


class HookTestCase(base.TestCase):
    """A ramdisk document of the 60k sample and a node to run hooks on."""

    def setUp(self):
        super().setUp()
        if not samples.available('60k'):
            self.skipTest('sample %s is missing' % samples.path('60k'))
        self.document, self.bmc_address, self.macs = (
            samples.ramdisk_document('60k', 7))
        self.node = objects.Node(uuid=NODE, state='processing')

    def run_hook(self, hook_class, document=None):
        """Run both steps of a hook built from this test's configuration.
        """
        hook = hook_class(conf.CONF)
        hook.name = 'hook-under-test'
        document = self.document if document is None else document
        hook.preprocess(self.node, document)
        hook(self.node, document)
        return document


class LoaderTestCase(HookTestCase):

    def test_default_hooks_in_order(self):
        self.assertEqual(
            ['ramdisk_error', 'root_disk_selection', 'scheduler',
             'validate_interfaces', 'lldp_basic'],
            [hook.name for hook in hooks.load(conf.CONF)])

    def test_processing_hooks_follow_the_defaults(self):
        self.config(group='processing',
                    default_processing_hooks='ramdisk_error, scheduler')
        self.assertEqual(['ramdisk_error', 'scheduler'],
                         [hook.name for hook in hooks.load(conf.CONF)])

    def assertRefused(self, value, *fragments):
        self.config(group='processing', processing_hooks=value)
        error = self.assertRaises(exception.ConfigInvalid, hooks.load,
                                  conf.CONF)
        for fragment in ('[processing]processing_hooks',) + fragments:
            self.assertIn(fragment, str(error))

    def test_unknown_hook(self):
        self.assertRefused('ramdisk_error,capabilities', 'unknown hook '
                           'capabilities', 'installed: lldp_basic, '
                           'ramdisk_error, root_disk_selection')

    def test_hook_before_its_dependency(self):
        self.assertRefused('lldp_basic,validate_interfaces',
                           'hook lldp_basic needs validate_interfaces '
                           'before it')
        self.assertRefused('lldp_basic', 'needs validate_interfaces')

    def test_hook_twice(self):
        self.assertRefused('scheduler,scheduler', 'scheduler listed more '
                                                  'than once')

    def test_loaded_once(self):
        self.assertIs(hooks.get_hooks(conf.CONF), hooks.get_hooks(conf.CONF))


class RamdiskErrorTestCase(HookTestCase):

    def test_error_fails_processing(self):
        self.document['error'] = 'No disks found'
        error = self.assertRaises(exception.RamdiskError, self.run_hook,
                                  ramdisk_error.RamdiskErrorHook)
        self.assertEqual('Ramdisk reported error: No disks found',
                         str(error))
        self.assertEqual(400, error.code)

    def test_no_error(self):
        self.assertIsNone(self.document['error'])
        before = dict(self.document)
        self.assertEqual(before, self.run_hook(
            ramdisk_error.RamdiskErrorHook))


class RootDiskSelectionTestCase(HookTestCase):

    def test_local_gb_is_root_disk_size_in_gib_minus_one(self):
        size = self.document['root_disk']['size']
        self.assertEqual(479559942144, size)
        document = self.run_hook(root_disk_selection.RootDiskSelectionHook)
        self.assertEqual(size // GiB - 1, document['local_gb'])
        self.assertEqual(445, document['local_gb'])

    def test_without_partitioning_spacing(self):
        self.config(group='processing', disk_partitioning_spacing=False)
        document = self.run_hook(root_disk_selection.RootDiskSelectionHook)
        self.assertEqual(446, document['local_gb'])

    def test_diskless_and_tiny_disks(self):
        del self.document['root_disk']
        self.assertEqual(0, self.run_hook(
            root_disk_selection.RootDiskSelectionHook)['local_gb'])
        self.document['root_disk'] = {'name': '/dev/sda', 'size': GiB - 1}
        self.assertEqual(0, self.run_hook(
            root_disk_selection.RootDiskSelectionHook)['local_gb'])
        self.document['root_disk'] = {'name': '/dev/sda', 'size': 2 * GiB}
        self.assertEqual(1, self.run_hook(
            root_disk_selection.RootDiskSelectionHook)['local_gb'])

    def test_no_inventory(self):
        del self.document['inventory']
        error = self.assertRaises(exception.ProcessingFailed, self.run_hook,
                                  root_disk_selection.RootDiskSelectionHook)
        self.assertIn('hook-under-test failed: the hardware inventory is '
                      'empty or missing', str(error))


class SchedulerTestCase(HookTestCase):

    def test_properties_from_inventory(self):
        document = self.run_hook(scheduler.SchedulerHook)
        self.assertEqual((128, 'x86_64', 524288),
                         (document['cpus'], document['cpu_arch'],
                          document['memory_mb']))

    def test_malformed_values_are_left_out(self):
        self.document['inventory']['cpu'] = {'count': 'lots'}
        del self.document['inventory']['memory']['physical_mb']
        document = self.run_hook(scheduler.SchedulerHook)
        for key in ('cpus', 'cpu_arch', 'memory_mb'):
            self.assertNotIn(key, document)
        self.assertIn('malformed or missing CPU information',
                      self.logs.output)


class ValidateInterfacesTestCase(HookTestCase):

    def interface(self, name):
        for interface in self.document['inventory']['interfaces']:
            if interface['name'] == name:
                return interface

    def test_pxe_interface(self):
        self.assertEqual('01-' + self.macs[0].replace(':', '-'),
                         self.document['boot_interface'])
        document = self.run_hook(validate_interfaces.ValidateInterfacesHook)
        self.assertEqual(['eno1', 'eno2', 'ens1f0', 'ens1f1', 'ens2f0',
                          'ens2f1'], sorted(document['all_interfaces']))
        self.assertEqual({'eno1': {'ip': '192.0.2.10', 'mac': self.macs[0],
                                   'client_id': None, 'pxe': True}},
                         document['interfaces'])
        self.assertEqual([self.macs[0]], document['macs'])
        self.assertEqual({'ip': 'fe80::25c8:ead5:e345:683d',
                          'mac': self.macs[2], 'client_id': None,
                          'pxe': False},
                         document['all_interfaces']['ens1f0'])
        self.assertEqual((self.bmc_address, None),
                         (document['ipmi_address'],
                          document['ipmi_v6address']))
        # The ramdisk's boot_interface stays as it sent it.
        self.assertEqual('01-' + self.macs[0].replace(':', '-'),
                         document['boot_interface'])

    def test_add_ports(self):
        for mode, expected in (('active', ['eno1', 'eno2', 'ens1f0',
                                           'ens1f1', 'ens2f0', 'ens2f1']),
                               ('all', ['eno1', 'eno2', 'ens1f0', 'ens1f1',
                                        'ens2f0', 'ens2f1'])):
            self.config(group='processing', add_ports=mode)
            document = self.run_hook(
                validate_interfaces.ValidateInterfacesHook)
            self.assertEqual(expected, sorted(document['interfaces']), mode)
        # Without IPv6 link-local addresses, "active" means IPv4 here.
        for name in ('ens1f0', 'ens1f1', 'ens2f0', 'ens2f1'):
            self.interface(name)['ipv6_address'] = None
        self.config(group='processing', add_ports='active')
        document = self.run_hook(validate_interfaces.ValidateInterfacesHook)
        self.assertEqual(['eno1', 'eno2'], sorted(document['interfaces']))
        self.assertEqual(self.macs[:2], document['macs'])

    def test_pxe_without_boot_interface_takes_active_ones(self):
        del self.document['boot_interface']
        for name in ('ens1f0', 'ens1f1', 'ens2f0', 'ens2f1'):
            self.interface(name)['ipv6_address'] = None
        document = self.run_hook(validate_interfaces.ValidateInterfacesHook)
        self.assertEqual(['eno1', 'eno2'], sorted(document['interfaces']))
        self.assertFalse(any(interface['pxe'] for interface
                             in document['all_interfaces'].values()))

    def test_bad_mac_no_mac_and_loopback_are_skipped(self):
        self.interface('ens1f0')['mac_address'] = 'not-a-mac'
        self.interface('ens1f1')['mac_address'] = None
        self.interface('eno2').update(name='lo', ipv4_address='127.0.0.1')
        self.config(group='processing', add_ports='all')
        document = self.run_hook(validate_interfaces.ValidateInterfacesHook)
        self.assertEqual(['eno1', 'ens2f0', 'ens2f1', 'lo'],
                         sorted(document['all_interfaces']))
        self.assertEqual(['eno1', 'ens2f0', 'ens2f1'],
                         sorted(document['interfaces']))

    def test_no_suitable_interface(self):
        self.config(group='processing', add_ports='active')
        for interface in self.document['inventory']['interfaces']:
            interface.update(ipv4_address=None, ipv6_address=None)
        error = self.assertRaises(exception.ProcessingFailed, self.run_hook,
                                  validate_interfaces.ValidateInterfacesHook)
        self.assertIn('no suitable network interface among eno1, eno2',
                      str(error))
        self.assertIn('add_ports = active', str(error))

    def test_unknown_bmc_addresses(self):
        self.document['inventory'].update(bmc_address='0.0.0.0',
                                          bmc_v6address='fd00::1')
        document = self.run_hook(validate_interfaces.ValidateInterfacesHook)
        self.assertEqual((None, 'fd00::1'), (document['ipmi_address'],
                                             document['ipmi_v6address']))


class LLDPBasicTestCase(HookTestCase):

    def run_lldp(self):
        document = self.run_hook(validate_interfaces.ValidateInterfacesHook)
        return self.run_hook(lldp_basic.LLDPBasicHook, document)

    def test_sample_interfaces(self):
        document = self.run_lldp()
        eno1 = document['all_interfaces']['eno1']['lldp_processed']
        self.assertEqual('9a:3f:19:d0:b7:99', eno1['switch_chassis_id'])
        self.assertEqual('Ethernet1/1', eno1['switch_port_id'])
        self.assertEqual('leaf-38.rack05.dc1.example.net',
                         eno1['switch_system_name'])
        self.assertEqual(['Bridge', 'Router'],
                         eno1['switch_capabilities_enabled'])
        self.assertEqual(['10.159.46.158'], eno1['switch_mgmt_addresses'])
        self.assertEqual(15, eno1['switch_port_untagged_vlan_id'])
        self.assertEqual({'id': 15, 'name': 'vlan0015-tenant-z2rd'},
                         eno1['switch_port_vlans'][0])
        self.assertEqual(6, len(eno1['switch_port_vlans']))
        self.assertEqual(9000, eno1['switch_port_mtu'])
        self.assertEqual('100BASE-TX full duplex',
                         eno1['switch_port_mau_type'])
        self.assertIs(False, eno1['switch_port_link_aggregation_enabled'])
        # "interfaces" shows the same for the interfaces it lists.
        self.assertEqual(eno1,
                         document['interfaces']['eno1']['lldp_processed'])
        self.assertEqual(6, sum('lldp_processed' in interface for interface
                                in document['all_interfaces'].values()))

    def test_lldp_raw_wins_and_bad_interfaces_are_skipped(self):
        interfaces = self.document['inventory']['interfaces']
        interfaces[1]['lldp'] = [[5, 'zz'], [6, 'ff'], [2, '03aabb']]
        interfaces[2]['mac_address'] = 'not-a-mac'
        self.document['lldp_raw'] = {'eno1': [[5, '6c656166']]}
        document = self.run_lldp()
        self.assertEqual({'switch_system_name': 'leaf'},
                         document['all_interfaces']['eno1']['lldp_processed'])
        # Not hexadecimal, not UTF-8, a short MAC: nothing decoded.
        self.assertNotIn('lldp_processed', document['all_interfaces']['eno2'])
        self.assertNotIn('ens1f0', document['all_interfaces'])


class LLDPParseTestCase(base.TestCase):

    def test_identifiers(self):
        self.assertEqual(
            {'switch_chassis_id': '192.0.2.1', 'switch_port_id': 'swp1'},
            lldp.parse([[1, '0501c0000201'], [2, '0773777031'],
                        [1, '04aabbccddeeff']]))
        self.assertEqual({'switch_port_id': 'aa:bb:cc:dd:ee:ff'},
                         lldp.parse([[2, '03aabbccddeeff']]))

    def test_malformed_tlvs_are_skipped(self):
        for tlv in ([1, '04aabb'], [1, '0901'], [7, '0014'], [8, '0505'],
                    [127, '0080c2070301'], [127, '00120f01030000ffff'],
                    [127, '0080c203000c09766c'], [3, '0078'], [0, ''],
                    [5, 'zz'], [6, 'ff'], ['x'], 5, [127, '0080']):
            self.assertEqual({}, lldp.parse([tlv]), tlv)

    def test_lists_grow_single_values_stay(self):
        found = lldp.parse([[127, '0080c20206000a'], [127, '0080c2020000c8'],
                            [127, '0080c20403888e01'], [127, '00120f0405dc'],
                            [127, '00120f042328']])
        self.assertEqual([10, 200], found['switch_port_protocol_vlan_ids'])
        self.assertIs(True, found['switch_port_protocol_vlan_enabled'])
        self.assertEqual(['888e01'], found['switch_protocol_identities'])
        self.assertEqual(1500, found['switch_port_mtu'])
