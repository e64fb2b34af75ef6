"""Conductors for the tests: an RPC server thread in the test process,
or ironic-inspector-conductor in a process of its own on RabbitMQ."""

import select
import signal
import socket
import subprocess
import sys
import threading
import time

import fixtures
import oslo_messaging as messaging

from ironic_inspector.conductor import manager
from ironic_inspector.conductor import rpc
from ironic_inspector.conductor import rpcapi
from ironic_inspector.objects import base

RABBIT = ('127.0.0.1', 5672)
TRANSPORT_URL = 'rabbit://guest:guest@127.0.0.1:5672/'
READY_TIMEOUT = 60


def skip_without_rabbit(test):
    """Skip ``test``, saying why, when RabbitMQ does not answer."""
    try:
        socket.create_connection(RABBIT, timeout=2).close()
    except OSError as exc:
        test.skipTest('RabbitMQ is not reachable on %s:%d: %s'
                      % (RABBIT + (exc,)))


class ConductorFixture(fixtures.Fixture):
    """Serves ConductorManager on ``topic`` and routes object calls to it.

    While the fixture is up, remotable calls of every object go over the
    transport of ``[DEFAULT]transport_url`` (the in-process driver unless
    the test configures another) to the server thread.
    """

    def __init__(self, topic, timeout=10):
        super().__init__()
        self.topic = topic
        self.timeout = timeout

    def _setUp(self):
        self.addCleanup(rpc.cleanup)
        target = messaging.Target(topic=self.topic, server='test-conductor')
        server = messaging.get_rpc_server(
            rpc.get_transport(), target, [manager.ConductorManager()],
            serializer=base.InspectorObjectSerializer())
        server.start()
        self.addCleanup(server.wait)
        self.addCleanup(server.stop)
        self.useFixture(fixtures.MonkeyPatch(
            'ironic_inspector.objects.base.InspectorObject.indirection_api',
            rpcapi.ConductorAPI(topic=self.topic, timeout=self.timeout)))


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
        self._reader = None
        self.addCleanup(self.stop)
        self.output = []
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 1)
            line = self.process.stdout.readline() if ready else ''
            self.output.append(line)
            if 'is ready on topic' in line:
                # NOTE: keep reading, or a conductor that logs much would
                # block on a full pipe.
                self._reader = threading.Thread(target=self._read_output)
                self._reader.start()
                return
            if self.process.poll() is not None:
                break
        raise AssertionError('the conductor did not start:\n%s'
                             % ''.join(self.output))

    def _read_output(self):
        for line in self.process.stdout:
            self.output.append(line)

    def stop(self):
        """Send SIGTERM and wait; harmless when already stopped."""
        if self.exit_code is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        self.exit_code = self.process.wait(timeout=30)
        if self._reader is not None:
            self._reader.join()
        else:
            self.output.append(self.process.stdout.read())
        self.process.stdout.close()
