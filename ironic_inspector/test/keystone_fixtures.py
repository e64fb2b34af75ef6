"""A real Keystone for the tests, as tools/keystone/start.sh starts it.

The script writes ``KEYSTONE_TEST_AUTH_URL`` and the names and passwords
of its users to its env file; the tests read them from their
environment, or else from the env file in ``$KEYSTONE_STATE_DIR`` (where
.ci/run starts Keystone in the background, once the tests' environment is
made). Tests that need Keystone skip, saying so, when the variables are
not set or Keystone does not answer.
"""

import collections
import os

import fixtures
from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
import requests

from ironic_inspector.test import topology_fixtures

DOMAIN = 'default'

# Who the tests call the API as. project None: a token scoped to the
# system.
Account = collections.namedtuple('Account', 'user password project')

# kind -> (the variables' infix, the project variable, or None for the
# system)
_ACCOUNTS = {
    'admin': ('ADMIN', 'KEYSTONE_TEST_ADMIN_PROJECT'),
    'system-admin': ('ADMIN', None),
    'inspector': ('INSPECTOR', 'KEYSTONE_TEST_SERVICE_PROJECT'),
    'ironic': ('IRONIC', 'KEYSTONE_TEST_SERVICE_PROJECT'),
    'member': ('MEMBER', 'KEYSTONE_TEST_MEMBER_PROJECT'),
    'reader': ('READER', None),
}
ENV_VARS = ('KEYSTONE_TEST_AUTH_URL', 'KEYSTONE_TEST_ADMIN_PASSWORD')


def environment():
    """The variables of the test Keystone, as described above."""
    state = os.environ.get('KEYSTONE_STATE_DIR')
    path = os.path.join(state or '', 'env')
    if (os.environ.get('KEYSTONE_TEST_AUTH_URL') or not state
            or not os.path.exists(path)):
        return os.environ
    return dict(os.environ, **topology_fixtures.read_env_file(path))


def skip_reason():
    """Why the tests cannot use a Keystone, or None when they can."""
    env = environment()
    if not all(env.get(name) for name in ENV_VARS):
        return ('no Keystone to test against: start one with '
                'tools/keystone/start.sh and export the variables of its '
                'env file (%s, ...), or KEYSTONE_STATE_DIR'
                % ', '.join(ENV_VARS))
    url = env['KEYSTONE_TEST_AUTH_URL']
    try:
        requests.get(url, timeout=5).raise_for_status()
    except requests.RequestException as exc:
        return 'the Keystone at %s does not answer: %s' % (url, exc)
    return None


def auth_url():
    return environment()['KEYSTONE_TEST_AUTH_URL']


def region():
    return environment().get('KEYSTONE_TEST_REGION', 'RegionOne')


def inspector_url():
    """Where the catalog says the inspector API is."""
    return environment()['KEYSTONE_TEST_INSPECTOR_URL']


def token_expiration():
    """How long the test Keystone's tokens live, in seconds."""
    return int(environment().get('KEYSTONE_TEST_TOKEN_EXPIRATION', 3600))


def short_token_expiration(test):
    """How long the test Keystone's tokens live, or skip ``test`` when
    that is too long to wait for one to expire."""
    lifetime = token_expiration()
    if lifetime > 60:
        test.skipTest('tokens live %d s; start Keystone with '
                      'KEYSTONE_TOKEN_EXPIRATION at most 60 to see them '
                      'expire' % lifetime)
    return lifetime


def account(kind):
    """The :class:`Account` of ``kind``: admin (admin of project admin),
    system-admin (the same user, admin of the system, as ironic's default
    policy wants an operator), inspector and ironic (service role in the
    service project; inspector also swiftoperator, Swift's operator role),
    member (member of project demo, no operator role), reader (reader of
    the system)."""
    infix, project_variable = _ACCOUNTS[kind]
    env = environment()
    return Account(
        user=env['KEYSTONE_TEST_%s_USER' % infix],
        password=env['KEYSTONE_TEST_%s_PASSWORD' % infix],
        project=project_variable and env[project_variable])


def session(kind):
    """A keystoneauth1 session of ``kind``'s user, which gets a new token
    whenever the one it has expires."""
    user = account(kind)
    scope = ({'system_scope': 'all'} if user.project is None else
             {'project_name': user.project, 'project_domain_id': DOMAIN})
    auth = v3.Password(auth_url=auth_url(), username=user.user,
                       password=user.password, user_domain_id=DOMAIN,
                       **scope)
    return ks_session.Session(auth=auth)


def _token(session, kind):
    try:
        return session.get_token()
    except ks_exceptions.ClientException as exc:
        raise AssertionError('Keystone refused a token to %s: %s'
                             % (kind, exc))


def password_options(kind):
    """keystoneauth1's options of a configuration group (the password
    plugin) that authenticates as ``kind``'s service user."""
    user = account(kind)
    return {
        'auth_type': 'password',
        'auth_url': auth_url(),
        'username': user.user,
        'password': user.password,
        'user_domain_id': DOMAIN,
        'project_name': user.project,
        'project_domain_id': DOMAIN,
        'region_name': region(),
    }


def authtoken_options():
    """``[keystone_authtoken]`` of an API that checks tokens as the
    ironic-inspector service user."""
    return dict(password_options('inspector'),
                www_authenticate_uri=auth_url())


def client_options(kind):
    """The ``openstack`` command's options to authenticate as ``kind``'s
    user, finding the API in the catalog."""
    user = account(kind)
    scope = (['--os-system-scope', 'all'] if user.project is None else
             ['--os-project-name', user.project,
              '--os-project-domain-id', DOMAIN])
    return ['--os-auth-type', 'password', '--os-auth-url', auth_url(),
            '--os-username', user.user, '--os-password', user.password,
            '--os-user-domain-id', DOMAIN, '--os-region-name', region(),
            '--os-interface', 'public'] + scope


def passwords():
    """Every test user's password."""
    return [account(kind).password for kind in _ACCOUNTS]


class TokensFixture(fixtures.Fixture):
    """Tokens of the test Keystone's users: ``tokens.get(kind)`` gives
    the token of ``kind``'s session, a new one once it is about to expire
    (with Keystone's short lifetimes of the renewal tests, at every call).
    """

    def _setUp(self):
        self._sessions = {}
        self._issued = set()

    def get(self, kind):
        if kind not in self._sessions:
            self._sessions[kind] = session(kind)
        token = _token(self._sessions[kind], kind)
        self._issued.add(token)
        return token

    def issued(self):
        """Every token given so far."""
        return sorted(self._issued)
