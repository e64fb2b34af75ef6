"""The storage contract and Swift specifics, on a real Swift."""

import json

from keystoneauth1 import loading as ks_loading
from swiftclient import client as swift_client

from ironic_inspector.common import exception
from ironic_inspector.conf import keystone_auth
from ironic_inspector.conf import swift as swift_conf
from ironic_inspector import storage
from ironic_inspector.test import base
from ironic_inspector.test import property_tests
from ironic_inspector.test import storage_contract
from ironic_inspector.test import swift_fixtures


class SwiftTestCase(base.TestCase):

    def setUp(self):
        if swift_fixtures.credentials() is None:
            self.skipTest(swift_fixtures.SKIP_REASON)
        super().setUp()
        self.swift = self.useFixture(
            swift_fixtures.SwiftContainerFixture(self.config))

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
