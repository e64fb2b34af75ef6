"""The API for the tests: in this process (Flask's test client), or
ironic-inspector-api in a process of its own on a free port."""

import os
import signal
import socket
import subprocess
import sys
import time

import bcrypt
import fixtures

READY_TIMEOUT = 60
READY_LINE = 'API is serving on '


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def write_user_file(path, users, rounds=4):
    """An htpasswd file of bcrypt hashes for ``{name: password}``.

    ``rounds`` 4 keeps the tests fast; the format is the same as
    ``htpasswd -B`` writes.
    """
    with open(path, 'w') as user_file:
        for name, password in users.items():
            hashed = bcrypt.hashpw(password.encode(),
                                   bcrypt.gensalt(rounds)).decode()
            user_file.write('%s:%s\n' % (name, hashed.replace('$2b$',
                                                              '$2y$', 1)))


class ApiProcess(fixtures.Fixture):
    """ironic-inspector-api on 127.0.0.1, until cleanup.

    :param command: the test's CommandFixture; its configuration file gets
        ``listen_address`` and ``listen_port``.
    :param port: the port to listen on; a free one when None.
    """

    def __init__(self, command, port=None):
        super().__init__()
        self.command = command
        self.port = port

    def _setUp(self):
        self.port = self.port or free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.command.options.setdefault('DEFAULT', {}).update(
            listen_address='127.0.0.1', listen_port=self.port)
        self.command.write_config()
        self.log_file = os.path.join(self.command.path, 'api.log')
        with open(self.log_file, 'w') as log:
            self.process = subprocess.Popen(
                [sys.executable, '-m', 'ironic_inspector.cmd.api',
                 '--config-file', self.command.config_file],
                stdout=log, stderr=subprocess.STDOUT)
        self.exit_code = None
        self.addCleanup(self.stop)
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if READY_LINE in self.log():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError('ironic-inspector-api did not start:\n%s'
                             % self.log())

    def stop(self):
        """SIGTERM, then wait; harmless when already stopped."""
        if self.exit_code is None:
            self.process.send_signal(signal.SIGTERM)
            self.exit_code = self.process.wait(timeout=30)

    def log(self):
        """What the process has written so far."""
        with open(self.log_file) as log:
            return log.read()
