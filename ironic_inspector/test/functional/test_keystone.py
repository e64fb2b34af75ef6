"""ironic-inspector-api with auth_strategy = keystone, against the real
Keystone of tools/keystone/start.sh: its tokens, its users' roles under
the default policy, and the real client finding the API in its catalog.
"""

import datetime
import json
import time
from urllib import parse

from oslo_utils import uuidutils
import requests

from ironic_inspector.test.functional import served_api
from ironic_inspector.test import keystone_fixtures

# Looks like a fernet token, is none.
BAD_TOKEN = 'gAAAAABnot-a-token-at-all-0123456789'


# The API's most verbose logging: debug, keystonemiddleware and
# oslo.policy included. (keystoneauth stays at oslo.log's WARN: at DEBUG
# it logs the service user's own token response, catalog and all.)
LOG_LEVELS = ('keystoneauth=WARN,keystonemiddleware=DEBUG,oslo_policy=DEBUG,'
              'stevedore=WARN,urllib3=WARN')


class KeystoneApiBase(served_api.ServedApiTestCase):
    """The API checking tokens with the test Keystone, logging all it
    logs, so that a secret in any log line would show."""

    def setup_storage(self):
        reason = keystone_fixtures.skip_reason()
        if reason:
            self.skipTest(reason)
        super().setup_storage()
        self.command.options['DEFAULT'] = {
            'auth_strategy': 'keystone', 'debug': 'true',
            'default_log_levels': LOG_LEVELS}
        self.command.options['keystone_authtoken'] = (
            keystone_fixtures.authtoken_options())
        self.tokens = self.useFixture(keystone_fixtures.TokensFixture())

    def call(self, method, path, kind=None, token=None, **kwargs):
        """``method path`` with the token of ``kind``'s user, or ``token``,
        or none."""
        if kind is not None:
            token = self.tokens.get(kind)
        headers = {'X-Auth-Token': token} if token else {}
        return requests.request(method, self.api.url + path,
                                headers=headers, timeout=120, **kwargs)

    def finished_node(self, index=1):
        """A node the ramdisk's document went through; its UUID."""
        document, lookup = served_api.ramdisk_post(index)
        uuid = self.add_node(lookup)
        response = self.post('/v1/continue', document)
        self.assertEqual(200, response.status_code, response.text)
        return uuid

    def assertUnauthorized(self, response):
        self.assertEqual(401, response.status_code, response.text)
        self.assertEqual({'error': {'message': 'Authentication required'}},
                         response.json())
        self.assertEqual('Keystone uri="%s"' % keystone_fixtures.auth_url(),
                         response.headers['WWW-Authenticate'])

    def assertForbidden(self, rule, response):
        self.assertEqual(403, response.status_code, response.text)
        self.assertEqual(
            {'error': {'message': '%s is disallowed by policy' % rule}},
            response.json())

    def assertNoSecretLogged(self):
        log = self.api.log()
        # Something was logged of the checks.
        self.assertIn('keystonemiddleware.auth_token', log)
        for secret in (self.tokens.issued() + keystone_fixtures.passwords()
                       + [BAD_TOKEN, '"catalog"', '"endpoints"']):
            self.assertNotIn(secret, log)


class KeystoneApiTestCase(KeystoneApiBase):

    def test_public_routes_need_no_token(self):
        response = self.call('GET', '/')
        self.assertEqual(200, response.status_code)
        self.assertEqual('1.18', response.json()['versions'][0]['id'])
        self.assertEqual(200, self.call('GET', '/v1').status_code)
        # The ramdisk's callback: processed, without a token.
        self.finished_node()

    def test_no_token_or_a_bad_one(self):
        uuid = self.finished_node()
        for method, path in (('GET', '/v1/introspection/%s' % uuid),
                             ('GET', '/v1/introspection'),
                             ('GET', '/v1/introspection/%s/data' % uuid),
                             ('POST', '/v1/introspection/%s/abort' % uuid)):
            self.assertUnauthorized(self.call(method, path))
            self.assertUnauthorized(self.call(method, path,
                                              token=BAD_TOKEN))
        self.assertNoSecretLogged()

    def test_member_is_refused_by_the_rule(self):
        uuid = self.finished_node()
        node = '/v1/introspection/%s' % uuid
        for method, path, rule in (
                ('GET', node, 'introspection:status'),
                ('GET', '/v1/introspection', 'introspection:status'),
                ('POST', node, 'introspection:start'),
                ('POST', node + '/abort', 'introspection:abort'),
                ('GET', node + '/data', 'introspection:data'),
                ('GET', node + '/data/unprocessed', 'introspection:data'),
                ('POST', node + '/data/unprocessed',
                 'introspection:reapply')):
            self.assertForbidden(rule, self.call(method, path, 'member'))
        self.assertEqual(200, self.call('GET', '/v1', 'member').status_code)
        self.assertNoSecretLogged()

    def test_admin_and_services(self):
        uuid = self.finished_node()
        stored = self.stored(uuid, processed=True)
        unknown = '/v1/introspection/%s' % uuidutils.generate_uuid()
        for kind in ('admin', 'ironic', 'inspector'):
            status = self.call('GET', '/v1/introspection/%s' % uuid, kind)
            self.assertEqual(200, status.status_code, status.text)
            self.assertEqual(('finished', None), (status.json()['state'],
                                                  status.json()['error']))
            self.assertEqual(404, self.call('GET', unknown, kind).status_code)
            data = self.call('GET', '/v1/introspection/%s/data' % uuid, kind)
            self.assertEqual(stored, data.json())
        # The API logs who called.
        user_id = keystone_fixtures.session('admin').get_user_id()
        self.assertRegex(self.api.log(), '%s .*GET /v1/introspection/%s/data '
                         '200 in' % (user_id, uuid))
        self.assertNoSecretLogged()

    def test_system_reader_reads_statuses_not_data(self):
        uuid = self.finished_node()
        status = self.call('GET', '/v1/introspection/%s' % uuid, 'reader')
        self.assertEqual(200, status.status_code, status.text)
        listing = self.call('GET', '/v1/introspection', 'reader').json()
        self.assertEqual([uuid], [entry['uuid']
                                  for entry in listing['introspection']])
        self.assertForbidden('introspection:data', self.call(
            'GET', '/v1/introspection/%s/data' % uuid, 'reader'))
        self.assertNoSecretLogged()

    def test_tokens_expire_and_are_renewed(self):
        lifetime = keystone_fixtures.token_expiration()
        if lifetime > 60:
            self.skipTest('tokens live %d s; start Keystone with '
                          'KEYSTONE_TOKEN_EXPIRATION at most 60 to see '
                          'them expire' % lifetime)
        uuid = self.finished_node()
        url = self.api.url + '/v1/introspection/%s' % uuid
        admin = keystone_fixtures.session('admin')
        first = admin.get_token()
        self.assertEqual(200, admin.get(url, raise_exc=False).status_code)
        expires = admin.auth.auth_ref.expires
        time.sleep(max(0, (expires - datetime.datetime.now(
            datetime.timezone.utc)).total_seconds()) + 1)
        self.assertUnauthorized(self.call('GET', url[len(self.api.url):],
                                          token=first))
        # The client's session gets a new token; the API checks it with a
        # new token of its own, the first having expired too.
        self.assertEqual(200, admin.get(url, raise_exc=False).status_code)
        self.assertNotEqual(first, admin.get_token())
        self.assertNotIn(first, self.api.log())


class CatalogClientTestCase(KeystoneApiBase):
    """python-ironic-inspector-client with password authentication,
    finding the API through the catalog: the API listens where the
    baremetal-introspection endpoint says."""

    def setup_storage(self):
        super().setup_storage()
        self.api_port = parse.urlparse(
            keystone_fixtures.inspector_url()).port

    def client(self, kind, *args, expect_success=True):
        return self.openstack(
            *args, auth=keystone_fixtures.client_options(kind),
            catalog=True, expect_success=expect_success)

    def test_client_through_the_catalog(self):
        uuid = self.finished_node()
        _, out, _ = self.client('admin', 'status', uuid, '-f', 'json')
        self.assertEqual((True, None), (json.loads(out)['finished'],
                                        json.loads(out)['error']))
        _, out, _ = self.client('admin', 'list', '-f', 'json')
        self.assertEqual([uuid], [row['UUID'] for row in json.loads(out)])
        _, out, _ = self.client('admin', 'data', 'save', uuid)
        self.assertEqual(self.stored(uuid, processed=True), json.loads(out))
        first = self.get_status(uuid)
        self.client('admin', 'reprocess', uuid)
        self.assertGreater(self.get_status(uuid)['finished_at'],
                           first['finished_at'])

        # The reader of the system reads statuses, not data.
        self.client('reader', 'status', uuid)
        code, _, err = self.client('reader', 'data', 'save', uuid,
                                   expect_success=False)
        self.assertEqual(1, code)
        self.assertIn('introspection:data is disallowed by policy', err)
        # A member is refused by the policy, which the client says.
        for args, rule in ((('status', uuid), 'introspection:status'),
                           (('reprocess', uuid), 'introspection:reapply')):
            code, out, err = self.client('member', *args,
                                         expect_success=False)
            self.assertEqual((1, ''), (code, out))
            self.assertIn('%s is disallowed by policy' % rule, err)
            self.assertNotIn('Traceback', err)
        self.assertNoSecretLogged()

    def get_status(self, uuid):
        response = self.call('GET', '/v1/introspection/%s' % uuid, 'admin')
        self.assertEqual(200, response.status_code, response.text)
        return response.json()
