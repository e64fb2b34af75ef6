"""ironic-inspector-api as a real process, for the functional tests.

The API runs on 127.0.0.1 against SQLite, MariaDB, PostgreSQL or Swift;
this process reads and writes the same storage through the objects, and
posts ramdisk documents made from shared/samples as a ramdisk posts them.
"""

import copy
import json
import os
import subprocess
import sys

from oslo_utils import timeutils
from oslo_utils import uuidutils
import requests

from ironic_inspector.common import context
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
    # The port the API listens on; a free one when None. setup_storage may
    # set it.
    api_port = None

    def setUp(self):
        super().setUp()
        self.context = context.RequestContext()
        self.command = self.useFixture(commands.CommandFixture(
            copy.deepcopy(self.OPTIONS)))
        self.setup_storage()
        self.api = self.useFixture(api_fixtures.ApiProcess(
            self.command, port=self.api_port))
        self.addCleanup(self._check_stopped_cleanly)

    def setup_storage(self):
        self.command.create_schema()

    def _check_stopped_cleanly(self):
        self.api.stop()
        self.assertEqual(0, self.api.exit_code, self.api.log())
        self.assertIn('API stopped', self.api.log())

    def add_node(self, lookup):
        """Add a waiting node, as ironic-inspector-node does."""
        uuid = uuidutils.generate_uuid()
        objects.Node(self.context, uuid=uuid, state='waiting',
                     started_at=timeutils.utcnow(), **lookup).create()
        return uuid

    def add_node_with_command(self, lookup):
        """Add a node as an operator does, with ironic-inspector-node."""
        uuid = uuidutils.generate_uuid()
        arguments = ['add', uuid]
        for mac in lookup['macs']:
            arguments += ['--mac', mac]
        for address in lookup['bmc_addresses']:
            arguments += ['--bmc-address', address]
        code, _, err = self.command.run('node', *arguments)
        self.assertEqual(0, code, err)
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
                  expect_success=True, catalog=False):
        """Run ``openstack baremetal introspection ARGS`` on the API.

        :param catalog: whether the client finds the API in the service
            catalog of its ``auth``, rather than by its URL.
        :returns: ``(exit code, stdout, stderr)``.
        """
        if not os.path.exists(OPENSTACK):
            self.skipTest('python-openstackclient is not installed')
        environment = {name: value for name, value in os.environ.items()
                       if not name.startswith(('OS_', 'INSPECTOR_'))}
        result = subprocess.run(
            [OPENSTACK, *auth,
             *([] if catalog else ['--inspector-url', self.api.url]),
             'baremetal', 'introspection', *args],
            capture_output=True, text=True, timeout=120, env=environment)
        if expect_success:
            self.assertEqual(0, result.returncode, result.stderr)
        return result.returncode, result.stdout, result.stderr


class MySQLStorage:
    """The API on a database of the real MariaDB."""

    FIXTURE = db_fixtures.MySQLFixture

    def setup_storage(self):
        self.command.options['database']['connection'] = (
            self.engine.url.render_as_string(hide_password=False))


class PostgresqlStorage(MySQLStorage):
    """The API on a database of the real PostgreSQL."""

    FIXTURE = db_fixtures.PostgresqlFixture


class ConductorStorage:
    """An API with no database of its own: every object call goes to
    ironic-inspector-conductor over the real RabbitMQ; nodes and documents
    in the conductor's SQLite, which this process reads too."""

    def setup_storage(self):
        rpc_fixtures.skip_without_rabbit(self)
        topic = 'ironic-inspector-test-%s' % uuidutils.generate_uuid()
        messaging = {'transport_url': rpc_fixtures.TRANSPORT_URL,
                     'rpc_response_timeout': '20'}
        conductor = self.useFixture(commands.CommandFixture({
            'DEFAULT': dict(messaging, host='conductor-%s' % topic[-8:]),
            'conductor': {'topic': topic}}))
        conductor.create_schema()
        self.useFixture(rpc_fixtures.ConductorProcess(conductor.config_file))
        options = self.command.options
        options['DEFAULT'] = dict(options.get('DEFAULT', {}), **messaging,
                                  use_conductor='true')
        options.update({
            'conductor': {'topic': topic},
            'database': {'connection':
                         'sqlite:////nonexistent/forbidden.sqlite'}})


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
