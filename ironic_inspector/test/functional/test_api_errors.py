"""Every error a client can cause, over HTTP, on the served API."""

import json

from oslo_utils import uuidutils

from ironic_inspector import objects
from ironic_inspector.test.functional import served_api


class ErrorsTestCase(served_api.ServedApiTestCase):
    """Every error a client can cause, over HTTP; nothing stored by any."""

    # The 60 KB sample fits, the 1 MB one does not; debug logs show all
    # that the API would ever log.
    OPTIONS = {'DEFAULT': {'debug': 'true'},
               'processing': {'max_data_size': '200000'}}

    def setUp(self):
        super().setUp()
        self.document, lookup = served_api.ramdisk_post(1)
        self.uuid = self.add_node(lookup)

    def assertError(self, code, fragment, response):
        self.assertEqual(code, response.status_code, response.text)
        self.assertEqual('application/json',
                         response.headers['Content-Type'])
        self.assertIn(fragment, response.json()['error']['message'])

    def assertNothingStored(self, state='waiting'):
        for processed in (True, False):
            self.assertError(404, 'introspection data is stored', self.get(
                '/v1/introspection/%s/data%s'
                % (self.uuid, '' if processed else '/unprocessed')))
        self.assertEqual(state, objects.Node.get_by_uuid(
            self.context, self.uuid).state)

    def test_bad_bodies(self):
        for body, fragment in [
                ('', 'the body is empty'),
                ('{"inventory": {', 'not valid JSON'),
                (json.dumps([self.document]), 'expected a JSON object, got '
                                              'an array')]:
            self.assertError(400, fragment, self.post('/v1/continue',
                                                      data=body))
        too_large, _ = served_api.ramdisk_post(1, '1m')
        self.assertError(413, 'larger than the 200000 bytes',
                         self.post('/v1/continue', too_large))

        def chunks():
            yield b'{"padding": "'
            for _ in range(300):
                yield b'x' * 1000
            yield b'"}'

        # Chunked: no length announced, refused once the limit is read.
        self.assertError(413, 'larger than the 200000 bytes',
                         self.post('/v1/continue', data=chunks()))
        path = '/v1/introspection/%s/data/unprocessed' % self.uuid
        self.assertError(400, 'expected a JSON object, got an array',
                         self.post(path, data='[]'))
        self.assertError(413, 'larger than the 200000 bytes',
                         self.post(path, too_large))
        self.assertNothingStored()
        # And the API still serves.
        self.assertEqual(200, self.post('/v1/continue',
                                        self.document).status_code)

    def test_not_found(self):
        unknown = uuidutils.generate_uuid()
        self.assertError(404, unknown,
                         self.get('/v1/introspection/%s' % unknown))
        self.assertError(404, unknown,
                         self.get('/v1/introspection/%s/data' % unknown))
        self.assertError(404, unknown, self.post(
            '/v1/introspection/%s/data/unprocessed' % unknown))
        self.assertError(404, 'No unprocessed introspection data',
                         self.post('/v1/introspection/%s/data/unprocessed'
                                   % self.uuid))
        stranger, _ = served_api.ramdisk_post(2)
        self.assertError(404, 'Could not find a node',
                         self.post('/v1/continue', stranger))
        self.assertError(400, "Expected a node UUID but received 'node-1'",
                         self.get('/v1/introspection/node-1/data'))
        self.assertError(404, 'Not Found', self.get('/v2'))
        self.assertNothingStored()

    def test_node_locked(self):
        # What a processing of the node under way in another process holds.
        objects.Node.get_by_uuid(self.context, self.uuid).start_processing()
        self.assertError(409, 'is locked', self.post('/v1/continue',
                                                     self.document))
        self.assertError(409, 'is locked', self.post(
            '/v1/introspection/%s/data/unprocessed' % self.uuid,
            self.document))
        self.assertNothingStored(state='processing')

    def test_node_not_waiting(self):
        self.assertEqual(200, self.post('/v1/continue',
                                        self.document).status_code)
        stored = self.stored(self.uuid, processed=False)
        again = dict(self.document, extra={'changed': True})
        self.assertError(400, 'finished', self.post('/v1/continue', again))
        self.assertEqual(stored, self.stored(self.uuid, processed=False))

    def test_ramdisk_error(self):
        failed = dict(self.document, error='The root disk is on fire')
        response = self.post('/v1/continue', failed)
        self.assertError(400, 'The root disk is on fire', response)
        status = self.get('/v1/introspection/%s' % self.uuid).json()
        self.assertEqual('error', status['state'])
        self.assertIn('The root disk is on fire', status['error'])
        self.assertEqual(served_api.without_logs(failed),
                         self.stored(self.uuid, processed=False))
        self.assertNotIn(served_api.RAMDISK_LOGS, self.api.log())
