"""auth_strategy = keystone: keystonemiddleware's auth_token and the
access policy, without a Keystone.

auth_token runs for real; only its check of a token with Keystone is
replaced, by keystonemiddleware's own fixture, which knows the tokens the
tests register (the real check is in the functional tests). So the
headers the policy reads are those auth_token sets from a token.
"""

import os
import subprocess
import sys

import fixtures
from keystoneauth1 import fixture as token_fixtures
from keystonemiddleware import fixture as auth_token_fixture
from oslo_utils import timeutils

from ironic_inspector.api import app
from ironic_inspector.api import policy
from ironic_inspector import conf
from ironic_inspector.test.unit.api import test_app

WWW_AUTHENTICATE = 'Keystone uri="http://127.0.0.1:5000/v3"'
ADMIN_RULES = ('(role:admin and system_scope:all) or (role:admin) or '
               '(role:service)')
READER_RULES = ('(role:reader and system_scope:all) or (role:admin) or '
                '(role:service)')


class KeystoneTestCase(test_app.ApiTestCase):
    """The API with auth_strategy = keystone, and tokens of every kind
    of caller: ``self.tokens[kind]``."""

    def setUp(self):
        super().setUp()
        # NOTE: oslo.policy looks for its file where the configuration
        # files are, as a parsed configuration knows.
        conf.parse_args([], default_config_files=[])
        self.config(auth_strategy='keystone')
        self.config(group='keystone_authtoken',
                    www_authenticate_uri='http://127.0.0.1:5000/v3')
        self.auth_token = self.useFixture(
            auth_token_fixture.AuthTokenFixture())
        # The roles a token lists, as Keystone's implied roles give them.
        self.tokens = {
            'admin': self.add_token(['admin', 'manager', 'member',
                                     'reader']),
            'service': self.add_token(['service']),
            'member': self.add_token(['member', 'reader']),
            'project reader': self.add_token(['reader']),
            'system reader': self.add_token(['reader'], system=True),
        }
        self.client = self.make_client()

    def add_token(self, roles, system=False, expires=None):
        if system:
            token = token_fixtures.V3Token(user_id='system-user',
                                           expires=expires)
            token.set_system_scope()
        else:
            token = token_fixtures.V3Token(user_id='user-%s' % roles[0],
                                           project_id='project',
                                           expires=expires)
        for role in roles:
            token.add_role(name=role)
        token.add_service('baremetal-introspection').add_standard_endpoints(
            public='http://catalog.example.com:5050')
        return self.auth_token.add_token(token)

    def request(self, method, path, kind=None, **kwargs):
        headers = kwargs.pop('headers', {})
        if kind is not None:
            headers['X-Auth-Token'] = self.tokens.get(kind, kind)
        return self.client.open(path, method=method, headers=headers,
                                **kwargs)

    def assertUnauthorized(self, response):
        self.assertError(401, 'Authentication required', response)
        self.assertEqual(WWW_AUTHENTICATE,
                         response.headers['WWW-Authenticate'])


# (method, path under /v1/introspection/<uuid>, rule) of every route
# that needs a token.
PROTECTED = [
    ('GET', '', 'introspection:status'),
    ('POST', '', 'introspection:start'),
    ('POST', '/abort', 'introspection:abort'),
    ('GET', '/data', 'introspection:data'),
    ('GET', '/data/unprocessed', 'introspection:data'),
    ('POST', '/data/unprocessed', 'introspection:reapply'),
]


class AuthenticationTestCase(KeystoneTestCase):

    def protected(self):
        """(method, path, rule) of every route that needs a token."""
        node = '/v1/introspection/%s' % self.uuid
        return ([(method, node + tail, rule)
                 for method, tail, rule in PROTECTED]
                + [('GET', '/v1/introspection', 'introspection:status')])

    def test_public_routes_need_no_token(self):
        for path in ('/', '/v1', '/v1/'):
            self.assertEqual(200, self.request('GET', path).status_code)
        self.assertEqual(200, self.request('HEAD', '/').status_code)
        # The ramdisk's callback reaches the application: its body is
        # checked.
        self.assertError(400, 'the body is empty',
                         self.request('POST', '/v1/continue'))

    def test_public_routes_with_any_token(self):
        for kind in ('member', 'admin', 'not-a-token'):
            self.assertEqual(200, self.request('GET', '/', kind).status_code)

    def test_no_token(self):
        for method, path, _ in self.protected():
            self.assertUnauthorized(self.request(method, path))

    def test_invalid_token(self):
        for method, path, _ in self.protected():
            self.assertUnauthorized(self.request(method, path,
                                                 'not-a-token'))

    def test_expired_token(self):
        expired = self.add_token(
            ['admin'], expires=timeutils.utcnow().replace(year=2020))
        self.assertUnauthorized(self.request(
            'GET', '/v1/introspection', expired))

    def test_identity_headers_of_the_caller_are_ignored(self):
        # auth_token removes what a caller claims about itself.
        forged = {'X-Identity-Status': 'Confirmed', 'X-Roles': 'admin',
                  'X-User-Id': 'admin', 'X-Project-Id': 'project'}
        self.assertUnauthorized(self.request(
            'GET', '/v1/introspection', headers=forged))
        self.assertError(403, 'introspection:data is disallowed by policy',
                         self.request('GET', '/v1/introspection/%s/data'
                                      % self.uuid, 'member',
                                      headers=forged))

    def test_unknown_paths_need_a_token(self):
        self.assertUnauthorized(self.request('GET', '/v2'))
        self.assertUnauthorized(self.request('GET', '/v1/continue'))
        self.assertError(404, 'Not Found',
                         self.request('GET', '/v2', 'member'))
        self.assertError(405, 'Method Not Allowed',
                         self.request('GET', '/v1/continue', 'member'))

    def test_tokens_and_catalog_never_logged_nor_answered(self):
        self.add_node()
        self.store({'answer': 42})
        answers = []
        for kind in list(self.tokens) + ['not-a-token']:
            for method, path, _ in self.protected() + [('GET', '/', None)]:
                answers.append(self.request(method, path, kind).get_data(
                    as_text=True))
        self.assertIn('Invalid user token', self.logs.output)
        for token in list(self.tokens.values()) + ['not-a-token']:
            self.assertNotIn(token, self.logs.output)
            self.assertNotIn(token, ''.join(answers))
        self.assertNotIn('catalog.example.com', self.logs.output)
        self.assertNotIn('catalog.example.com', ''.join(answers))


class PolicyTestCase(KeystoneTestCase):

    def setUp(self):
        super().setUp()
        self.add_node()
        self.store({'answer': 42})
        self.store({'answer': 41}, processed=False)
        self.node = '/v1/introspection/%s' % self.uuid

    def assertForbidden(self, rule, response):
        message = self.assertError(403, rule, response)
        self.assertEqual('%s is disallowed by policy' % rule, message)

    def test_member_is_refused_everything_but_public_routes(self):
        for method, tail, rule in PROTECTED:
            self.assertForbidden(rule, self.request(
                method, self.node + tail, 'member'))
        self.assertForbidden('introspection:status', self.request(
            'GET', '/v1/introspection', 'member'))
        self.assertEqual(200, self.request('GET', '/v1', 'member')
                         .status_code)

    def test_admin_and_service(self):
        for kind in ('admin', 'service'):
            status = self.request('GET', self.node, kind)
            self.assertEqual(200, status.status_code)
            self.assertEqual('finished', status.get_json()['state'])
            listing = self.request('GET', '/v1/introspection', kind)
            self.assertEqual([self.uuid], [
                entry['uuid'] for entry in listing.get_json()[
                    'introspection']])
            self.assertEqual({'answer': 42}, self.request(
                'GET', self.node + '/data', kind).get_json())
            self.assertEqual({'answer': 41}, self.request(
                'GET', self.node + '/data/unprocessed', kind).get_json())
            # Past the policy: the application's own answers.
            self.assertError(404, 'was not found', self.request(
                'GET', '/v1/introspection/%s' % (
                    '0' * 8 + '-0000-4000-8000-' + '0' * 12), kind))
            self.assertError(400, 'manage_boot', self.request(
                'POST', self.node + '?manage_boot=maybe', kind))

    def test_system_reader_reads_statuses_only(self):
        self.assertEqual(200, self.request('GET', self.node,
                                           'system reader').status_code)
        self.assertEqual(200, self.request('GET', '/v1/introspection',
                                           'system reader').status_code)
        for method, tail, rule in PROTECTED[1:]:
            self.assertForbidden(rule, self.request(
                method, self.node + tail, 'system reader'))

    def test_older_defaults_where_new_ones_are_not_enforced(self):
        baremetal_admin = self.add_token(['baremetal_admin'])
        self.assertForbidden('introspection:data', self.request(
            'GET', self.node + '/data', baremetal_admin))
        self.config(group='oslo_policy', enforce_new_defaults=False)
        client = self.make_client()
        self.assertEqual({'answer': 42}, client.get(
            self.node + '/data',
            headers={'X-Auth-Token': baremetal_admin}).get_json())

    def test_project_reader_is_no_system_reader(self):
        self.assertForbidden('introspection:status', self.request(
            'GET', self.node, 'project reader'))

    def test_policy_file_overrides_defaults(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'policy.yaml')
        with open(path, 'w') as policy_file:
            policy_file.write('"introspection:data": "role:member"\n')
        self.config(group='oslo_policy', policy_file=path)
        client = self.make_client()
        self.assertEqual({'answer': 42}, client.get(
            self.node + '/data',
            headers={'X-Auth-Token': self.tokens['member']}).get_json())
        self.assertForbidden('introspection:data', client.get(
            self.node + '/data',
            headers={'X-Auth-Token': self.tokens['service']}))


class RulesTestCase(test_app.ApiTestCase):
    """The rules: 12.5.0's names and defaults, one for every route."""

    def test_defaults(self):
        defaults = {rule.name: rule.check_str
                    for rule in policy.list_policies()}
        self.assertEqual({
            'is_admin': 'role:admin or role:administrator or '
                        'role:baremetal_admin',
            'is_observer': 'role:baremetal_observer',
            'public_api': 'is_public_api:True',
            'default': '!',
            'introspection': 'rule:public_api',
            'introspection:version': 'rule:public_api',
            'introspection:continue': 'rule:public_api',
            'introspection:status': READER_RULES,
            'introspection:start': ADMIN_RULES,
            'introspection:abort': ADMIN_RULES,
            'introspection:data': ADMIN_RULES,
            'introspection:reapply': ADMIN_RULES,
        }, defaults)

    def test_every_route_has_its_rule(self):
        flask_app = app.create_app(conf.CONF)
        for url_rule in flask_app.url_map.iter_rules():
            if url_rule.endpoint == 'static':
                continue
            for method in url_rule.methods - {'HEAD', 'OPTIONS'}:
                self.assertIsNotNone(policy.rule_of(method, url_rule.rule),
                                     '%s %s' % (method, url_rule.rule))


class PolicyCommandsTestCase(test_app.ApiTestCase):
    """oslo.policy's commands find the rules by their entry points."""

    def run_command(self, name, *args):
        command = os.path.join(os.path.dirname(sys.executable), name)
        result = subprocess.run([command, *args], capture_output=True,
                                text=True, timeout=120)
        self.assertEqual(0, result.returncode, result.stderr)
        return result.stdout

    def test_sample_generator(self):
        sample = self.run_command('oslopolicy-sample-generator',
                                  '--namespace', 'ironic_inspector.api')
        self.assertIn('# Read the stored introspection data, processed or '
                      'not\n# GET  /v1/introspection/{node_id}/data\n'
                      '# GET  /v1/introspection/{node_id}/data/unprocessed\n'
                      '#"introspection:data": "%s"' % ADMIN_RULES, sample)

    def test_policy_generator_reads_the_configured_policy_file(self):
        path = self.useFixture(fixtures.TempDir()).path
        policy_file = os.path.join(path, 'policy.yaml')
        with open(policy_file, 'w') as policy_yaml:
            policy_yaml.write('"introspection:status": "role:member"\n')
        config_file = os.path.join(path, 'inspector.conf')
        with open(config_file, 'w') as config:
            config.write('[oslo_policy]\npolicy_file = %s\n' % policy_file)
        effective = self.run_command(
            'oslopolicy-policy-generator', '--namespace', 'ironic_inspector',
            '--config-file', config_file)
        self.assertIn('"introspection:status": "role:member"\n', effective)
        self.assertIn('"introspection:data": "%s"\n' % ADMIN_RULES,
                      effective)
