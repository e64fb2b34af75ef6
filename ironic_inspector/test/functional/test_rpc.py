"""A conductor process and storage-less clients, over the real RabbitMQ."""

import json
import select
import signal
import socket
import subprocess
import sys
import time

import fixtures
from oslo_utils import uuidutils

from ironic_inspector.db import api as db_api
from ironic_inspector.test import base
from ironic_inspector.test import commands

RABBIT = ('127.0.0.1', 5672)
TRANSPORT_URL = 'rabbit://guest:guest@127.0.0.1:5672/'
READY_TIMEOUT = 60


def rabbit_reachable():
    try:
        socket.create_connection(RABBIT, timeout=2).close()
        return True
    except OSError:
        return False


class ConductorProcess(fixtures.Fixture):
    """ironic-inspector-conductor in its own process, until cleanup."""

    def __init__(self, config_file):
        super().__init__()
        self.config_file = config_file

    def _setUp(self):
        self.process = subprocess.Popen(
            [sys.executable, '-m', 'ironic_inspector.cmd.conductor',
             '--config-file', self.config_file],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.exit_code = None
        self.addCleanup(self.stop)
        self.output = []
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 1)
            line = self.process.stdout.readline() if ready else ''
            self.output.append(line)
            if 'is ready on topic' in line:
                return
            if self.process.poll() is not None:
                break
        raise AssertionError('the conductor did not start:\n%s'
                             % ''.join(self.output))

    def stop(self):
        """Send SIGTERM and wait; harmless when already stopped."""
        if self.exit_code is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        self.exit_code = self.process.wait(timeout=30)
        self.output.append(self.process.stdout.read())
        self.process.stdout.close()


class RemoteObjectsTestCase(base.TestCase):

    def setUp(self):
        if not rabbit_reachable():
            self.skipTest('RabbitMQ is not reachable on %s:%d' % RABBIT)
        super().setUp()
        topic = 'ironic-inspector-test-%s' % uuidutils.generate_uuid()
        messaging = {'transport_url': TRANSPORT_URL,
                     'rpc_response_timeout': '20'}
        self.conductor_config = self.useFixture(commands.CommandFixture({
            'DEFAULT': dict(messaging, host='conductor-%s' % topic[-8:]),
            'conductor': {'topic': topic}}))
        self.conductor_config.create_schema()
        self.node = uuidutils.generate_uuid()
        db_api.create_node(self.node, 'finished')
        # The client's database cannot even be opened: every call it makes
        # must go to the conductor.
        self.client_config = self.useFixture(commands.CommandFixture({
            'DEFAULT': messaging, 'conductor': {'topic': topic},
            'database': {'connection':
                         'sqlite:////nonexistent/forbidden.sqlite'}}))

    def _start_conductor(self, **defaults):
        self.conductor_config.options['DEFAULT'].update(defaults)
        self.conductor_config.write_config()
        conductor = ConductorProcess(self.conductor_config.config_file)
        self.useFixture(conductor)
        return conductor

    def _run_client(self, *flags):
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
        self.assertEqual([], db_api.list_introspection_data())
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
