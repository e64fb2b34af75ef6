"""A real Swift for the tests, as tools/swift/start-swift.sh starts it.

The script writes ``SWIFT_TEST_AUTH_URL``, ``SWIFT_TEST_USER`` and
``SWIFT_TEST_KEY`` (v1 auth) to its env file; tests that need Swift skip,
saying so, when they are not set.

With ``SWIFT_AUTH=keystone`` the script starts a Swift that checks the
tokens of the test Keystone (keystone_fixtures); tests find its env file
in ``$SWIFT_KEYSTONE_STATE_DIR`` (as topology_fixtures find theirs) and
reach it as the ironic-inspector service user, through the catalog;
:class:`KeystoneSwiftMixin` runs a Swift test class so.
"""

import os
import socket
import subprocess
import time

import fixtures
from keystoneauth1 import loading as ks_loading
from oslo_config import fixture as config_fixture
from oslo_utils import uuidutils
import requests
from swiftclient import client as swift_client
from swiftclient import exceptions as swift_exc

from ironic_inspector import conf
from ironic_inspector.conf import keystone_auth
from ironic_inspector.conf import swift as swift_conf
from ironic_inspector.test import keystone_fixtures
from ironic_inspector.test import topology_fixtures

ENV_VARS = ('SWIFT_TEST_AUTH_URL', 'SWIFT_TEST_USER', 'SWIFT_TEST_KEY')


def credentials():
    """``(auth_url, user, key)``, or None when no Swift is configured."""
    values = tuple(os.environ.get(name) for name in ENV_VARS)
    return values if all(values) else None


SKIP_REASON = ('no Swift to test against: start one with '
               'tools/swift/start-swift.sh and export the variables of its '
               'env file (%s)' % ', '.join(ENV_VARS))


class SwiftContainerFixture(fixtures.Fixture):
    """Points ``[swift]`` at the test Swift with a container of its own.

    :param config: the test's ``config(group=..., **values)`` method.
    :param swift: ``(auth_url, user, key)`` of another Swift than the
        one :func:`credentials` names.
    """

    def __init__(self, config, swift=None):
        super().__init__()
        self._config = config
        self._swift = swift

    def _setUp(self):
        self.auth_url, self.user, self.key = self._swift or credentials()
        self.container = 'test-%s' % uuidutils.generate_uuid()
        self._config(group='swift', max_retries=1, **self.options())
        self.client = self.make_client()
        self.addCleanup(self._remove_container)

    def options(self):
        """``[swift]`` of a configuration file that uses this container."""
        return {'auth_version': '1', 'v1_auth_url': self.auth_url,
                'v1_user': self.user, 'v1_key': self.key,
                'container': self.container}

    def make_client(self):
        """A swiftclient connection of the same user."""
        return swift_client.Connection(
            authurl=self.auth_url, user=self.user, key=self.key,
            auth_version='1')

    def object_names(self):
        _, listing = self.client.get_container(self.container)
        return sorted(entry['name'] for entry in listing)

    def _remove_container(self):
        try:
            _, listing = self.client.get_container(self.container,
                                                   full_listing=True)
        except swift_exc.ClientException:
            return
        for entry in listing:
            self.client.delete_object(self.container, entry['name'])
        self.client.delete_container(self.container)


def keystone_swift_env(test):
    """The env file of the Swift that checks Keystone tokens, or skip
    ``test``, saying why."""
    env = topology_fixtures.load_env(test, 'SWIFT_KEYSTONE_STATE_DIR',
                                     'swift/start-swift.sh')
    if env.get('SWIFT_AUTH') != 'keystone':
        test.skipTest('the Swift in SWIFT_KEYSTONE_STATE_DIR does not check '
                      'Keystone tokens (start it with SWIFT_AUTH=keystone)')
    reason = keystone_fixtures.skip_reason()
    if reason:
        test.skipTest(reason)
    if keystone_fixtures.auth_url() != env['SWIFT_TEST_KEYSTONE_AUTH_URL']:
        test.skipTest('the Swift in SWIFT_KEYSTONE_STATE_DIR checks the '
                      'tokens of the Keystone at %s, not of the one at %s'
                      % (env['SWIFT_TEST_KEYSTONE_AUTH_URL'],
                         keystone_fixtures.auth_url()))
    try:
        requests.get(env['SWIFT_TEST_URL'] + '/info',
                     timeout=5).raise_for_status()
    except requests.RequestException as exc:
        test.skipTest('the Swift at %s does not answer: %s'
                      % (env['SWIFT_TEST_URL'], exc))
    return env


class KeystoneSwiftContainerFixture(SwiftContainerFixture):
    """Points ``[swift]`` at the Swift that checks Keystone tokens: a
    keystoneauth1 password plugin of ``kind``'s user (the
    ironic-inspector service user unless told), Swift found in the
    catalog."""

    def __init__(self, config, kind='inspector'):
        super().__init__(config)
        self.kind = kind

    def _setUp(self):
        # keystoneauth registers a plugin's options when it loads it; the
        # test sets them before that.
        options = self.useFixture(config_fixture.Config(conf.CONF))
        keystone_auth.register_opts(conf.CONF, swift_conf.GROUP,
                                    swift_conf.SERVICE_TYPE)
        options.register_opts(
            ks_loading.get_auth_plugin_conf_options('password'),
            group=swift_conf.GROUP)
        account = keystone_fixtures.account(self.kind)
        self._swift = (keystone_fixtures.auth_url(), account.user,
                       account.password)
        self.project = account.project
        super()._setUp()

    def options(self):
        return {'auth_version': '3', 'auth_type': 'password',
                'auth_url': self.auth_url, 'username': self.user,
                'password': self.key,
                'user_domain_id': keystone_fixtures.DOMAIN,
                'project_name': self.project,
                'project_domain_id': keystone_fixtures.DOMAIN,
                'region_name': keystone_fixtures.region(),
                'container': self.container}

    def make_client(self):
        return swift_client.Connection(
            session=keystone_fixtures.session(self.kind),
            os_options={'service_type': swift_conf.SERVICE_TYPE,
                        'region_name': keystone_fixtures.region()})


class SwiftMixin:
    """The Swift of a test class: it calls :meth:`skip_without_swift`
    before its setUp and builds its container with :meth:`swift_fixture`.
    Here the Swift with tempauth; :class:`KeystoneSwiftMixin` puts the
    class on the one that checks Keystone tokens."""

    def skip_without_swift(self):
        if credentials() is None:
            self.skipTest(SKIP_REASON)

    def swift_fixture(self):
        return SwiftContainerFixture(self.config)


class KeystoneSwiftMixin(SwiftMixin):
    """Runs a :class:`SwiftMixin` test class on the Swift that checks
    Keystone tokens."""

    def skip_without_swift(self):
        self.keystone_swift = keystone_swift_env(self)

    def swift_fixture(self):
        return KeystoneSwiftContainerFixture(self.config)


def proxy_binary():
    """The proxy server of tools/swift/start-swift.sh's Swift, or None."""
    binary = os.path.join(os.environ.get('SWIFT_STATE_DIR', ''), 'venv',
                          'bin', 'swift-proxy-server')
    return binary if os.path.exists(binary) else None


class PrivateProxyFixture(fixtures.Fixture):
    """A Swift proxy of the test's own, to kill and restart at will.

    It serves the same account, container and object servers as the
    shared proxy, from a copy of its configuration on another port, so
    stopping it disturbs no other test. Needs the state directory of
    tools/swift/start-swift.sh (``SWIFT_STATE_DIR``).
    """

    def _setUp(self):
        state = os.environ['SWIFT_STATE_DIR']
        self.binary = proxy_binary()
        shared_config = os.path.join(state, 'etc', 'proxy-server.conf')
        self.port = _free_port()
        self.auth_url = 'http://127.0.0.1:%d/auth/v1.0' % self.port
        path = self.useFixture(fixtures.TempDir()).path
        self.config_file = os.path.join(path, 'proxy-server.conf')
        with open(shared_config) as source, \
                open(self.config_file, 'w') as copy:
            for line in source:
                if line.startswith('bind_port'):
                    line = 'bind_port = %d\n' % self.port
                copy.write(line)
        self.log = os.path.join(path, 'proxy.log')
        self.environment = dict(os.environ, SWIFT_CONF_FILE=os.path.join(
            state, 'etc', 'swift.conf'))
        self.process = None
        self.addCleanup(self.kill)
        self.start()

    def start(self):
        with open(self.log, 'a') as log:
            self.process = subprocess.Popen(
                [self.binary, self.config_file], stdout=log,
                stderr=subprocess.STDOUT, env=self.environment)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                swift_client.get_auth(self.auth_url, 'test:tester',
                                      'testing')
                return
            except Exception:
                time.sleep(0.2)
        raise fixtures.SetupError('private Swift proxy did not start')

    def kill(self):
        """Kill the proxy at once, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]
