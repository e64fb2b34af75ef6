"""A real ironic 39.0.0 for the tests of ``ironic-inspector-migrate-data
--to ironic``, as tools/ironic/start-ironic.sh starts it with
``IRONIC_RELEASE=39.0.0``: noauth, fake-hardware, and its own inventory
storage (``[inventory]data_backend``), which it serves at
``GET /v1/nodes/<node>/inventory``.

Each peer is found by the state directory of the script in an
environment variable; the tests that need one skip, saying so, when the
variable names no state directory of the script, the ironic there is
another release or another backend, or it does not answer:

``IRONIC39_STATE_DIR``
    on SQLite, database backend (what CI starts);
``IRONIC39_MYSQL_STATE_DIR``, ``IRONIC39_POSTGRESQL_STATE_DIR``
    on MariaDB or PostgreSQL (``IRONIC_DATABASE_URL``), database backend;
``IRONIC39_SWIFT_STATE_DIR``
    swift backend, on the Swift the ``SWIFT_TEST_*`` variables name
    (``IRONIC_SWIFT_TEMPAUTH_*``).

Nodes are made through ironic's REST API; inventories are read back
through it and with the real ``openstack baremetal node inventory save``.
"""

import datetime
import json
import os
import subprocess
import sys

import fixtures
from oslo_db import api as oslo_db_api
from oslo_db.sqlalchemy import engines
import requests
import sqlalchemy as sa
from swiftclient import client as swift_client
from swiftclient import exceptions as swift_exc

from ironic_inspector.test import swift_fixtures
from ironic_inspector.test import topology_fixtures

RELEASE = '39.0.0'
# Node inventories (GET /v1/nodes/<node>/inventory) came in 1.81.
API_VERSION = '1.81'
# The version of ironic's NodeInventory object (1.1 in 32.x to 39.0.0);
# ironic refuses to read a row without one (HTTP 500).
NODE_INVENTORY_VERSION = '1.1'
OPENSTACK = os.path.join(os.path.dirname(sys.executable), 'openstack')
SCRIPT = 'ironic/start-ironic.sh'


class Ironic39:
    """The settings of the running ironic 39.0.0 whose state directory
    ``variable`` names, or skip ``test``.

    :param backend: the ``[inventory]data_backend`` the test needs.
    :param dialect: the database ironic must run on (``sqlite``,
        ``mysql``, ``postgresql``), or None for any.
    """

    def __init__(self, test, variable='IRONIC39_STATE_DIR',
                 backend='database', dialect=None):
        env = topology_fixtures.load_env(test, variable, SCRIPT)
        if env.get('IRONIC_TEST_RELEASE') != RELEASE:
            test.skipTest('%s names an ironic %s, not %s' % (
                variable, env.get('IRONIC_TEST_RELEASE', '32.1.0'), RELEASE))
        if env['IRONIC_TEST_INVENTORY_BACKEND'] != backend:
            test.skipTest('the ironic of %s keeps inventories in %s, not %s'
                          % (variable, env['IRONIC_TEST_INVENTORY_BACKEND'],
                             backend))
        self.url = env['IRONIC_TEST_URL']
        self.database_url = env['IRONIC_TEST_DATABASE_URL']
        self.swift_container = env['IRONIC_TEST_SWIFT_CONTAINER']
        self.swift_auth_url = env.get('IRONIC_TEST_SWIFT_AUTH_URL')
        found = sa.engine.make_url(self.database_url).get_backend_name()
        if dialect is not None and found != dialect:
            test.skipTest('the ironic of %s runs on %s, not %s'
                          % (variable, found, dialect))
        try:
            requests.get(self.url, timeout=10)
        except requests.ConnectionError:
            test.skipTest('the ironic %s at %s does not answer'
                          % (RELEASE, self.url))


class Ironic39Nodes(fixtures.Fixture):
    """Nodes of the ironic 39.0.0 of ``peer`` (an :class:`Ironic39`),
    deleted at cleanup (ironic deletes their inventory rows with them)."""

    def __init__(self, peer):
        super().__init__()
        self.peer = peer

    def _setUp(self):
        self.session = requests.Session()
        self.session.headers['X-OpenStack-Ironic-API-Version'] = API_VERSION
        # NOTE: oslo.db's engine, as ironic's: it raises DBDeadlock for
        # the deadlocks write_row retries.
        self.engine = engines.create_engine(self.peer.database_url,
                                            max_pool_size=1)
        self.addCleanup(self.engine.dispose)
        self.nodes = []
        self.addCleanup(self._delete_all)

    def _call(self, method, path, expected=(200, 201, 202, 204), **kwargs):
        response = self.session.request(method, self.peer.url + path,
                                        timeout=60, **kwargs)
        if response.status_code not in expected:
            raise AssertionError('%s %s: %d %s' % (
                method, path, response.status_code, response.text))
        return response

    def create(self, name=None, uuid=None):
        """An enrolled fake-hardware node (of this UUID, if given);
        returns its UUID."""
        fields = {'driver': 'fake-hardware', 'name': name}
        if uuid is not None:
            fields['uuid'] = uuid
        node = self._call('POST', '/v1/nodes', json=fields).json()
        self.nodes.append(node['uuid'])
        return node['uuid']

    def node_id(self, uuid):
        """The ``nodes.id`` of ``uuid`` in ironic's database: what
        ``node_inventory.node_id`` refers to."""
        with self.engine.connect() as conn:
            return conn.execute(sa.text('SELECT id FROM nodes '
                                        'WHERE uuid = :uuid'),
                                {'uuid': uuid}).scalar_one()

    def inventory(self, uuid):
        """``GET /v1/nodes/<uuid>/inventory``: ``(status, body)``."""
        response = self._call('GET', '/v1/nodes/%s/inventory' % uuid,
                              expected=(200, 404, 500))
        return response.status_code, response.json()

    def inventory_save(self, uuid):
        """Run ``openstack baremetal node inventory save UUID``.

        :returns: the document it printed, decoded.
        :raises: AssertionError when it fails, with what it said.
        """
        environment = {name: value for name, value in os.environ.items()
                       if not name.startswith('OS_')}
        environment.update(OS_AUTH_TYPE='none', OS_ENDPOINT=self.peer.url)
        result = subprocess.run(
            [OPENSTACK, 'baremetal', '--os-baremetal-api-version',
             API_VERSION, 'node', 'inventory', 'save', uuid],
            capture_output=True, text=True, timeout=120, env=environment)
        if result.returncode:
            raise AssertionError('openstack baremetal node inventory save '
                                 '%s: %s' % (uuid, result.stderr))
        return json.loads(result.stdout)

    def delete(self, uuid):
        self._call('DELETE', '/v1/nodes/%s' % uuid, expected=(204, 404))

    def _delete_all(self):
        for uuid in self.nodes:
            self.delete(uuid)


def node_inventory_table(engine):
    """ironic's ``node_inventory`` table, as its database has it."""
    return sa.Table('node_inventory', sa.MetaData(), autoload_with=engine)


# NOTE: on MariaDB, two transactions deleting the (absent) rows of two
# nodes lock the same gap of inventory_node_id_idx, and their inserts then
# deadlock; ironic retries create_node_inventory on deadlock too.
@oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True)
def write_row(engine, node_id, inventory, plugin_data, **columns):
    """Replace the node's ``node_inventory`` rows by one, in SQLAlchemy
    core and one transaction, as ironic itself does; ``columns`` override
    the ``version`` and ``created_at`` ironic would write. ``engine`` is
    an oslo.db engine."""
    table = node_inventory_table(engine)
    values = dict(node_id=node_id, version=NODE_INVENTORY_VERSION,
                  created_at=datetime.datetime.now(datetime.timezone.utc)
                  .replace(tzinfo=None),
                  inventory_data=json.dumps(inventory),
                  plugin_data=json.dumps(plugin_data))
    values.update(columns)
    with engine.begin() as conn:
        conn.execute(table.delete().where(table.c.node_id == node_id))
        conn.execute(table.insert().values(**values))


class Ironic39Swift(fixtures.Fixture):
    """The container of the swift-backed ironic 39.0.0 of ``peer``, in the
    Swift the ``SWIFT_TEST_*`` variables name, or skip ``test``; the
    objects written through it are deleted at cleanup (ironic leaves them
    when it deletes a node)."""

    def __init__(self, test, peer):
        super().__init__()
        values = swift_fixtures.credentials()
        if values is None:
            test.skipTest(swift_fixtures.SKIP_REASON)
        if peer.swift_auth_url != values[0]:
            test.skipTest('the ironic at %s reads the Swift of %s, not %s'
                          % (peer.url, peer.swift_auth_url, values[0]))
        self.auth_url, self.user, self.key = values
        self.container = peer.swift_container

    def _setUp(self):
        self.client = swift_client.Connection(
            authurl=self.auth_url, user=self.user, key=self.key,
            auth_version='1')
        self.client.put_container(self.container)

    @staticmethod
    def _name(uuid, part):
        return 'inspector_data-%s-%s' % (uuid, part)

    def write(self, uuid, inventory, plugin_data, parts=('inventory',
                                                         'plugin')):
        """Store the node's documents under ironic's object names."""
        for part, document in (('inventory', inventory),
                               ('plugin', plugin_data)):
            if part not in parts:
                continue
            self.client.put_object(self.container, self._name(uuid, part),
                                   json.dumps(document))
            self.addCleanup(self._delete, self._name(uuid, part))

    def forget(self, uuid):
        """Delete at cleanup the node's objects, whoever writes them."""
        for part in ('inventory', 'plugin'):
            self.addCleanup(self._delete, self._name(uuid, part))

    def _delete(self, name):
        try:
            self.client.delete_object(self.container, name)
        except swift_exc.ClientException as error:
            if error.http_status != 404:
                raise
