"""The pipeline on a real database (SQLite here; test/functional runs it
on MariaDB and PostgreSQL), with the standard hooks."""

import fixtures

from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector import objects
from ironic_inspector.processing import hooks
from ironic_inspector.processing.hooks import base as hooks_base
from ironic_inspector.processing import pipeline
from ironic_inspector.test import base
from ironic_inspector.test import samples
from ironic_inspector.test import third_party

objects.register_all()

NODE = '3d2a4ed1-5b5e-4c36-9a8e-0d6f3c0b6a51'
SECRET = 'ipmi password: Hunter2-do-not-log'
HOOK_KEYS = ('local_gb', 'cpus', 'cpu_arch', 'memory_mb', 'all_interfaces',
             'interfaces', 'macs')


class PipelineTestCase(base.DbTestCase):

    def setUp(self):
        super().setUp()
        if not samples.available('60k'):
            self.skipTest('sample %s is missing' % samples.path('60k'))
        self.context = context.RequestContext()
        self.document, self.bmc_address, self.macs = (
            samples.ramdisk_document('60k', 11))
        self.document['logs'] = SECRET
        objects.Node(self.context, uuid=NODE, state='waiting',
                     macs=self.macs[2:3]).create()

    def node(self):
        return objects.Node.get_by_uuid(self.context, NODE)

    def stored(self, processed):
        return objects.IntrospectionData.get_by_node(
            self.context, NODE, processed=processed).data

    def assertNotStored(self, processed):
        self.assertRaises(exception.IntrospectionDataNotFound, self.stored,
                          processed)

    def assertNoSecret(self):
        self.assertNotIn(SECRET, self.logs.output)
        for processed in (True, False):
            try:
                self.assertNotIn('logs', self.stored(processed))
            except exception.IntrospectionDataNotFound:
                pass

    def use_hooks(self, *extra):
        """The standard hooks followed by ``extra`` hook objects."""
        loaded = hooks.load(self.CONF) + list(extra)
        self.useFixture(fixtures.MockPatchObject(
            hooks, 'get_hooks', return_value=loaded))

    @property
    def CONF(self):
        from ironic_inspector import conf
        return conf.CONF


class ProcessTestCase(PipelineTestCase):

    def test_process(self):
        unprocessed = {key: value for key, value in self.document.items()
                       if key != 'logs'}
        node = pipeline.process(self.context, self.document)
        self.assertEqual((NODE, 'finished', None),
                         (node.uuid, node.state, node.error))
        self.assertIsNotNone(self.node().finished_at)
        self.assertEqual(unprocessed, self.stored(False))
        processed = self.stored(True)
        self.assertEqual(445, processed['local_gb'])
        self.assertEqual([self.macs[0]], processed['macs'])
        self.assertIn('lldp_processed', processed['all_interfaces']['eno1'])
        self.assertEqual(set(unprocessed) | set(HOOK_KEYS) | {
            'ipmi_address', 'ipmi_v6address'}, set(processed))
        self.assertNoSecret()

    def test_found_by_bmc_address(self):
        objects.Node.get_by_uuid(self.context, NODE).destroy()
        objects.Node(self.context, uuid=NODE, state='waiting',
                     bmc_addresses=[self.bmc_address]).create()
        self.assertEqual(NODE, pipeline.process(self.context,
                                                self.document).uuid)

    def test_ramdisk_error(self):
        self.document['error'] = 'No disks found'
        error = self.assertRaises(exception.RamdiskError, pipeline.process,
                                  self.context, self.document)
        self.assertEqual(400, error.code)
        node = self.node()
        self.assertEqual(('error', 'Ramdisk reported error: No disks found'),
                         (node.state, node.error))
        self.assertEqual('No disks found', self.stored(False)['error'])
        self.assertNotStored(True)
        self.assertNoSecret()

    def test_hook_failure(self):
        self.config(group='processing', add_ports='active')
        for interface in self.document['inventory']['interfaces']:
            interface.update(ipv4_address=None, ipv6_address=None)
        error = self.assertRaises(exception.ProcessingFailed,
                                  pipeline.process, self.context,
                                  self.document)
        self.assertIn('Processing hook validate_interfaces failed: no '
                      'suitable network interface', str(error))
        node = self.node()
        self.assertEqual(('error', str(error)), (node.state, node.error))
        self.assertIn('eno1', str(self.stored(False)['inventory']))
        self.assertNotStored(True)
        self.assertNoSecret()

    def test_hook_crash(self):
        class Crashing(hooks_base.ProcessingHook):
            name = 'crashing'

            def __call__(self, node, document):
                raise KeyError(SECRET[:4])

        self.use_hooks(Crashing(self.CONF))
        error = self.assertRaises(exception.HookCrashed, pipeline.process,
                                  self.context, self.document)
        self.assertEqual(500, error.code)
        self.assertEqual("Unexpected KeyError in processing hook crashing: "
                         "'ipmi'", str(error))
        self.assertEqual('error', self.node().state)
        self.stored(False)
        self.assertNotStored(True)
        self.assertNoSecret()

    def test_unknown_node(self):
        for interface in self.document['inventory']['interfaces']:
            interface['mac_address'] = '52:54:ff:00:00:01'
        error = self.assertRaises(exception.NodeLookupFailed,
                                  pipeline.process, self.context,
                                  self.document)
        self.assertIn('mac 52:54:ff:00:00:01', str(error))
        self.assertEqual('waiting', self.node().state)
        self.assertNotStored(False)
        self.assertNoSecret()

    def test_node_not_waiting(self):
        pipeline.process(self.context, dict(self.document))
        before = self.stored(False)
        self.document['inventory']['hostname'] = 'second-run'
        error = self.assertRaises(exception.NodeStateInvalid,
                                  pipeline.process, self.context,
                                  self.document)
        self.assertIn('is finished; processing needs it to be waiting',
                      str(error))
        self.assertEqual(before, self.stored(False))
        self.assertEqual('finished', self.node().state)

    def test_second_processing_of_a_node_is_locked(self):
        second = dict(self.document)
        outcome = []

        class ProcessAgain(hooks_base.ProcessingHook):
            """Starts a second processing while the first runs."""
            name = 'process_again'

            def __call__(hook, node, document):
                try:
                    pipeline.process(self.context, second)
                except exception.NodeLocked as exc:
                    outcome.append(exc)

        self.use_hooks(ProcessAgain(self.CONF))
        node = pipeline.process(self.context, self.document)
        self.assertEqual('finished', node.state)
        self.assertEqual(1, len(outcome))
        self.assertEqual('Node %s is locked: it is being processed (state '
                         'processing); try again later.' % NODE,
                         str(outcome[0]))
        self.assertEqual(409, outcome[0].code)

    def test_not_a_json_object(self):
        for bad in ([self.document], 'text', None):
            error = self.assertRaises(exception.InvalidIntrospectionData,
                                      pipeline.process, self.context, bad)
            self.assertIn('expected a JSON object', str(error))
        self.assertEqual('waiting', self.node().state)

    def test_too_large_for_storage(self):
        self.config(group='processing', max_data_size=1024)
        error = self.assertRaises(exception.IntrospectionDataTooLarge,
                                  pipeline.process, self.context,
                                  self.document)
        self.assertEqual(413, error.code)
        self.assertNotStored(False)
        self.assertEqual('error', self.node().state)

    def test_too_large_for_another_backend(self):
        # A backend other than the database stores the document once the
        # node is locked: the node ends in error all the same.
        self.useFixture(third_party.MemoryStoreFixture())
        self.config(group='processing', storage_backend='memory',
                    max_data_size=1024)
        error = self.assertRaises(exception.IntrospectionDataTooLarge,
                                  pipeline.process, self.context,
                                  self.document)
        node = self.node()
        self.assertEqual(('error', str(error)), (node.state, node.error))
        self.assertNotStored(False)

    def test_bad_hook_configuration_changes_nothing(self):
        self.config(group='processing', processing_hooks='nosuchhook')
        self.assertRaises(exception.ConfigInvalid, pipeline.process,
                          self.context, self.document)
        self.assertEqual('waiting', self.node().state)
        self.assertNotStored(False)


class ReapplyTestCase(PipelineTestCase):

    def setUp(self):
        super().setUp()
        pipeline.process(self.context, self.document)

    def test_reapply_stored_document(self):
        self.config(group='processing', add_ports='all')
        hooks.clear_cache()   # hooks read their options when built
        node = pipeline.reapply(self.context, NODE)
        self.assertEqual('finished', node.state)
        self.assertEqual(6, len(self.stored(True)['interfaces']))
        self.assertNoSecret()

    def test_reapply_new_document(self):
        document, _, _ = samples.ramdisk_document('60k', 12)
        document.update(logs=SECRET)
        document['inventory']['cpu']['count'] = 4
        pipeline.reapply(self.context, NODE.upper(), document)
        self.assertEqual(4, self.stored(False)['inventory']['cpu']['count'])
        self.assertEqual(4, self.stored(True)['cpus'])
        self.assertNoSecret()

    def test_reapply_failure_keeps_documents(self):
        processed = self.stored(True)
        document = dict(self.stored(False), error='kernel panic')
        error = self.assertRaises(exception.RamdiskError, pipeline.reapply,
                                  self.context, NODE, document)
        node = self.node()
        self.assertEqual(('error', str(error)), (node.state, node.error))
        self.assertEqual('kernel panic', self.stored(False)['error'])
        self.assertEqual(processed, self.stored(True))
        # Fixed data: the node finishes again.
        document['error'] = None
        self.assertEqual('finished', pipeline.reapply(self.context, NODE,
                                                      document).state)

    def test_no_unprocessed_document(self):
        objects.IntrospectionData(self.context, node_uuid=NODE,
                                  processed=False, data={}).destroy()
        self.assertRaises(exception.IntrospectionDataNotFound,
                          pipeline.reapply, self.context, NODE)
        self.assertEqual('finished', self.node().state)

    def test_unknown_and_bad_nodes(self):
        self.assertRaises(exception.NodeNotFound, pipeline.reapply,
                          self.context, '6f3e3c8c-0f2b-4a43-9d36-1f1b6f2f8b0e')
        self.assertRaises(exception.InvalidUUID, pipeline.reapply,
                          self.context, 'not-a-uuid')
        self.assertRaises(exception.InvalidIntrospectionData,
                          pipeline.reapply, self.context, NODE, ['x'])
        self.assertEqual('finished', self.node().state)

    def test_reapply_while_locked(self):
        node = self.node()
        node.start_reapply()
        error = self.assertRaises(exception.NodeLocked, pipeline.reapply,
                                  self.context, NODE)
        self.assertIn('state reapplying', str(error))
