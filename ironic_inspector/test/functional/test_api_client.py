"""The real client on ironic-inspector-api: every storage, http_basic,
and an API without a database going through a conductor.

python-ironic-inspector-client's ``openstack baremetal introspection``
commands read, list and reprocess what a ramdisk posted, as operators do.
"""

import json
import os

from oslo_utils import uuidutils

from ironic_inspector.test import api_fixtures
from ironic_inspector.test.functional import served_api


class ClientTestCase(served_api.ServedApiTestCase):
    """The client's commands on documents the API took from a ramdisk."""

    SIZE = '60k'

    def test_client_commands(self):
        document, lookup = served_api.ramdisk_post(1, self.SIZE)
        uuid = self.add_node_with_command(lookup)
        response = self.post('/v1/continue', document)
        self.assertEqual(200, response.status_code, response.text)
        self.assertEqual({'uuid': uuid}, response.json())

        _, out, _ = self.openstack('data', 'save', '--unprocessed', uuid)
        self.assertEqual(served_api.without_logs(document), json.loads(out))

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
        # NOTE: the API's times are to the second (12.5.0's shape), and a
        # quick machine adds and processes the node within one.
        self.assertLessEqual(first_run['started_at'],
                             first_run['finished_at'])
        self.assertEqual(processed, self.stored(uuid, processed=True))
        self.assertNotIn(served_api.RAMDISK_LOGS, self.api.log())


class MySQLClientTestCase(served_api.MySQLStorage, ClientTestCase):
    # MariaDB takes the largest sample: one statement of 8 MB.
    SIZE = '8m'


class PostgresqlClientTestCase(served_api.PostgresqlStorage, ClientTestCase):
    SIZE = '1m'


class SwiftClientTestCase(served_api.SwiftStorage, ClientTestCase):
    SIZE = '1m'

    def test_no_document_is_not_found(self):
        # 12.5.0 answered 400 here.
        uuid = self.add_node(served_api.ramdisk_post(3)[1])
        for path in ('data', 'data/unprocessed'):
            response = self.get('/v1/introspection/%s/%s' % (uuid, path))
            self.assertEqual(404, response.status_code, response.text)
            self.assertIn(uuid, response.json()['error']['message'])


class HttpBasicTestCase(served_api.ServedApiTestCase):
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
        document, lookup = served_api.ramdisk_post(1)
        uuid = self.add_node(lookup)
        # The ramdisk has no credentials.
        self.assertEqual(200, self.post('/v1/continue', document).status_code)

        _, out, _ = self.openstack('data', 'save', '--unprocessed', uuid,
                                   auth=self._credentials(self.PASSWORD))
        self.assertEqual(served_api.without_logs(document), json.loads(out))
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
        for secret in (self.PASSWORD, 'wr0ng-password',
                       served_api.RAMDISK_LOGS):
            self.assertNotIn(secret, self.api.log())


class ConductorTestCase(served_api.ConductorStorage,
                        served_api.ServedApiTestCase):
    """An API with no database of its own: every object call goes to
    ironic-inspector-conductor over the real RabbitMQ."""

    def test_api_through_conductor(self):
        document, lookup = served_api.ramdisk_post(1)
        uuid = self.add_node(lookup)
        response = self.post('/v1/continue', document)
        self.assertEqual({'uuid': uuid}, response.json())
        _, out, _ = self.openstack('data', 'save', uuid)
        self.assertEqual(self.stored(uuid, processed=True), json.loads(out))
        replacement = dict(served_api.without_logs(document),
                           extra={'new': True})
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
