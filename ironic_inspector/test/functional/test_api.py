"""ironic-inspector-api as a real process, used by real clients.

The API runs on 127.0.0.1 against SQLite, MariaDB, PostgreSQL and Swift
(and, in the Conductor case, with no database at all, through a conductor
over RabbitMQ). Ramdisk documents made from shared/samples are posted to
it as a ramdisk posts them; then python-ironic-inspector-client's
``openstack baremetal introspection`` commands read, list and reprocess
them, as operators do.
"""

from concurrent import futures
import copy
import json
import os
import socket
import subprocess
import sys
import threading
import time

from oslo_utils import uuidutils
import requests

from ironic_inspector.common import context
from ironic_inspector.db import api as db_api
from ironic_inspector import objects
from ironic_inspector.test import api_fixtures
from ironic_inspector.test import base
from ironic_inspector.test import commands
from ironic_inspector.test import db_fixtures
from ironic_inspector.test import rpc_fixtures
from ironic_inspector.test import samples
from ironic_inspector.test import swift_fixtures

objects.register_all()

OPENSTACK = os.path.join(os.path.dirname(sys.executable), 'openstack')
# What the ramdisk's logs hold may be secret: never stored, never logged.
RAMDISK_LOGS = 'U0VDUkVULXJhbWRpc2stbG9ncw=='


def ramdisk_post(index, size='60k'):
    """A ramdisk's document, with its logs; and the node's lookup data."""
    document, bmc_address, macs = samples.ramdisk_document(size, index)
    document['logs'] = RAMDISK_LOGS
    return document, {'bmc_addresses': [bmc_address], 'macs': macs}


def without_logs(document):
    return {key: value for key, value in document.items() if key != 'logs'}


class ServedApiTestCase(base.DbTestCase):
    """ironic-inspector-api serving a SQLite file; with the mixins below,
    a database of MariaDB or PostgreSQL, or Swift.

    This process reads and writes the same database through the objects.
    """

    OPTIONS = {}

    def setUp(self):
        super().setUp()
        self.context = context.RequestContext()
        self.command = self.useFixture(commands.CommandFixture(
            copy.deepcopy(self.OPTIONS)))
        self.setup_storage()
        self.api = self.useFixture(api_fixtures.ApiProcess(self.command))
        self.addCleanup(self._check_stopped_cleanly)

    def setup_storage(self):
        self.command.create_schema()

    def _check_stopped_cleanly(self):
        self.api.stop()
        self.assertEqual(0, self.api.exit_code, self.api.log())
        self.assertIn('API stopped', self.api.log())

    def add_node(self, lookup, state='waiting'):
        uuid = uuidutils.generate_uuid()
        objects.Node(self.context, uuid=uuid, state=state, **lookup).create()
        return uuid

    def stored(self, uuid, processed):
        return objects.IntrospectionData.get_by_node(
            self.context, uuid, processed=processed).data

    def post(self, path, document=None, **kwargs):
        if document is not None:
            kwargs['data'] = json.dumps(document)
        return requests.post(self.api.url + path, timeout=120, **kwargs)

    def get(self, path, **kwargs):
        return requests.get(self.api.url + path, timeout=120, **kwargs)

    def openstack(self, *args, auth=('--os-auth-type', 'none'),
                  expect_success=True):
        """Run ``openstack baremetal introspection ARGS`` on the API.

        :returns: ``(exit code, stdout, stderr)``.
        """
        if not os.path.exists(OPENSTACK):
            self.skipTest('python-openstackclient is not installed')
        environment = {name: value for name, value in os.environ.items()
                       if not name.startswith(('OS_', 'INSPECTOR_'))}
        result = subprocess.run(
            [OPENSTACK, *auth, '--inspector-url', self.api.url,
             'baremetal', 'introspection', *args],
            capture_output=True, text=True, timeout=120, env=environment)
        if expect_success:
            self.assertEqual(0, result.returncode, result.stderr)
        return result.returncode, result.stdout, result.stderr


class ClientTestCase(ServedApiTestCase):
    """The client's commands on documents the API took from a ramdisk."""

    SIZE = '60k'

    def test_client_commands(self):
        document, lookup = ramdisk_post(1, self.SIZE)
        uuid = self.add_node(lookup)
        response = self.post('/v1/continue', document)
        self.assertEqual(200, response.status_code, response.text)
        self.assertEqual({'uuid': uuid}, response.json())

        _, out, _ = self.openstack('data', 'save', '--unprocessed', uuid)
        self.assertEqual(without_logs(document), json.loads(out))

        _, out, _ = self.openstack('data', 'save', uuid)
        processed = json.loads(out)
        self.assertEqual(self.stored(uuid, processed=True), processed)
        self.assertEqual(document['inventory'], processed['inventory'])
        inventory = document['inventory']
        self.assertEqual(
            (inventory['cpu']['count'], inventory['memory']['physical_mb']),
            (processed['cpus'], processed['memory_mb']))
        self.assertNotIn('logs', processed)

        _, out, _ = self.openstack('interface', 'list', uuid, '-f', 'json')
        rows = json.loads(out)
        self.assertEqual(
            sorted((interface['name'], interface['mac_address'])
                   for interface in inventory['interfaces']),
            sorted((row['Interface'], row['MAC Address']) for row in rows))
        for row in rows:
            lldp = processed['all_interfaces'][row['Interface']][
                'lldp_processed']
            self.assertEqual((lldp['switch_chassis_id'],
                              lldp['switch_port_id']),
                             (row['Switch Chassis ID'],
                              row['Switch Port ID']))
        self.assertTrue(any(row['Switch Port VLAN IDs'] for row in rows))

        first_run = self.get('/v1/introspection/%s' % uuid).json()
        self.openstack('reprocess', uuid)
        status = self.get('/v1/introspection/%s' % uuid).json()
        self.assertEqual(('finished', True, None),
                         (status['state'], status['finished'],
                          status['error']))
        self.assertGreater(status['finished_at'], first_run['finished_at'])
        self.assertEqual(processed, self.stored(uuid, processed=True))
        self.assertNotIn(RAMDISK_LOGS, self.api.log())


class MySQLStorage:
    """The API on a database of the real MariaDB."""

    FIXTURE = db_fixtures.MySQLFixture

    def setup_storage(self):
        self.command.options['database']['connection'] = (
            self.engine.url.render_as_string(hide_password=False))


class PostgresqlStorage(MySQLStorage):
    """The API on a database of the real PostgreSQL."""

    FIXTURE = db_fixtures.PostgresqlFixture


class SwiftStorage:
    """The API keeping documents in the real Swift; nodes in SQLite."""

    def setup_storage(self):
        if not swift_fixtures.credentials():
            self.skipTest(swift_fixtures.SKIP_REASON)
        super().setup_storage()
        swift = self.useFixture(
            swift_fixtures.SwiftContainerFixture(self.config))
        self.config(group='processing', storage_backend='swift')
        self.command.options['processing'] = {'storage_backend': 'swift'}
        self.command.options['swift'] = {
            'auth_version': '1', 'v1_auth_url': swift.auth_url,
            'v1_user': swift.user, 'v1_key': swift.key,
            'container': swift.container}


class MySQLClientTestCase(MySQLStorage, ClientTestCase):
    # MariaDB takes the largest sample: one statement of 8 MB.
    SIZE = '8m'


class PostgresqlClientTestCase(PostgresqlStorage, ClientTestCase):
    SIZE = '1m'


class SwiftClientTestCase(SwiftStorage, ClientTestCase):
    SIZE = '1m'

    def test_no_document_is_not_found(self):
        # 12.5.0 answered 400 here.
        uuid = self.add_node(ramdisk_post(3)[1])
        for path in ('data', 'data/unprocessed'):
            response = self.get('/v1/introspection/%s/%s' % (uuid, path))
            self.assertEqual(404, response.status_code, response.text)
            self.assertIn(uuid, response.json()['error']['message'])


class ErrorsTestCase(ServedApiTestCase):
    """Every error a client can cause, over HTTP; nothing stored by any."""

    # The 60 KB sample fits, the 1 MB one does not; debug logs show all
    # that the API would ever log.
    OPTIONS = {'DEFAULT': {'debug': 'true'},
               'processing': {'max_data_size': '200000'}}

    def setUp(self):
        super().setUp()
        self.document, lookup = ramdisk_post(1)
        self.uuid = self.add_node(lookup)

    def assertError(self, code, fragment, response):
        self.assertEqual(code, response.status_code, response.text)
        self.assertEqual('application/json',
                         response.headers['Content-Type'])
        self.assertIn(fragment, response.json()['error']['message'])

    def assertNothingStored(self, state='waiting'):
        for processed in (True, False):
            self.assertError(404, 'introspection data is stored', self.get(
                '/v1/introspection/%s/data%s'
                % (self.uuid, '' if processed else '/unprocessed')))
        self.assertEqual(state, objects.Node.get_by_uuid(
            self.context, self.uuid).state)

    def test_bad_bodies(self):
        for body, fragment in [
                ('', 'the body is empty'),
                ('{"inventory": {', 'not valid JSON'),
                (json.dumps([self.document]), 'expected a JSON object, got '
                                              'an array')]:
            self.assertError(400, fragment, self.post('/v1/continue',
                                                      data=body))
        too_large, _ = ramdisk_post(1, '1m')
        self.assertError(413, 'larger than the 200000 bytes',
                         self.post('/v1/continue', too_large))

        def chunks():
            yield b'{"padding": "'
            for _ in range(300):
                yield b'x' * 1000
            yield b'"}'

        # Chunked: no length announced, refused once the limit is read.
        self.assertError(413, 'larger than the 200000 bytes',
                         self.post('/v1/continue', data=chunks()))
        path = '/v1/introspection/%s/data/unprocessed' % self.uuid
        self.assertError(400, 'expected a JSON object, got an array',
                         self.post(path, data='[]'))
        self.assertError(413, 'larger than the 200000 bytes',
                         self.post(path, too_large))
        self.assertNothingStored()
        # And the API still serves.
        self.assertEqual(200, self.post('/v1/continue',
                                        self.document).status_code)

    def test_not_found(self):
        unknown = uuidutils.generate_uuid()
        self.assertError(404, unknown,
                         self.get('/v1/introspection/%s' % unknown))
        self.assertError(404, unknown,
                         self.get('/v1/introspection/%s/data' % unknown))
        self.assertError(404, unknown, self.post(
            '/v1/introspection/%s/data/unprocessed' % unknown))
        self.assertError(404, 'No unprocessed introspection data',
                         self.post('/v1/introspection/%s/data/unprocessed'
                                   % self.uuid))
        stranger, _ = ramdisk_post(2)
        self.assertError(404, 'Could not find a node',
                         self.post('/v1/continue', stranger))
        self.assertError(400, "Expected a node UUID but received 'node-1'",
                         self.get('/v1/introspection/node-1/data'))
        self.assertError(404, 'Not Found', self.get('/v2'))
        self.assertNothingStored()

    def test_node_locked(self):
        # What a processing of the node under way in another process holds.
        objects.Node.get_by_uuid(self.context, self.uuid).start_processing()
        self.assertError(409, 'is locked', self.post('/v1/continue',
                                                     self.document))
        self.assertError(409, 'is locked', self.post(
            '/v1/introspection/%s/data/unprocessed' % self.uuid,
            self.document))
        self.assertNothingStored(state='processing')

    def test_node_not_waiting(self):
        self.assertEqual(200, self.post('/v1/continue',
                                        self.document).status_code)
        stored = self.stored(self.uuid, processed=False)
        again = dict(self.document, extra={'changed': True})
        self.assertError(400, 'finished', self.post('/v1/continue', again))
        self.assertEqual(stored, self.stored(self.uuid, processed=False))

    def test_ramdisk_error(self):
        failed = dict(self.document, error='The root disk is on fire')
        response = self.post('/v1/continue', failed)
        self.assertError(400, 'The root disk is on fire', response)
        status = self.get('/v1/introspection/%s' % self.uuid).json()
        self.assertEqual('error', status['state'])
        self.assertIn('The root disk is on fire', status['error'])
        self.assertEqual(without_logs(failed),
                         self.stored(self.uuid, processed=False))
        self.assertNotIn(RAMDISK_LOGS, self.api.log())


class HttpBasicTestCase(ServedApiTestCase):
    """The client with credentials; the API's answers without them."""

    PASSWORD = 'n0t-in-any-log'

    def setup_storage(self):
        super().setup_storage()
        user_file = os.path.join(self.command.path, 'htpasswd')
        api_fixtures.write_user_file(user_file, {'admin': self.PASSWORD})
        self.command.options['DEFAULT'] = {
            'auth_strategy': 'http_basic',
            'http_basic_auth_user_file': user_file, 'debug': 'true'}

    def _credentials(self, password):
        return ('--os-auth-type', 'http_basic', '--os-username', 'admin',
                '--os-password', password)

    def test_client_and_credentials(self):
        document, lookup = ramdisk_post(1)
        uuid = self.add_node(lookup)
        # The ramdisk has no credentials.
        self.assertEqual(200, self.post('/v1/continue', document).status_code)

        _, out, _ = self.openstack('data', 'save', '--unprocessed', uuid,
                                   auth=self._credentials(self.PASSWORD))
        self.assertEqual(without_logs(document), json.loads(out))
        code, out, err = self.openstack(
            'data', 'save', uuid, auth=self._credentials('wr0ng-password'),
            expect_success=False)
        self.assertEqual((1, ''), (code, out))
        self.assertIn('Invalid username or password', err)
        self.assertNotIn('Traceback', err)

        path = '/v1/introspection/%s/data' % uuid
        for auth, message in [(None, 'Authentication required'),
                              (('admin', 'wr0ng-password'),
                               'Invalid username or password'),
                              (('nobody', self.PASSWORD),
                               'Invalid username or password')]:
            response = self.get(path, auth=auth)
            self.assertEqual(401, response.status_code)
            self.assertEqual('Basic realm="ironic-inspector"',
                             response.headers['WWW-Authenticate'])
            self.assertEqual({'error': {'message': message}},
                             response.json())
        response = self.get(path, headers={'Authorization': 'Basic %%%'})
        self.assertEqual(401, response.status_code)
        response = self.get(path, auth=('admin', self.PASSWORD))
        self.assertEqual(200, response.status_code)
        self.assertEqual(200, self.get('/').status_code)
        self.api.stop()
        for secret in (self.PASSWORD, 'wr0ng-password', RAMDISK_LOGS):
            self.assertNotIn(secret, self.api.log())


class ConductorTestCase(ServedApiTestCase):
    """An API with no database of its own: every object call goes to
    ironic-inspector-conductor over the real RabbitMQ."""

    def setup_storage(self):
        rpc_fixtures.skip_without_rabbit(self)
        topic = 'ironic-inspector-test-%s' % uuidutils.generate_uuid()
        messaging = {'transport_url': rpc_fixtures.TRANSPORT_URL,
                     'rpc_response_timeout': '20'}
        conductor = self.useFixture(commands.CommandFixture({
            'DEFAULT': dict(messaging, host='conductor-%s' % topic[-8:]),
            'conductor': {'topic': topic}}))
        # This process reads and writes the conductor's database.
        conductor.create_schema()
        self.useFixture(rpc_fixtures.ConductorProcess(conductor.config_file))
        self.command.options.update({
            'DEFAULT': dict(messaging, use_conductor='true'),
            'conductor': {'topic': topic},
            'database': {'connection':
                         'sqlite:////nonexistent/forbidden.sqlite'}})

    def test_api_through_conductor(self):
        document, lookup = ramdisk_post(1)
        uuid = self.add_node(lookup)
        response = self.post('/v1/continue', document)
        self.assertEqual({'uuid': uuid}, response.json())
        _, out, _ = self.openstack('data', 'save', uuid)
        self.assertEqual(self.stored(uuid, processed=True), json.loads(out))
        replacement = dict(without_logs(document), extra={'new': True})
        response = self.post('/v1/introspection/%s/data/unprocessed' % uuid,
                             replacement)
        self.assertEqual((202, {}), (response.status_code, response.json()))
        self.assertEqual(replacement,
                         self.get('/v1/introspection/%s/data/unprocessed'
                                  % uuid).json())
        self.assertEqual({'new': True}, self.stored(uuid, True)['extra'])
        self.assertEqual('finished', self.get('/v1/introspection/%s'
                                              % uuid).json()['state'])
        unknown = uuidutils.generate_uuid()
        response = self.get('/v1/introspection/%s' % unknown)
        self.assertEqual(404, response.status_code)
        self.assertIn(unknown, response.json()['error']['message'])


class ConcurrentRamdisksTestCase(ServedApiTestCase):
    """50 ramdisks post at once, each for a node of its own."""

    NODES = 50

    def test_every_document_stored_once_whole(self):
        posts = [ramdisk_post(index) for index in range(self.NODES)]
        nodes = [self.add_node(lookup) for _, lookup in posts]
        start = threading.Barrier(self.NODES)

        def post(document):
            start.wait()
            return self.post('/v1/continue', document)

        with futures.ThreadPoolExecutor(self.NODES) as pool:
            responses = list(pool.map(post, [doc for doc, _ in posts]))
        self.assertEqual([(200, {'uuid': uuid}) for uuid in nodes],
                         [(r.status_code, r.json()) for r in responses])
        for uuid, (document, _) in zip(nodes, posts):
            self.assertEqual(without_logs(document),
                             self.stored(uuid, processed=False))
            processed = self.stored(uuid, processed=True)
            self.assertEqual(document['inventory'], processed['inventory'])
            self.assertEqual(len(document['inventory']['interfaces']),
                             len(processed['all_interfaces']))
        keys = [(row['uuid'], row['processed'])
                for row in db_api.list_introspection_data()]
        self.assertEqual(2 * self.NODES, len(keys))
        self.assertEqual({(uuid, processed) for uuid in nodes
                          for processed in (True, False)}, set(keys))


class MySQLConcurrentRamdisksTestCase(MySQLStorage,
                                      ConcurrentRamdisksTestCase):
    pass


class PostgresqlConcurrentRamdisksTestCase(PostgresqlStorage,
                                           ConcurrentRamdisksTestCase):
    pass


class CommandTestCase(base.TestCase):
    """ironic-inspector-api's start-up failures, and the application
    under another WSGI server."""

    def setUp(self):
        super().setUp()
        self.command = self.useFixture(commands.CommandFixture())

    def assertFailsWith(self, message):
        code, out, err = self.command.run('api')
        self.assertEqual(1, code, err)
        self.assertNotIn('Traceback', err)
        self.assertEqual('ironic-inspector-api: error: %s' % message,
                         err.strip().splitlines()[-1])

    def test_unusable_user_file(self):
        path = os.path.join(self.command.path, 'htpasswd')
        self.command.options['DEFAULT'] = {
            'auth_strategy': 'http_basic',
            'http_basic_auth_user_file': path}
        self.command.write_config()
        self.assertFailsWith(
            'Invalid configuration: cannot read '
            '[DEFAULT]http_basic_auth_user_file %s: No such file or '
            'directory' % path)
        with open(path, 'w') as user_file:
            user_file.write('admin:plain-SECRET\n')
        self.assertFailsWith(
            'Invalid configuration: %s, line 1: expected "user:bcrypt '
            'hash" (create entries with "htpasswd -B")' % path)

    def test_unknown_auth_strategy(self):
        self.command.options['DEFAULT'] = {'auth_strategy': 'keystone'}
        self.command.write_config()
        self.assertFailsWith(
            "Invalid configuration: [DEFAULT]auth_strategy: Valid values "
            "are [noauth, http_basic], but found 'keystone'")

    def test_conductor_without_broker(self):
        self.command.options['DEFAULT'] = {'use_conductor': 'true'}
        self.command.write_config()
        self.assertFailsWith(
            'Invalid configuration: [DEFAULT]use_conductor needs '
            '[DEFAULT]transport_url, the message broker the conductors '
            'listen on')

    def test_address_in_use(self):
        with socket.socket() as taken:
            taken.bind(('127.0.0.1', 0))
            taken.listen()
            port = taken.getsockname()[1]
            self.command.options['DEFAULT'] = {
                'listen_address': '127.0.0.1', 'listen_port': port}
            self.command.write_config()
            code, _, err = self.command.run('api')
        self.assertEqual(1, code, err)
        self.assertNotIn('Traceback', err)
        self.assertIn('ironic-inspector-api: error: cannot listen on '
                      '127.0.0.1:%d: ' % port, err.strip().splitlines()[-1])

    def test_gunicorn_imports_the_application(self):
        gunicorn = os.path.join(os.path.dirname(sys.executable), 'gunicorn')
        if not os.path.exists(gunicorn):
            self.skipTest('gunicorn is not installed')
        self.command.create_schema()
        uuid = uuidutils.generate_uuid()
        objects.Node(context.RequestContext(), uuid=uuid,
                     state='finished').create()
        objects.IntrospectionData(context.RequestContext(), node_uuid=uuid,
                                  data={'from': 'gunicorn'}).save()
        port = api_fixtures.free_port()
        server = subprocess.Popen(
            [gunicorn, '--bind', '127.0.0.1:%d' % port, '--workers', '1',
             'ironic_inspector.api.wsgi:application'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=dict(os.environ, IRONIC_INSPECTOR_CONFIG_FILES=(
                self.command.config_file)))
        self.addCleanup(server.wait, timeout=30)
        self.addCleanup(server.terminate)
        url = 'http://127.0.0.1:%d/v1/introspection/%s/data' % (port, uuid)
        deadline = time.monotonic() + 30
        while True:
            try:
                response = requests.get(url, timeout=10)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        self.assertEqual((200, {'from': 'gunicorn'}),
                         (response.status_code, response.json()))
