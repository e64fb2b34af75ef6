"""A real Swift for the tests, as tools/swift/start-swift.sh starts it.

The script writes ``SWIFT_TEST_AUTH_URL``, ``SWIFT_TEST_USER`` and
``SWIFT_TEST_KEY`` (v1 auth) to its env file; tests that need Swift skip,
saying so, when they are not set.
"""

import os

import fixtures
from oslo_utils import uuidutils
from swiftclient import client as swift_client
from swiftclient import exceptions as swift_exc

ENV_VARS = ('SWIFT_TEST_AUTH_URL', 'SWIFT_TEST_USER', 'SWIFT_TEST_KEY')


def credentials():
    """``(auth_url, user, key)``, or None when no Swift is configured."""
    values = tuple(os.environ.get(name) for name in ENV_VARS)
    return values if all(values) else None


SKIP_REASON = ('no Swift to test against: start one with '
               'tools/swift/start-swift.sh and export the variables of its '
               'env file (%s)' % ', '.join(ENV_VARS))


class SwiftContainerFixture(fixtures.Fixture):
    """Points ``[swift]`` at the test Swift with a container of its own.

    :param config: the test's ``config(group=..., **values)`` method.
    """

    def __init__(self, config):
        super().__init__()
        self._config = config

    def _setUp(self):
        self.auth_url, self.user, self.key = credentials()
        self.container = 'test-%s' % uuidutils.generate_uuid()
        self._config(group='swift', auth_version='1',
                     v1_auth_url=self.auth_url, v1_user=self.user,
                     v1_key=self.key, container=self.container,
                     max_retries=1)
        self.client = swift_client.Connection(
            authurl=self.auth_url, user=self.user, key=self.key,
            auth_version='1')
        self.addCleanup(self._remove_container)

    def object_names(self):
        _, listing = self.client.get_container(self.container)
        return sorted(entry['name'] for entry in listing)

    def _remove_container(self):
        try:
            _, listing = self.client.get_container(self.container,
                                                   full_listing=True)
        except swift_exc.ClientException:
            return
        for entry in listing:
            self.client.delete_object(self.container, entry['name'])
        self.client.delete_container(self.container)
