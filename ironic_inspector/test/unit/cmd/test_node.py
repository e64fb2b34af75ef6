"""ironic-inspector-node, run as an operator runs it, on SQLite."""

import json

from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector import objects
from ironic_inspector.processing import pipeline
from ironic_inspector.test import base
from ironic_inspector.test import commands
from ironic_inspector.test import samples

NODE = '0d6cc5c5-1b1f-4b67-8a15-a0c0b42f2f4a'
OTHER = 'a3e4b8f0-1b2c-4d5e-8f90-0123456789ab'
MACS = ['52:54:00:00:00:01', '52:54:00:00:00:02']


class NodeCommandTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.command = self.useFixture(commands.CommandFixture())
        self.command.create_schema()
        objects.register_all()
        self.context = context.RequestContext()

    def node(self, *args):
        return self.command.run('node', *args)

    def add(self, uuid, *args):
        rc, out, err = self.node('add', uuid, '-f', 'json', *args)
        self.assertEqual(0, rc, err)
        return json.loads(out)

    def assertFails(self, expected_rc, fragment, *args):
        rc, out, err = self.node(*args)
        self.assertEqual(expected_rc, rc, out + err)
        self.assertNotIn('Traceback', err)
        self.assertIn(fragment, err)
        if expected_rc == 1:
            self.assertEqual(['ironic-inspector-node: error: ' + fragment],
                             err.splitlines())

    def test_add_show_list(self):
        added = self.add(NODE, '--mac', MACS[1], '--mac', MACS[0].upper(),
                         '--bmc-address', '192.0.2.1')
        self.assertEqual({'UUID': NODE, 'State': 'waiting',
                          'BMC addresses': ['192.0.2.1'],
                          'MACs': [MACS[1], MACS[0]],
                          'Finished at': None, 'Error': None},
                         {k: v for k, v in added.items()
                          if k != 'Started at'})
        self.assertIsNotNone(added['Started at'])
        rc, out, err = self.node('show', NODE, '-f', 'json')
        self.assertEqual(0, rc, err)
        self.assertEqual(dict(added, MACs=MACS), json.loads(out))
        self.add(OTHER)
        rc, out, err = self.node('list', '-f', 'value', '-c', 'UUID')
        self.assertEqual((0, [NODE, OTHER]), (rc, out.splitlines()), err)
        rc, out, err = self.node('list')
        self.assertEqual(0, rc, err)
        self.assertIn('| %s | waiting | 192.0.2.1     | %s |'
                      % (NODE, ', '.join(MACS)), out)

    def test_bad_input_is_one_line(self):
        self.add(NODE, '--mac', MACS[0])
        self.assertFails(1, 'mac %s is already used by node %s.'
                         % (MACS[0], NODE), 'add', OTHER, '--mac', MACS[1],
                         '--mac', MACS[0])
        self.assertFails(1, "Expected a MAC address like 52:54:00:12:34:56 "
                            "but received '52:54:00:00:01'.",
                         'add', OTHER, '--mac', '52:54:00:00:01')
        self.assertFails(1, "Expected an IPv4 or IPv6 address but received "
                            "'bmc.example.com'.", 'add', OTHER,
                         '--bmc-address', 'bmc.example.com')
        self.assertFails(1, "Expected a node UUID but received 'node-1'.",
                         'add', 'node-1')
        self.assertFails(1, 'Node %s is already in the node cache.' % NODE,
                         'add', NODE)
        self.assertFails(1, 'Node %s was not found in the node cache.'
                         % OTHER, 'show', OTHER)
        self.assertFails(1, 'Node %s was not found in the node cache.'
                         % OTHER, 'delete', OTHER)
        # Nothing of the refused nodes was written.
        self.assertRaises(exception.NodeNotFound, objects.Node.get_by_uuid,
                          self.context, OTHER)

    def test_usage_errors(self):
        self.assertFails(2, 'the following arguments are required: UUID',
                         'add')
        self.assertFails(2, 'unrecognized arguments: --nic', 'add', NODE,
                         '--nic', MACS[0])

    def test_delete_removes_documents_and_lookup_data(self):
        self.add(NODE, '--mac', MACS[0])
        for processed in (True, False):
            objects.IntrospectionData(self.context, node_uuid=NODE,
                                      processed=processed,
                                      data={'a': 1}).save()
        rc, out, err = self.node('delete', NODE)
        self.assertEqual((0, ''), (rc, out), err)
        for processed in (True, False):
            self.assertRaises(exception.IntrospectionDataNotFound,
                              objects.IntrospectionData.get_by_node,
                              self.context, NODE, processed=processed)
        # Its MAC is free again.
        self.add(OTHER, '--mac', MACS[0])

    def test_added_node_receives_its_ramdisk_data(self):
        if not samples.available('60k'):
            self.skipTest('sample %s is missing' % samples.path('60k'))
        document, bmc_address, macs = samples.ramdisk_document('60k', 31)
        self.add(NODE, '--bmc-address', bmc_address)
        self.assertEqual(NODE, pipeline.process(self.context,
                                                document).uuid)
        rc, out, err = self.node('show', NODE, '-f', 'value', '-c', 'State')
        self.assertEqual((0, 'finished\n'), (rc, out), err)


class NodeCommandDatabaseDownTestCase(base.TestCase):

    def test_unreachable_database_is_one_line_without_password(self):
        command = self.useFixture(commands.CommandFixture({'database': {
            'connection': 'mysql+pymysql://inspector:Secret-Pa55@'
                          '127.0.0.1:1/inspector'}}))
        for args in (('list',), ('add', NODE, '--mac', MACS[0])):
            # The password is in the configuration, never in the output.
            rc, out, err = command.run('node', *args)
            self.assertEqual(1, rc, out + err)
            self.assertEqual(1, len(err.splitlines()), err)
            self.assertIn("ironic-inspector-node: error: Database error: "
                          "(2003, \"Can't connect to MySQL server", err)
            self.assertNotIn('Secret-Pa55', out + err)
