"""ironic-inspector-quickstart on a fresh SQLite database: the processing
pipeline on the shipped ramdisk document, and on a user's own."""

import json
import os

from ironic_inspector.cmd import quickstart
from ironic_inspector.common import context
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import objects
from ironic_inspector.test import base
from ironic_inspector.test import commands
from ironic_inspector.test import samples


class QuickstartTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.command = self.useFixture(commands.CommandFixture())

    def _quickstart(self, *args, rc=0):
        code, out, err = self.command.run('quickstart', *args)
        self.assertEqual(rc, code, out + err)
        return out, err

    def _documents(self, node_uuid):
        ctx = context.get_admin_context()
        return [objects.IntrospectionData.get_by_node(
            ctx, node_uuid, processed=processed).data
            for processed in (False, True)]

    def _write(self, document):
        name = os.path.join(self.command.path, 'mine.json')
        with open(name, 'w') as mine:
            json.dump(document, mine)
        return name

    def test_shipped_document_through_the_pipeline(self):
        with quickstart.SAMPLE.open() as sample:
            sent = json.load(sample)
        out, _ = self._quickstart()
        self.assertIn('found by BMC address 192.0.2.200 and 6 MACs', out)
        self.assertIn('CPUs         128 x86_64', out)
        self.assertIn('memory       524288 MiB', out)
        self.assertIn('root disk    /dev/sda (PERC H740P Mini), '
                      '479559942144 bytes; local_gb 445', out)
        self.assertIn('eno1     ae:84:4c:bb:bc:ab 192.0.2.10 (PXE)', out)
        self.assertIn('PXE MAC      ae:84:4c:bb:bc:ab', out)
        self.assertIn('"logs" key was dropped', out)
        # It ran for real: a finished node, the document as the ramdisk
        # sent it (less its logs), and what the hooks made of it.
        self.command.create_schema()
        [node] = db_nodes.list_nodes()
        self.assertEqual('finished', node['state'])
        self.assertIn(node['uuid'], out)
        unprocessed, processed = self._documents(node['uuid'])
        sent.pop('logs')
        self.assertEqual(sent, unprocessed)
        self.assertEqual((128, 'x86_64', 524288, 445),
                         (processed['cpus'], processed['cpu_arch'],
                          processed['memory_mb'], processed['local_gb']))
        self.assertEqual(['ae:84:4c:bb:bc:ab'], processed['macs'])
        self.assertNotIn('logs', processed)

    def test_second_run_processes_the_same_node_again(self):
        first, _ = self._quickstart()
        second, _ = self._quickstart()
        self.assertIn('Processing again the earlier run\'s node', second)
        self.command.create_schema()
        [node] = db_nodes.list_nodes()
        self.assertIn(node['uuid'], first)
        self.assertIn(node['uuid'], second)
        self.assertEqual('finished', node['state'])

    def test_own_document(self):
        if not samples.available('60k'):
            self.skipTest('sample %s is missing' % samples.path('60k'))
        document, bmc_address, macs = samples.ramdisk_document('60k', 7)
        out, _ = self._quickstart(self._write(document))
        self.assertIn('found by BMC address %s and %d MACs'
                      % (bmc_address, len(macs)), out)
        self.command.create_schema()
        [node] = db_nodes.list_nodes()
        unprocessed, processed = self._documents(node['uuid'])
        self.assertEqual(document, unprocessed)
        self.assertEqual('node-7', processed['inventory']['hostname'])

    def test_document_without_lookup_data(self):
        _, err = self._quickstart(self._write({'inventory': {}}), rc=1)
        self.assertEqual(1, len(err.splitlines()), err)
        self.assertIn('no BMC address and no MAC', err)
        self.command.create_schema()
        self.assertEqual([], db_nodes.list_nodes())

    def test_ramdisk_error_ends_in_error_with_the_document_kept(self):
        with quickstart.SAMPLE.open() as sample:
            document = json.load(sample)
        document['error'] = 'The disks are on fire'
        _, err = self._quickstart(self._write(document), rc=1)
        self.assertEqual(1, len(err.splitlines()), err)
        self.assertIn('The disks are on fire', err)
        self.command.create_schema()
        [node] = db_nodes.list_nodes()
        self.assertEqual('error', node['state'])
        ctx = context.get_admin_context()
        self.assertEqual('The disks are on fire', objects.IntrospectionData
                         .get_by_node(ctx, node['uuid'], processed=False)
                         .data['error'])

    def test_unreadable_file(self):
        _, err = self._quickstart('/nonexistent.json', rc=1)
        self.assertIn('cannot read /nonexistent.json', err)
