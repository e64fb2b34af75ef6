"""A conductor process and storage-less clients, over the real RabbitMQ."""

import json
import subprocess
import sys
import time

import fixtures
from oslo_utils import uuidutils

from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector.conductor import rpc
from ironic_inspector.conductor import rpcapi
from ironic_inspector.db import documents as db_documents
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import objects
from ironic_inspector.test import base
from ironic_inspector.test import commands
from ironic_inspector.test import rpc_fixtures

objects.register_all()


class RabbitTestCase(base.TestCase):
    """A conductor configuration and a storage-less client configuration."""

    def setUp(self):
        rpc_fixtures.skip_without_rabbit(self)
        super().setUp()
        topic = 'ironic-inspector-test-%s' % uuidutils.generate_uuid()
        messaging = {'transport_url': rpc_fixtures.TRANSPORT_URL,
                     'rpc_response_timeout': '20'}
        self.conductor_config = self.useFixture(commands.CommandFixture({
            'DEFAULT': dict(messaging, host='conductor-%s' % topic[-8:]),
            'conductor': {'topic': topic}}))
        self.conductor_config.create_schema()
        self.node = uuidutils.generate_uuid()
        db_nodes.create_node(self.node, 'finished')
        # The client's database cannot even be opened: every call it makes
        # must go to the conductor.
        self.client_config = self.useFixture(commands.CommandFixture({
            'DEFAULT': messaging, 'conductor': {'topic': topic},
            'database': {'connection':
                         'sqlite:////nonexistent/forbidden.sqlite'}}))

    def _start_conductor(self, **defaults):
        self.conductor_config.options['DEFAULT'].update(defaults)
        self.conductor_config.write_config()
        conductor = rpc_fixtures.ConductorProcess(
            self.conductor_config.config_file)
        self.useFixture(conductor)
        return conductor


class RemoteObjectsTestCase(RabbitTestCase):

    def _run_client(self, *flags):
        """Run rpc_client.py in its own process; return its report."""
        result = subprocess.run(
            [sys.executable, '-m', 'ironic_inspector.test.functional.'
             'rpc_client', self.client_config.config_file, self.node]
            + list(flags), capture_output=True, text=True, timeout=120)
        self.assertEqual(0, result.returncode, result.stderr)
        return json.loads(result.stdout)

    def test_client_without_storage(self):
        conductor = self._start_conductor()
        report = self._run_client()
        self.assertEqual('1.1', report['loaded_version'])
        self.assertTrue(report['has_updated_at'])
        self.assertNotIn('logs', report['data'])
        self.assertEqual('not found', report['after_destroy'])
        # The conductor really wrote the document, in its database.
        self.assertEqual([], db_documents.list_introspection_data())
        conductor.stop()
        self.assertEqual(0, conductor.exit_code, ''.join(conductor.output))

    def test_client_of_the_first_release(self):
        self._start_conductor()
        report = self._run_client('--only-1.0')
        self.assertEqual('1.0', report['loaded_version'])
        self.assertFalse(report['has_updated_at'])
        self.assertEqual('not found', report['after_destroy'])

    def test_pinned_conductor(self):
        self._start_conductor(pin_release_version='1.0')
        for flags in ((), ('--only-1.0',)):
            report = self._run_client(*flags)
            self.assertEqual('1.0', report['loaded_version'])
            self.assertFalse(report['has_updated_at'])


class BrokerRestartTestCase(RabbitTestCase):
    """RabbitMQ restarts under a running conductor and a running client.

    Every RabbitMQ test runs in one stestr worker (group_regex in
    .stestr.conf), so this restart never happens under another of them.
    """

    TIMEOUT = 5

    def setUp(self):
        super().setUp()
        if subprocess.run(['rabbitmqctl', 'status'],
                          capture_output=True).returncode:
            self.skipTest('rabbitmqctl cannot manage the local RabbitMQ')
        self._start_conductor()
        # This test process is the client: objects go over RabbitMQ.
        rpc.register_opts()
        self.config(transport_url=rpc_fixtures.TRANSPORT_URL)
        self.config(group='conductor',
                    topic=self.conductor_config.options['conductor']['topic'])
        self.useFixture(fixtures.MonkeyPatch(
            'ironic_inspector.objects.base.InspectorObject.indirection_api',
            rpcapi.ConductorAPI(timeout=self.TIMEOUT)))
        self.addCleanup(rpc.cleanup)
        self.context = context.RequestContext()

    def _rabbitmqctl(self, action):
        subprocess.run(['rabbitmqctl', action], check=True,
                       capture_output=True, timeout=120)

    def _save(self, generation):
        objects.IntrospectionData(self.context, node_uuid=self.node,
                                  data={'generation': generation}).save()

    def _read(self):
        return objects.IntrospectionData.get_by_node(self.context,
                                                     self.node).data

    def test_calls_fail_clearly_then_resume(self):
        self._save(1)
        self._rabbitmqctl('stop_app')
        self.addCleanup(self._rabbitmqctl, 'start_app')
        started = time.monotonic()
        error = self.assertRaises(exception.ConductorUnavailable,
                                  self._save, 2)
        self.assertLess(time.monotonic() - started, self.TIMEOUT * 3)
        self.assertNotIn('guest:guest', str(error))
        self._rabbitmqctl('start_app')
        deadline = time.monotonic() + 60
        while True:
            try:
                self._save(3)
                break
            except exception.ConductorUnavailable:
                if time.monotonic() > deadline:
                    raise
        self.assertEqual({'generation': 3}, self._read())
