"""The API application on SQLite, through Flask's test client."""

import datetime
import json

import fixtures
from oslo_utils import uuidutils

from ironic_inspector.api import app
from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector import conf
from ironic_inspector import objects
from ironic_inspector.test import base

VERSION_HEADERS = {
    'X-OpenStack-Ironic-Inspector-API-Minimum-Version': '1.0',
    'X-OpenStack-Ironic-Inspector-API-Maximum-Version': '1.18',
}


class ApiTestCase(base.DbTestCase):

    def setUp(self):
        super().setUp()
        self.context = context.RequestContext()
        self.uuid = uuidutils.generate_uuid()
        self.client = self.make_client()

    def make_client(self):
        return app.create_app(conf.CONF).test_client()

    def add_node(self, state='finished', **values):
        node = objects.Node(self.context, uuid=self.uuid, state=state,
                            **values)
        node.create()
        return node

    def store(self, document, processed=True):
        objects.IntrospectionData(self.context, node_uuid=self.uuid,
                                  processed=processed, data=document).save()

    def assertError(self, code, fragment, response):
        self.assertEqual(code, response.status_code, response.data)
        self.assertEqual('application/json', response.mimetype)
        message = response.get_json()['error']['message']
        self.assertIn(fragment, message)
        return message


class VersionsTestCase(ApiTestCase):

    def test_root(self):
        response = self.client.get('/')
        self.assertEqual(200, response.status_code)
        self.assertEqual(
            {'versions': [{'id': '1.18', 'status': 'CURRENT',
                           'links': [{'href': 'http://localhost/v1',
                                      'rel': 'self'}]}]},
            response.get_json())
        for name, value in VERSION_HEADERS.items():
            self.assertEqual(value, response.headers[name])
        self.assertIn('GET / 200 in ', self.logs.output)

    def test_v1_lists_resources(self):
        for path in ('/v1', '/v1/'):
            response = self.client.get(path)
            self.assertEqual(200, response.status_code)
            self.assertEqual(
                [('continue', 'http://localhost/v1/continue'),
                 ('introspection', 'http://localhost/v1/introspection')],
                [(resource['name'], resource['links'][0]['href'])
                 for resource in response.get_json()['resources']])

    def test_requested_versions(self):
        for requested in ('1.0', '1.18', 'latest', 'LATEST', ' 1.5 '):
            response = self.client.get('/v1', headers={
                'X-OpenStack-Ironic-Inspector-API-Version': requested})
            self.assertEqual(200, response.status_code, requested)

    def test_unsupported_version(self):
        for requested in ('1.19', '2.0', '0.9'):
            response = self.client.get('/v1', headers={
                'X-OpenStack-Ironic-Inspector-API-Version': requested})
            self.assertError(406, 'supported range is 1.0 to 1.18', response)
            # The range is announced with the refusal too.
            for name, value in VERSION_HEADERS.items():
                self.assertEqual(value, response.headers[name])

    def test_malformed_version(self):
        for requested in ('abc', '1', '1.2.3', '1.x'):
            response = self.client.get('/v1', headers={
                'X-OpenStack-Ironic-Inspector-API-Version': requested})
            self.assertError(400, 'Malformed API version', response)


class StatusTestCase(ApiTestCase):

    def test_status_of_a_finished_node(self):
        started = datetime.datetime(2026, 11, 26, 6, 0, 0, 123456)
        finished = datetime.datetime(2026, 11, 26, 6, 1, 0, 500000)
        self.add_node(state='error', started_at=started,
                      finished_at=finished, error='boom')
        response = self.client.get('/v1/introspection/%s' % self.uuid)
        self.assertEqual(200, response.status_code)
        # 12.5.0's fields, and its format of times: UTC, no offset.
        self.assertEqual({
            'error': 'boom',
            'finished': True,
            'finished_at': '2026-11-26T06:01:00.500000',
            'links': [{'href': 'http://localhost/v1/introspection/%s'
                               % self.uuid, 'rel': 'self'}],
            'started_at': '2026-11-26T06:00:00.123456',
            'state': 'error',
            'uuid': self.uuid,
        }, response.get_json())

    def test_status_of_a_waiting_node(self):
        self.add_node(state='waiting')
        status = self.client.get('/v1/introspection/%s'
                                 % self.uuid).get_json()
        self.assertFalse(status['finished'])
        self.assertIsNone(status['finished_at'])
        self.assertEqual('waiting', status['state'])

    def test_unknown_node(self):
        self.assertError(404, self.uuid, self.client.get(
            '/v1/introspection/%s' % self.uuid))

    def test_not_a_uuid(self):
        self.assertError(400, "Expected a node UUID but received 'node-1'",
                         self.client.get('/v1/introspection/node-1'))


class DataTestCase(ApiTestCase):

    def test_documents_as_stored(self):
        self.add_node()
        processed = {'z': 1, 'a': [1.5, None, 'ü'], 'inventory': {}}
        self.store(processed)
        self.store({'raw': True}, processed=False)
        response = self.client.get('/v1/introspection/%s/data' % self.uuid)
        self.assertEqual(200, response.status_code)
        self.assertEqual('application/json', response.mimetype)
        self.assertEqual(processed, json.loads(response.data))
        # Keys in the order they were stored.
        self.assertEqual(['z', 'a', 'inventory'],
                         list(json.loads(response.data)))
        response = self.client.get('/v1/introspection/%s/data/unprocessed'
                                   % self.uuid)
        self.assertEqual({'raw': True}, response.get_json())

    def test_no_document(self):
        self.add_node()
        self.assertError(404, 'No processed introspection data',
                         self.client.get('/v1/introspection/%s/data'
                                         % self.uuid))
        self.assertError(404, 'No unprocessed introspection data',
                         self.client.get('/v1/introspection/%s/data/'
                                         'unprocessed' % self.uuid))

    def test_unknown_node(self):
        self.assertError(404, self.uuid, self.client.get(
            '/v1/introspection/%s/data' % self.uuid))

    def test_storage_disabled(self):
        self.config(group='processing', storage_backend='none')
        self.add_node()
        self.assertError(404, 'storage backend is "none"', self.client.get(
            '/v1/introspection/%s/data' % self.uuid))


class ErrorsTestCase(ApiTestCase):

    def test_unknown_path(self):
        self.assertError(404, 'Not Found', self.client.get('/v2'))
        # Introspection rules are not served.
        self.assertError(404, 'Not Found', self.client.get('/v1/rules'))

    def test_wrong_method(self):
        self.assertError(405, 'Method Not Allowed',
                         self.client.delete('/v1/continue'))
        self.assertError(405, 'Method Not Allowed', self.client.put(
            '/v1/introspection/%s/data' % self.uuid))

    def test_unexpected_error_gives_nothing_away(self):
        self.add_node()

        def broken(*args, **kwargs):
            raise RuntimeError('password=hunter2 in a driver message')

        # NOTE: a failure of code we do not own, which no real input can
        # cause on demand.
        self.useFixture(self._patch_get_by_node(broken))
        message = self.assertError(500, 'Internal server error',
                                   self.client.get('/v1/introspection/%s/'
                                                   'data' % self.uuid))
        self.assertNotIn('hunter2', message)

    def test_project_errors_keep_their_code(self):
        self.add_node()

        def unavailable(*args, **kwargs):
            raise exception.ConductorUnavailable(topic='t', reason='gone')

        self.useFixture(self._patch_get_by_node(unavailable))
        self.assertError(503, 'No conductor answered', self.client.get(
            '/v1/introspection/%s/data' % self.uuid))

    def _patch_get_by_node(self, replacement):
        return fixtures.MockPatchObject(objects.IntrospectionData,
                                        'get_by_node', replacement)


class BodyTestCase(ApiTestCase):
    """Bodies that are refused before anything is processed or stored."""

    def setUp(self):
        super().setUp()
        self.config(group='processing', max_data_size=1000)
        self.client = self.make_client()
        self.add_node(state='waiting')

    def _assert_nothing_stored(self):
        for processed in (True, False):
            self.assertRaises(exception.IntrospectionDataNotFound,
                              objects.IntrospectionData.get_by_node,
                              self.context, self.uuid, processed=processed)
        self.assertEqual('waiting', objects.Node.get_by_uuid(
            self.context, self.uuid).state)

    def test_continue(self):
        for body, fragment in [
                (b'', 'the body is empty'),
                (b'  \n', 'the body is empty'),
                (b'{"inventory": ', 'not valid JSON: unexpected end'),
                (b'\xff{}', 'not valid JSON'),
                (b'[{"inventory": {}}]', 'expected a JSON object, got an '
                                         'array'),
                (b'"text"', 'expected a JSON object, got a string'),
                (b'null', 'expected a JSON object, got null')]:
            self.assertError(400, fragment, self.client.post(
                '/v1/continue', data=body,
                content_type='application/json'))
        self._assert_nothing_stored()

    def test_reapply(self):
        path = '/v1/introspection/%s/data/unprocessed' % self.uuid
        for body, fragment in [
                (b'[1]', 'expected a JSON object, got an array'),
                (b'{', 'not valid JSON')]:
            self.assertError(400, fragment, self.client.post(path,
                                                             data=body))
        self._assert_nothing_stored()

    def test_too_large(self):
        body = json.dumps({'inventory': {'x': 'y' * 1000}}).encode()
        for path in ('/v1/continue',
                     '/v1/introspection/%s/data/unprocessed' % self.uuid):
            self.assertError(413, 'larger than the 1000 bytes allowed by '
                                  '[processing]max_data_size',
                             self.client.post(path, data=body))
        self._assert_nothing_stored()

    def test_client_errors_logged_without_the_body(self):
        self.client.post('/v1/continue', data=b'{"logs": "SECRET-LOGS",')
        self.assertNotIn('SECRET-LOGS', self.logs.output)
        self.assertIn('POST /v1/continue failed with 400', self.logs.output)


class IntrospectionTestCase(ApiTestCase):
    """Starting, aborting and listing, standalone (no ironic); the real
    ironic drives them in test/functional/test_ironic.py."""

    def _start(self, uuid=None, **kwargs):
        return objects.Node.start_introspection(
            self.context, uuid or self.uuid, **kwargs)

    def test_start_needs_an_ironic(self):
        self.assertError(400, 'no ironic is configured', self.client.post(
            '/v1/introspection/%s' % self.uuid))

    def test_start_checks_manage_boot_first(self):
        self.assertError(400, 'invalid boolean value for manage_boot: maybe',
                         self.client.post('/v1/introspection/%s?manage_boot'
                                          '=maybe' % self.uuid))
        self.config(can_manage_boot=False)
        self.assertError(400, 'can_manage_boot is false', self.client.post(
            '/v1/introspection/%s' % self.uuid))

    def test_abort(self):
        self._start()
        response = self.client.post('/v1/introspection/%s/abort' % self.uuid)
        self.assertEqual((202, b''), (response.status_code, response.data))
        status = self.client.get('/v1/introspection/%s' % self.uuid)
        self.assertEqual((True, 'error', 'Canceled by operator'),
                         tuple(status.get_json()[name] for name in
                               ('finished', 'state', 'error')))

    def test_abort_while_processed(self):
        self._start().start_processing()
        self.assertError(409, 'is locked', self.client.post(
            '/v1/introspection/%s/abort' % self.uuid))

    def test_abort_unknown_node(self):
        self.assertError(404, 'not found in the node cache', self.client.post(
            '/v1/introspection/%s/abort' % self.uuid))

    def test_list(self):
        self._start()
        response = self.client.get('/v1/introspection')
        self.assertEqual(200, response.status_code)
        [status] = response.get_json()['introspection']
        self.assertEqual({'error', 'finished', 'finished_at', 'links',
                          'started_at', 'state', 'uuid'}, set(status))
        self.assertEqual((self.uuid, 'waiting', False),
                         (status['uuid'], status['state'],
                          status['finished']))
        self.assertEqual([], self.client.get(
            '/v1/introspection?state=finished,error').get_json()[
                'introspection'])

    def test_list_arguments_checked(self):
        self.config(api_max_limit=10)
        for query, fragment in (('limit=11', 'limit over 10'),
                                ('limit=-1', 'cannot be negative'),
                                ('limit=x', 'invalid literal'),
                                ('marker=node-1', 'marker not UUID-like'),
                                ('state=bogus', '"bogus" are not valid')):
            self.assertError(400, fragment, self.client.get(
                '/v1/introspection?' + query))
        self.assertError(404, 'not found', self.client.get(
            '/v1/introspection?marker=%s' % self.uuid))
