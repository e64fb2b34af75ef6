"""The real ironic 32.1.0 drives introspection through our API.

Ironic's ``inspector`` inspect interface starts an introspection here,
polls its status, aborts it, and reads the processed document into its
own node inventory; our processing writes the node's properties and
ports back to ironic. Ironic runs as tools/ironic/start-ironic.sh starts
it, calling our API on the one port its configuration names: these tests
run one after the other (see .stestr.conf). The last ones run everything
on the test Keystone: a second ironic, which finds our API in the
catalog, on the port of the catalog's inspector endpoint.
"""

import functools

import json
import os
import random
import time

import fixtures
import requests

from ironic_inspector.test import base
from ironic_inspector.test.functional import served_api
from ironic_inspector.test.functional import test_api_release12
from ironic_inspector.test.functional import test_keystone
from ironic_inspector.test import ironic_fixtures
from ironic_inspector.test import keystone_fixtures
from ironic_inspector.test import release12

_INDEXES = random.Random()


class IronicScenario:
    """The steps of the scenarios, whichever inspector ironic calls (ours,
    or 12.5.0's service): ``self.inspector_url`` is its API, and
    ``self.ironic`` the test ironic's nodes."""

    def ironic_node(self, name=None):
        """A manageable node of ironic, with the BMC address and the PXE
        MAC of a ramdisk document made for it.

        :returns: ``(uuid, document, pxe_mac)``.
        """
        # NOTE: ironic refuses a MAC another of its nodes has; nodes
        # that a failed test left in ironic keep theirs.
        document, lookup = served_api.ramdisk_post(
            _INDEXES.randrange(65536))
        pxe_mac = document['boot_interface'][3:].replace('-', ':')
        uuid = self.ironic.create(lookup['bmc_addresses'][0], [pxe_mac],
                                  name=name)
        return uuid, document, pxe_mac

    def inspector_headers(self):
        """The headers of an operator's call to the inspector's API."""
        return {}

    def inspector(self, method, path, document=None, as_ramdisk=False):
        """A call to the inspector's API, as the operator, or as the
        ramdisk (which has no credentials)."""
        headers = {} if as_ramdisk else self.inspector_headers()
        return requests.request(method, self.inspector_url + path,
                                json=document, headers=headers, timeout=120)

    def inspect(self, uuid):
        """``openstack baremetal node inspect``; returns once the
        inspector's node waits for its ramdisk."""
        self.ironic.openstack('node', 'inspect', uuid)
        return self.wait_for_status(uuid, 'waiting')

    def wait_for_status(self, uuid, state, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            response = self.inspector('GET', '/v1/introspection/%s' % uuid)
            if response.status_code == 200 and (
                    response.json()['state'] == state):
                return response.json()
            if time.monotonic() > deadline:
                raise AssertionError('introspection of %s: %d %s, not %s'
                                     % (uuid, response.status_code,
                                        response.text, state))
            time.sleep(0.2)

    def wait_for_power(self, uuid, power_state, timeout=30):
        deadline = time.monotonic() + timeout
        while self.ironic.get(uuid)['power_state'] != power_state:
            if time.monotonic() > deadline:
                raise AssertionError('node %s not %s' % (uuid, power_state))
            time.sleep(0.2)

    def check_inspect_end_to_end(self):
        """The main path: node inspect, the ramdisk's document, and what
        ironic then has.

        :returns: ``(node UUID, the processed document)``.
        """
        uuid, document, pxe_mac = self.ironic_node()
        status = self.inspect(uuid)
        self.assertFalse(status['finished'])
        # The inspector manages boot: the node was set to PXE and rebooted.
        self.wait_for_power(uuid, 'power on')
        response = self.inspector('POST', '/v1/continue', document,
                                  as_ramdisk=True)
        self.assertEqual((200, {'uuid': uuid}),
                         (response.status_code, response.json()))
        self.ironic.wait_for(uuid, 'manageable')

        processed = self.inspector('GET', '/v1/introspection/%s/data'
                                   % uuid).json()
        shown = json.loads(self.ironic.openstack(
            'node', 'show', uuid, '-f', 'json', '-c', 'provision_state',
            '-c', 'properties', '-c', 'power_state', '-c', 'last_error'))
        self.assertEqual('manageable', shown['provision_state'])
        self.assertIsNone(shown['last_error'])
        # As strings, as 12.5.0 writes them.
        self.assertEqual(
            {name: str(processed[name]) for name in ('cpus', 'memory_mb',
                                                     'local_gb', 'cpu_arch')},
            {name: shown['properties'][name]
             for name in ('cpus', 'memory_mb', 'local_gb', 'cpu_arch')})
        self.assertEqual('power off', shown['power_state'])
        ports = json.loads(self.ironic.openstack(
            'port', 'list', '--node', uuid, '--long', '-f', 'json'))
        self.assertEqual([(pxe_mac, True)],
                         [(port['address'], port['pxe_enabled'])
                          for port in ports])
        saved = os.path.join(self.useFixture(fixtures.TempDir()).path,
                             'inventory.json')
        self.ironic.openstack('node', 'inventory', 'save', uuid,
                              '--file', saved)
        with open(saved) as inventory:
            inventory = json.load(inventory)
        self.assertEqual(processed['inventory'], inventory['inventory'])
        self.assertEqual({key: value for key, value in processed.items()
                          if key != 'inventory'}, inventory['plugin_data'])
        return uuid, processed

    def check_abort(self):
        """``openstack baremetal node abort`` while the inspector waits
        for the ramdisk; returns the node's UUID."""
        uuid, document, _ = self.ironic_node()
        self.inspect(uuid)
        self.ironic.openstack('node', 'abort', uuid)
        self.ironic.wait_for(uuid, 'inspect failed')
        status = self.wait_for_status(uuid, 'error')
        self.assertEqual((True, 'Canceled by operator'),
                         (status['finished'], status['error']))
        # Its lookup data went with the abort: a late ramdisk is not taken.
        self.assertEqual(404, self.inspector('POST', '/v1/continue', document,
                                             as_ramdisk=True).status_code)
        self.wait_for_power(uuid, 'power off')
        return uuid


class IronicBase(IronicScenario, served_api.ServedApiTestCase):
    """Our API, on a SQLite file, with the test ironic as its [ironic]."""

    OPTIONS = {}
    # Whether the test ironic, and our API, are on the test Keystone.
    KEYSTONE = False

    def setUp(self):
        ironic_url, self.api_port = ironic_fixtures.settings(
            self, keystone=self.KEYSTONE)
        self.OPTIONS = dict(type(self).OPTIONS, ironic=dict(
            self.ironic_options(ironic_url), max_retries='5',
            retry_interval='1'))
        super().setUp()
        self.inspector_url = self.api.url
        self.ironic = self.useFixture(self.ironic_nodes(ironic_url))

    def ironic_options(self, ironic_url):
        """How our API reaches ironic: [ironic]'s authentication."""
        return {'auth_type': 'none', 'endpoint_override': ironic_url}

    def ironic_nodes(self, ironic_url):
        return ironic_fixtures.IronicNodes(ironic_url)


class IronicTestCase(IronicBase):
    """The main path; the subclasses run it on MariaDB and PostgreSQL, and
    through a conductor."""

    def test_inspect_end_to_end(self):
        uuid, processed = self.check_inspect_end_to_end()
        self.assertEqual(processed, self.stored(uuid, processed=True))


class Release12IronicTestCase(IronicScenario, base.TestCase):
    """The same main path with ironic-inspector 12.5.0's own service (API
    and conductor in one process) where ironic calls its inspector."""

    def setUp(self):
        super().setUp()
        ironic_url, port = ironic_fixtures.settings(self)
        reason = release12.missing()
        if reason:
            self.skipTest(reason)
        workdir = self.useFixture(fixtures.TempDir()).path
        database = 'sqlite:///%s' % os.path.join(workdir, 'release12.sqlite')
        code, _, err = release12.dbsync(release12.write_config(
            os.path.join(workdir, 'release12.conf'), database), 'upgrade')
        self.assertEqual(0, code, err)
        service = test_api_release12.Release12Api(
            workdir, database, port=port, ironic_url=ironic_url)
        self.addCleanup(service.stop)
        service.wait()
        self.inspector_url = service.url
        self.ironic = self.useFixture(
            ironic_fixtures.IronicNodes(ironic_url))

    def test_inspect_end_to_end(self):
        self.check_inspect_end_to_end()


class MySQLIronicTestCase(served_api.MySQLStorage, IronicTestCase):
    pass


class PostgresqlIronicTestCase(served_api.PostgresqlStorage,
                               IronicTestCase):
    pass


class ConductorIronicTestCase(served_api.ConductorStorage, IronicTestCase):
    pass


class IronicScenariosTestCase(IronicBase):
    """Errors, aborts, ironic's names and boot left to ironic."""

    def test_ramdisk_error_reaches_ironic(self):
        uuid, document, _ = self.ironic_node()
        self.inspect(uuid)
        document['error'] = 'The disks are on fire'
        self.assertEqual(400, self.post('/v1/continue', document).status_code)
        node = self.ironic.wait_for(uuid, 'inspect failed')
        self.assertIn('The disks are on fire', node['last_error'])
        # The document the ramdisk sent is kept, for a reprocessing.
        self.assertEqual('The disks are on fire',
                         self.stored(uuid, processed=False)['error'])

    def test_abort(self):
        self.check_abort()

    def test_start_by_name_with_boot_left_to_ironic(self):
        name = 'node-%d' % _INDEXES.randrange(10 ** 6)
        uuid, document, _ = self.ironic_node(name=name)
        power_state = self.ironic.get(uuid)['power_state']
        response = self.post('/v1/introspection/%s?manage_boot=false' % name)
        self.assertEqual(202, response.status_code, response.text)
        status = self.get('/v1/introspection/%s' % name).json()
        self.assertEqual((uuid, 'waiting'),
                         (status['uuid'], status['state']))
        self.assertEqual(200, self.post('/v1/continue', document).status_code)
        self.assertEqual('128', self.ironic.get(uuid)['properties']['cpus'])
        # Neither booted nor powered off by us.
        self.assertEqual(power_state, self.ironic.get(uuid)['power_state'])

    def test_ironic_refusing_the_write_back(self):
        uuid, document, _ = self.ironic_node()
        response = self.post('/v1/introspection/%s?manage_boot=false' % uuid)
        self.assertEqual(202, response.status_code, response.text)
        self.ironic.delete(uuid)
        response = self.post('/v1/continue', document)
        self.assertEqual(502, response.status_code)
        message = ('ironic refused to set the properties for node %s: 404'
                   % uuid)
        self.assertIn(message, response.json()['error']['message'])
        status = self.get('/v1/introspection/%s' % uuid).json()
        self.assertEqual('error', status['state'])
        self.assertIn(message, status['error'])
        # Both documents are kept, nothing is half-applied on our side.
        self.assertEqual(served_api.without_logs(document),
                         self.stored(uuid, processed=False))
        self.assertEqual(128, self.stored(uuid, processed=True)['cpus'])

    def test_unknown_name_and_wrong_state(self):
        response = self.post('/v1/introspection/no-such-node')
        self.assertEqual(404, response.status_code)
        self.assertIn('no-such-node', response.json()['error']['message'])
        uuid, _, _ = self.ironic_node()
        self.ironic.set_provision_state(uuid, 'provide')
        self.ironic.wait_for(uuid, 'available')
        response = self.post('/v1/introspection/%s' % uuid)
        self.assertEqual(400, response.status_code)
        self.assertIn('"available"', response.json()['error']['message'])


class IronicPeriodicTestCase(IronicBase):
    """The periodic clean-up of the API, every second here."""

    OPTIONS = {'DEFAULT': {'timeout': '3', 'clean_up_period': '1'}}

    def test_nodes_deleted_in_ironic_leave_the_cache(self):
        uuid, _, _ = self.ironic_node()
        response = self.post('/v1/introspection/%s?manage_boot=false' % uuid)
        self.assertEqual(202, response.status_code, response.text)
        self.ironic.delete(uuid)
        deadline = time.monotonic() + 30
        while self.get('/v1/introspection/%s' % uuid).status_code != 404:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.2)

    def test_introspection_times_out(self):
        uuid, _, _ = self.ironic_node()
        self.inspect(uuid)
        node = self.ironic.wait_for(uuid, 'inspect failed')
        self.assertIn('Introspection timeout', node['last_error'])
        self.assertEqual('Introspection timeout',
                         self.wait_for_status(uuid, 'error')['error'])


class KeystoneIronicTestCase(IronicBase, test_keystone.KeystoneApiBase):
    """Everything on the test Keystone. The ironic of
    ``IRONIC_KEYSTONE_STATE_DIR`` checks tokens and calls our API, which it
    finds in the catalog, as its ironic service user; our API checks
    tokens and listens where the catalog says; our [ironic] authenticates
    as the ironic-inspector service user and finds ironic in the catalog;
    the operator is the admin of the system, as ironic's policy wants."""

    KEYSTONE = True

    def ironic_options(self, ironic_url):
        # No endpoint_override: the catalog's baremetal endpoint.
        return keystone_fixtures.password_options('inspector')

    def ironic_nodes(self, ironic_url):
        return ironic_fixtures.IronicNodes(
            ironic_url, token=functools.partial(self.tokens.get,
                                                'system-admin'),
            client_options=keystone_fixtures.client_options('system-admin'))

    def inspector_headers(self):
        return {'X-Auth-Token': self.tokens.get('system-admin')}

    def assertCalledByIronic(self, method, path):
        """Ironic called our API with its service user's token."""
        user_id = keystone_fixtures.session('ironic').get_user_id()
        self.assertRegex(self.api.log(), '%s .*%s %s 20[02] in'
                         % (user_id, method, path))

    def test_inspect_end_to_end(self):
        uuid, processed = self.check_inspect_end_to_end()
        self.assertEqual(processed, self.stored(uuid, processed=True))
        introspection = '/v1/introspection/%s' % uuid
        for method, path in (('POST', introspection),
                             ('GET', introspection),
                             ('GET', introspection + '/data')):
            self.assertCalledByIronic(method, path)
        self.assertNoSecretLogged()

    def test_abort(self):
        uuid = self.check_abort()
        self.assertCalledByIronic('POST', '/v1/introspection/%s/abort'
                                  % uuid)
        self.assertNoSecretLogged()
