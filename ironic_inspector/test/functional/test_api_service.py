"""ironic-inspector-api as a service: 50 ramdisks at once, start-up
failures, and the application under another WSGI server."""

from concurrent import futures
import os
import socket
import subprocess
import sys
import threading
import time

from oslo_utils import uuidutils
import requests

from ironic_inspector.common import context
from ironic_inspector.db import documents as db_documents
from ironic_inspector import objects
from ironic_inspector.test import api_fixtures
from ironic_inspector.test import base
from ironic_inspector.test import commands
from ironic_inspector.test.functional import served_api


class ConcurrentRamdisksTestCase(served_api.ServedApiTestCase):
    """50 ramdisks post at once, each for a node of its own."""

    NODES = 50

    def test_every_document_stored_once_whole(self):
        posts = [served_api.ramdisk_post(index) for index in range(self.NODES)]
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
            self.assertEqual(served_api.without_logs(document),
                             self.stored(uuid, processed=False))
            processed = self.stored(uuid, processed=True)
            self.assertEqual(document['inventory'], processed['inventory'])
            self.assertEqual(len(document['inventory']['interfaces']),
                             len(processed['all_interfaces']))
        keys = [(row['uuid'], row['processed'])
                for row in db_documents.list_introspection_data()]
        self.assertEqual(2 * self.NODES, len(keys))
        self.assertEqual({(uuid, processed) for uuid in nodes
                          for processed in (True, False)}, set(keys))


class MySQLConcurrentRamdisksTestCase(served_api.MySQLStorage,
                                      ConcurrentRamdisksTestCase):
    pass


class PostgresqlConcurrentRamdisksTestCase(served_api.PostgresqlStorage,
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
        self.command.options['DEFAULT'] = {'auth_strategy': 'oauth2'}
        self.command.write_config()
        self.assertFailsWith(
            "Invalid configuration: [DEFAULT]auth_strategy: Valid values "
            "are [noauth, http_basic, keystone], but found 'oauth2'")

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
