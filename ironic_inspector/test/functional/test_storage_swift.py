"""The storage contract and Swift specifics, on a real Swift."""

import json
import time

from keystoneauth1 import loading as ks_loading
from swiftclient import client as swift_client
from swiftclient import exceptions as swift_exc
import testtools.content

from ironic_inspector.common import exception
from ironic_inspector.conf import keystone_auth
from ironic_inspector.conf import swift as swift_conf
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import storage
from ironic_inspector.test import base
from ironic_inspector.test import commands
from ironic_inspector.test import keystone_fixtures
from ironic_inspector.test import property_tests
from ironic_inspector.test import storage_contract
from ironic_inspector.test import swift_fixtures


class SwiftTestCase(swift_fixtures.SwiftMixin, base.TestCase):

    def setUp(self):
        self.skip_without_swift()
        super().setUp()
        self.swift = self.useFixture(self.swift_fixture())

    def make_backend(self):
        storage.clear_cache()
        return storage.get_backend('swift')

    def make_node(self, uuid):
        """Swift knows no node cache."""


class SwiftStoreContractTestCase(storage_contract.StorageContractTests,
                                 property_tests.RoundTripPropertyTests,
                                 SwiftTestCase):
    pass


class SwiftStoreTestCase(SwiftTestCase):

    def setUp(self):
        super().setUp()
        self.uuid = '0d6cc5c5-1b1f-4b67-8a15-a0c0b42f2f4a'
        self.backend = self.make_backend()

    def test_object_layout(self):
        self.backend.save(self.uuid, {'a': 1}, processed=True, version='1.1')
        self.backend.save(self.uuid, {'b': 2}, processed=False)
        self.assertEqual(['inspector_data-%s' % self.uuid,
                          'inspector_data-%s-UNPROCESSED' % self.uuid],
                         self.swift.object_names())
        headers, body = self.swift.client.get_object(
            self.swift.container, 'inspector_data-%s' % self.uuid)
        self.assertEqual({'a': 1}, json.loads(body))
        self.assertEqual('application/json', headers['content-type'])
        self.assertEqual('1.1', headers['x-object-meta-inspector-version'])

    def test_reads_what_existing_deployments_wrote(self):
        self.swift.client.put_container(self.swift.container)
        for suffix, document in (('', {'processed': True}),
                                 ('-UNPROCESSED', {'processed': False})):
            self.swift.client.put_object(
                self.swift.container,
                'inspector_data-%s%s' % (self.uuid, suffix),
                json.dumps(document, indent=2))
        self.assertEqual({'processed': True}, self.backend.get(self.uuid))
        self.assertEqual({'processed': False},
                         self.backend.get(self.uuid, processed=False))
        self.assertEqual([(self.uuid, False), (self.uuid, True)],
                         sorted((d.node_uuid, d.processed)
                                for d in self.backend.list()))

    def test_timestamps(self):
        self.backend.save(self.uuid, {'a': 1})
        stored = self.backend.read(self.uuid)
        self.assertIsNotNone(stored.updated_at)
        listed = list(self.backend.list())
        self.assertEqual(stored.updated_at.replace(microsecond=0),
                         listed[0].updated_at.replace(microsecond=0))

    def test_delete_after(self):
        self.config(group='swift', delete_after=3600)
        backend = self.make_backend()
        backend.save(self.uuid, {'a': 1})
        headers = self.swift.client.head_object(
            self.swift.container, 'inspector_data-%s' % self.uuid)
        self.assertIn('x-delete-at', headers)

    def test_container_is_private(self):
        self.backend.save(self.uuid, {'a': 1})
        headers = self.swift.client.head_container(self.swift.container)
        self.assertNotIn('x-container-read', headers)
        self.assertNotIn('x-container-write', headers)

    def test_keystoneauth_session(self):
        # A keystoneauth1 session (here the admin_token plugin with a
        # token Swift issued) instead of v1 auth.
        url, token = swift_client.get_auth(
            self.swift.auth_url, self.swift.user, self.swift.key)
        # The backend registers keystoneauth's options when it is
        # imported, and keystoneauth a plugin's when it loads it; the test
        # sets their values before either.
        keystone_auth.register_opts(self._config.conf, swift_conf.GROUP,
                                    swift_conf.SERVICE_TYPE)
        self._config.register_opts(
            ks_loading.get_auth_plugin_conf_options('admin_token'),
            group='swift')
        self.config(group='swift', auth_version='3',
                    auth_type='admin_token', endpoint=url, token=token)
        backend = self.make_backend()
        backend.save(self.uuid, {'via': 'session'})
        self.assertEqual({'via': 'session'}, backend.get(self.uuid))

    def test_wrong_key(self):
        self.config(group='swift', v1_key='wrong-Secret-key')
        backend = self.make_backend()
        exc = self.assertRaises(exception.StorageBackendError,
                                backend.save, self.uuid, {'a': 1})
        self.assertIn(self.uuid, str(exc))
        self.assertIn('401', str(exc))
        self.assertNotIn('wrong-Secret-key', str(exc))
        self.assertNotIn('wrong-Secret-key', self.logs.output)

    def test_unreachable(self):
        self.config(group='swift', max_retries=0,
                    v1_auth_url='http://127.0.0.1:1/auth/v1.0')
        backend = self.make_backend()
        for call in (lambda: backend.save(self.uuid, {'a': 1}),
                     lambda: backend.get(self.uuid),
                     lambda: backend.delete(self.uuid)):
            exc = self.assertRaises(exception.StorageBackendError, call)
            self.assertIn(self.uuid, str(exc))
            self.assertIn('swift', str(exc))
            self.assertNotIn(self.swift.key, str(exc))


class SwiftStoreWithoutBulkDeleteTestCase(SwiftStoreContractTestCase):
    """The same contract where the cluster offers no bulk delete: deletes
    go as concurrent DELETE requests."""

    def make_backend(self):
        backend = super().make_backend()
        # NOTE: what the backend learns from a cluster whose /info has no
        # bulk_delete (the test cluster has it).
        backend._bulk_delete_limit = 0
        return backend


class SwiftBulkDeleteTestCase(SwiftTestCase):

    def test_the_test_cluster_offers_bulk_delete(self):
        self.assertGreater(self.make_backend()._bulk_limit(None), 1)


class KeystoneSwiftStoreContractTestCase(swift_fixtures.KeystoneSwiftMixin,
                                         SwiftStoreContractTestCase):
    """The contract on a Swift that checks Keystone tokens, as the
    ironic-inspector service user (an operator, swiftoperator, of the
    service project), Swift found in the catalog."""


class KeystoneSwiftStoreTestCase(swift_fixtures.KeystoneSwiftMixin,
                                 SwiftTestCase):

    NODE = '0d6cc5c5-1b1f-4b67-8a15-a0c0b42f2f4a'

    def test_found_in_the_catalog(self):
        backend = self.make_backend()
        backend.save(self.NODE, {'a': 1})
        self.assertEqual(['inspector_data-%s' % self.NODE],
                         self.swift.object_names())
        # NOTE: the backend's connection of this thread, to see where the
        # catalog sent it.
        self.assertTrue(backend._connection().url.startswith(
            self.keystone_swift['SWIFT_TEST_URL'] + '/v1/AUTH_'))

    def test_expired_token_is_renewed(self):
        lifetime = keystone_fixtures.short_token_expiration(self)
        backend = self.make_backend()
        backend.save(self.NODE, {'count': 0})
        connection = backend._connection()
        first_token = connection.token
        deadline = time.monotonic() + lifetime + 5
        count = 0
        while time.monotonic() < deadline:
            count += 1
            backend.save(self.NODE, {'count': count})
            self.assertEqual({'count': count}, backend.get(self.NODE))
            time.sleep(1)
        # The same connection renewed its token, and Swift now refuses the
        # first one.
        self.assertIs(connection, backend._connection())
        self.assertNotEqual(first_token, connection.token)
        exc = self.assertRaises(swift_exc.ClientException,
                                swift_client.head_account, connection.url,
                                first_token)
        self.assertEqual(401, exc.http_status)
        self.addDetail('tokens', testtools.content.text_content(
            '%d saves and reads over %d s; the token of the first save '
            'expired and was renewed' % (count, lifetime + 5)))

    def test_refused_without_an_operator_role(self):
        # demo-member has the member role on project demo: Swift's
        # keystoneauth refuses it the account.
        member = keystone_fixtures.account('member')
        command = self.useFixture(commands.CommandFixture({
            'processing': {'storage_backend': 'swift'},
            'swift': dict(self.swift.options(), username=member.user,
                          password=member.password,
                          project_name=member.project)}))
        command.create_schema()
        db_nodes.create_node(self.NODE, 'finished')
        rc, out, err = command.run('data', 'save', self.NODE, '-',
                                   stdin='{"cpu": {"count": 8}}')
        self.addDetail('stderr', testtools.content.text_content(err))
        self.assertEqual(1, rc, out + err)
        self.assertEqual(1, len(err.strip().splitlines()), err)
        self.assertIn('Storage backend swift failed to save introspection '
                      'data of node %s' % self.NODE, err)
        self.assertIn('403 Forbidden', err)
        self.assertIn('operator role', err)
        self.assertNotIn('Traceback', err)
        for secret in keystone_fixtures.passwords():
            self.assertNotIn(secret, out + err)
