"""HTTP basic authentication of the API, with real bcrypt hashes."""

import base64
import os

import fixtures

from ironic_inspector.api import app
from ironic_inspector.common import exception
from ironic_inspector import conf
from ironic_inspector.test import api_fixtures
from ironic_inspector.test.unit.api import test_app

PASSWORD = 'Pa55-word:with-colon'


def basic(name, password):
    token = base64.b64encode(('%s:%s' % (name, password)).encode()).decode()
    return {'Authorization': 'Basic %s' % token}


class HttpBasicTestCase(test_app.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.user_file = os.path.join(
            self.useFixture(fixtures.TempDir()).path, 'htpasswd')
        self.write_users({'admin': PASSWORD, 'reader': 'other'})
        self.config(auth_strategy='http_basic',
                    http_basic_auth_user_file=self.user_file)
        self.client = self.make_client()
        self.add_node()
        self.status_path = '/v1/introspection/%s' % self.uuid

    def write_users(self, users):
        # NOTE: a file replaced within the same clock tick keeps its mtime
        # on some filesystems; a new inode is seen whatever the clock.
        temporary = self.user_file + '.new'
        api_fixtures.write_user_file(temporary, users)
        os.replace(temporary, self.user_file)

    def assertUnauthorized(self, response, fragment):
        self.assertError(401, fragment, response)
        self.assertEqual('Basic realm="ironic-inspector"',
                         response.headers['WWW-Authenticate'])

    def test_valid_credentials(self):
        for _ in range(2):
            response = self.client.get(self.status_path,
                                       headers=basic('admin', PASSWORD))
            self.assertEqual(200, response.status_code)
        response = self.client.get(self.status_path,
                                   headers=basic('reader', 'other'))
        self.assertEqual(200, response.status_code)

    def test_missing_credentials(self):
        for headers in ({}, {'Authorization': ''},
                        {'Authorization': 'Bearer abc'}):
            self.assertUnauthorized(
                self.client.get(self.status_path, headers=headers),
                'Authentication required')
        for path in ('/data', '/data/unprocessed'):
            self.assertUnauthorized(self.client.get(self.status_path + path),
                                    'Authentication required')
        self.assertUnauthorized(
            self.client.post(self.status_path + '/data/unprocessed'),
            'Authentication required')

    def test_wrong_credentials(self):
        for headers in (basic('admin', 'wrong'), basic('admin', ''),
                        basic('nobody', PASSWORD), basic('reader', PASSWORD)):
            self.assertUnauthorized(
                self.client.get(self.status_path, headers=headers),
                'Invalid username or password')

    def test_malformed_credentials(self):
        for headers in ({'Authorization': 'Basic !!!not-base64'},
                        {'Authorization': 'Basic %s' % base64.b64encode(
                            b'no-colon').decode()},
                        {'Authorization': 'Basic %s' % base64.b64encode(
                            b'\xff\xfe:x').decode()}):
            self.assertUnauthorized(
                self.client.get(self.status_path, headers=headers),
                'Authentication required')

    def test_public_routes(self):
        for path in ('/', '/v1', '/v1/'):
            self.assertEqual(200, self.client.get(path).status_code)
        self.assertEqual(200, self.client.head('/').status_code)
        # The ramdisk's callback has no credentials: its body is checked.
        self.assertError(400, 'the body is empty',
                         self.client.post('/v1/continue'))
        self.assertUnauthorized(self.client.get('/v1/continue'),
                                'Authentication required')

    def test_password_never_logged(self):
        self.client.get(self.status_path, headers=basic('admin', PASSWORD))
        self.client.get(self.status_path, headers=basic('admin', 'wr0ng-pw'))
        self.client.get(self.status_path, headers=basic('x', 'wr0ng-pw'))
        self.assertIn('wrong password for user admin', self.logs.output)
        self.assertNotIn(PASSWORD, self.logs.output)
        self.assertNotIn('wr0ng-pw', self.logs.output)

    def test_changed_file_is_read_again(self):
        self.assertEqual(200, self.client.get(
            self.status_path, headers=basic('admin', PASSWORD)).status_code)
        self.write_users({'admin': 'new-password', 'added': 'added'})
        self.assertUnauthorized(
            self.client.get(self.status_path,
                            headers=basic('admin', PASSWORD)),
            'Invalid username or password')
        self.assertUnauthorized(
            self.client.get(self.status_path, headers=basic('reader',
                                                            'other')),
            'Invalid username or password')
        for name, password in (('admin', 'new-password'),
                               ('added', 'added')):
            self.assertEqual(200, self.client.get(
                self.status_path,
                headers=basic(name, password)).status_code)

    def test_file_gone_refuses_everyone(self):
        os.unlink(self.user_file)
        response = self.client.get(self.status_path,
                                   headers=basic('admin', PASSWORD))
        self.assertError(503, 'cannot check credentials', response)
        self.assertIn('cannot read [DEFAULT]http_basic_auth_user_file',
                      self.logs.output)
        self.assertEqual(200, self.client.get('/').status_code)


class UserFileTestCase(test_app.ApiTestCase):
    """A user file the service cannot start with."""

    def setUp(self):
        super().setUp()
        self.path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                                 'htpasswd')
        self.config(auth_strategy='http_basic',
                    http_basic_auth_user_file=self.path)

    def assertRefused(self, fragment):
        error = self.assertRaises(exception.ConfigInvalid, app.create_app,
                                  conf.CONF)
        self.assertIn(fragment, str(error))
        return str(error)

    def test_missing(self):
        self.assertRefused('cannot read [DEFAULT]http_basic_auth_user_file '
                           '%s: No such file or directory' % self.path)

    def test_not_bcrypt(self):
        with open(self.path, 'w') as user_file:
            user_file.write('# users\n\nadmin:$apr1$salt$md5hashSECRET\n')
        message = self.assertRefused('%s, line 3: expected "user:bcrypt '
                                     'hash"' % self.path)
        self.assertNotIn('SECRET', message)

    def test_no_hash(self):
        with open(self.path, 'w') as user_file:
            user_file.write('admin\n')
        self.assertRefused('line 1: expected "user:bcrypt hash"')

    def test_comments_and_blank_lines(self):
        api_fixtures.write_user_file(self.path, {'admin': 'pw'})
        with open(self.path, 'a') as user_file:
            user_file.write('\n# a comment\n   \n')
        client = app.create_app(conf.CONF).test_client()
        self.assertEqual(404, client.get(
            '/v1/introspection/%s' % self.uuid,
            headers=basic('admin', 'pw')).status_code)
