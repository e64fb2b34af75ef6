"""A real ironic 32.1.0 for the tests, as tools/ironic/start-ironic.sh
starts it: fake-hardware, and its ``inspector`` inspect interface calling
our API at ``IRONIC_TEST_INSPECTOR_URL``. The ironic of
``IRONIC_STATE_DIR`` runs without authentication; the one of
``IRONIC_KEYSTONE_STATE_DIR`` (``IRONIC_AUTH_STRATEGY=keystone``) checks
tokens of the test Keystone and finds our API in its catalog.

Tests that need one skip, saying so, when its variable names no state
directory of the script, it runs with the other strategy (or another
Keystone), or does not answer. Nodes are made and driven through
ironic's REST API, as an operator's client does; the main path of the
end-to-end tests uses the real ``openstack baremetal`` commands.
"""

import os
import subprocess
import sys
import time
import urllib.parse

import fixtures
import requests

from ironic_inspector.test import keystone_fixtures
from ironic_inspector.test import topology_fixtures

# Node inventories (GET /v1/nodes/<node>/inventory) came in 1.81.
API_VERSION = '1.81'
OPENSTACK = os.path.join(os.path.dirname(sys.executable), 'openstack')


def settings(test, keystone=False):
    """``(ironic's URL, the port of the inspector API it calls)`` of the
    running test ironic, on the test Keystone when ``keystone``; skips
    ``test`` when there is none."""
    variable = 'IRONIC_KEYSTONE_STATE_DIR' if keystone else 'IRONIC_STATE_DIR'
    env = topology_fixtures.load_env(test, variable, 'ironic/start-ironic.sh')
    strategy = env.get('IRONIC_TEST_AUTH_STRATEGY', 'noauth')
    wanted = 'keystone' if keystone else 'noauth'
    if strategy != wanted:
        test.skipTest('the ironic of %s runs with auth_strategy %s, not %s '
                      '(IRONIC_AUTH_STRATEGY of tools/ironic/start-ironic.sh)'
                      % (variable, strategy, wanted))
    if keystone:
        _skip_unless_on_the_test_keystone(test, variable, env)
    url = env['IRONIC_TEST_URL']
    try:
        requests.get(url, timeout=10)
    except requests.ConnectionError:
        test.skipTest('the test ironic at %s does not answer' % url)
    return url, urllib.parse.urlsplit(env['IRONIC_TEST_INSPECTOR_URL']).port


def _skip_unless_on_the_test_keystone(test, variable, env):
    reason = keystone_fixtures.skip_reason()
    if reason:
        test.skipTest(reason)
    if env['IRONIC_TEST_KEYSTONE_AUTH_URL'] != keystone_fixtures.auth_url():
        test.skipTest('the ironic of %s checks tokens of the Keystone at '
                      '%s, not the test Keystone at %s'
                      % (variable, env['IRONIC_TEST_KEYSTONE_AUTH_URL'],
                         keystone_fixtures.auth_url()))


class IronicNodes(fixtures.Fixture):
    """Nodes of the test ironic at ``url``, deleted at cleanup.

    :param token: with Keystone, a callable that gives the token of the
        calls to ironic's REST API.
    :param client_options: with Keystone, the ``openstack`` command's
        options that authenticate it; it then finds ironic in the catalog.
    """

    def __init__(self, url, token=None, client_options=None):
        super().__init__()
        self.url = url
        self.token = token
        self.client_options = client_options

    def _setUp(self):
        self.session = requests.Session()
        self.session.headers['X-OpenStack-Ironic-API-Version'] = API_VERSION
        self.nodes = []
        self.addCleanup(self._delete_all)

    def _call(self, method, path, expected=(200, 201, 202, 204), **kwargs):
        headers = {'X-Auth-Token': self.token()} if self.token else {}
        response = self.session.request(method, self.url + path,
                                        headers=headers, timeout=60,
                                        **kwargs)
        if response.status_code not in expected:
            raise AssertionError('%s %s: %d %s' % (
                method, path, response.status_code, response.text))
        return response.json() if response.content else None

    def create(self, bmc_address, macs, name=None):
        """A manageable node of fake-hardware inspected by the inspector,
        with the BMC address in its driver_info and a port per MAC."""
        node = self._call('POST', '/v1/nodes', json={
            'driver': 'fake-hardware', 'inspect_interface': 'inspector',
            'name': name, 'driver_info': {'ipmi_address': bmc_address}})
        self.nodes.append(node['uuid'])
        for mac in macs:
            self._call('POST', '/v1/ports', json={'node_uuid': node['uuid'],
                                                  'address': mac})
        self.set_provision_state(node['uuid'], 'manage')
        self.wait_for(node['uuid'], 'manageable')
        return node['uuid']

    def get(self, uuid):
        return self._call('GET', '/v1/nodes/%s' % uuid)

    def ports(self, uuid):
        return self._call('GET', '/v1/ports/detail?node=%s' % uuid)['ports']

    def set_provision_state(self, uuid, target):
        self._call('PUT', '/v1/nodes/%s/states/provision' % uuid,
                   json={'target': target})

    def wait_for(self, uuid, *provision_states, timeout=90):
        """The node once in one of ``provision_states``."""
        deadline = time.monotonic() + timeout
        while True:
            node = self.get(uuid)
            if node['provision_state'] in provision_states:
                return node
            if time.monotonic() > deadline:
                raise AssertionError('node %s still %s (last_error %s), '
                                     'not %s' % (uuid,
                                                 node['provision_state'],
                                                 node['last_error'],
                                                 provision_states))
            time.sleep(0.5)

    def openstack(self, *args):
        """Run ``openstack baremetal ARGS`` on the test ironic.

        :returns: its standard output.
        """
        environment = {name: value for name, value in os.environ.items()
                       if not name.startswith('OS_')}
        environment['OS_BAREMETAL_API_VERSION'] = API_VERSION
        if not self.client_options:
            environment.update(OS_AUTH_TYPE='none', OS_ENDPOINT=self.url)
        result = subprocess.run([OPENSTACK, *(self.client_options or ()),
                                 'baremetal', *args],
                                capture_output=True, text=True, timeout=120,
                                env=environment)
        if result.returncode:
            raise AssertionError('openstack baremetal %s: %s'
                                 % (' '.join(args), result.stderr))
        return result.stdout

    def delete(self, uuid):
        self._call('DELETE', '/v1/nodes/%s' % uuid, expected=(204, 404, 409))

    def _delete_all(self):
        for uuid in self.nodes:
            self.delete(uuid)
