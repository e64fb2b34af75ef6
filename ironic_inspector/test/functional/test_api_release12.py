"""This API and ironic-inspector 12.5.0's, side by side on one database.

12.5.0 makes the database with its own dbsync, this release adopts it,
and both APIs serve it at once: for the same node and documents they must
answer alike, whether the node went through this release's processing or
12.5.0 stored its documents.
"""

import json
import os
import re
import subprocess
import time

from oslo_utils import uuidutils
import requests

from ironic_inspector.test import api_fixtures
from ironic_inspector.test.functional import served_api
from ironic_inspector.test import release12


class Release12Api:
    """12.5.0's ironic-inspector (API and conductor in one process,
    ``standalone``), without authentication, until stopped.

    :param port: the port to listen on; a free one by default.
    :param ironic_url: a noauth ironic to drive it.
    """

    def __init__(self, workdir, database_url, port=None, ironic_url=None):
        self.port = port or api_fixtures.free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.config_file = os.path.join(workdir, 'release12-api.conf')
        with open(self.config_file, 'w') as config:
            config.write(
                '[DEFAULT]\nauth_strategy = noauth\nstandalone = true\n'
                'listen_address = 127.0.0.1\nlisten_port = %d\n'
                'transport_url = fake://\n[database]\nconnection = %s\n'
                '[processing]\nstore_data = database\n'
                '[pxe_filter]\ndriver = noop\n' % (self.port, database_url))
            if ironic_url:
                config.write('[ironic]\nauth_type = none\n'
                             'endpoint_override = %s\n' % ironic_url)
        self.log_file = os.path.join(workdir, 'release12-api.log')
        with open(self.log_file, 'w') as log:
            self.process = subprocess.Popen(
                [release12.command('ironic-inspector'), '--config-file',
                 self.config_file], stdout=log, stderr=subprocess.STDOUT)

    def wait(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                return requests.get(self.url, timeout=5)
            except requests.ConnectionError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        with open(self.log_file) as log:
            raise AssertionError('12.5.0 did not start:\n%s' % log.read())

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


class Release12ParityTestCase(served_api.ServedApiTestCase):

    def setup_storage(self):
        reason = release12.missing()
        if reason:
            self.skipTest(reason)
        url = self.command.options['database']['connection']
        self.release_config = release12.write_config(
            os.path.join(self.command.path, 'release12.conf'), url)
        code, _, err = release12.dbsync(self.release_config, 'upgrade')
        self.assertEqual(0, code, err)
        code, _, err = self.command.run('dbsync', 'upgrade')
        self.assertEqual(0, code, err)
        self.command.use_database()
        self.release = Release12Api(self.command.path, url)
        self.addCleanup(self.release.stop)

    def both(self, method, path, **kwargs):
        """The same request to this API and to 12.5.0's: ``(ours,
        theirs)``, with each one's own address taken out of the bodies."""
        answers = []
        for url in (self.api.url, self.release.url):
            response = requests.request(method, url + path, timeout=60,
                                        **kwargs)
            body = re.sub(re.escape(url).encode(), b'URL', response.content)
            answers.append((response.status_code, body,
                            {name: response.headers.get(name) for name in (
                                'Content-Type',
                                'X-OpenStack-Ironic-Inspector-API-Minimum-'
                                'Version',
                                'X-OpenStack-Ironic-Inspector-API-Maximum-'
                                'Version')}))
        return answers

    def document_file(self, name):
        """A small document in a file, for 12.5.0 to store."""
        path = os.path.join(self.command.path, '%s.json' % name)
        with open(path, 'w') as document:
            json.dump({'stored by': '12.5.0', 'kind': name, 'cpus': 4},
                      document)
        return path

    def assertSameAnswer(self, method, path, **kwargs):
        ours, theirs = self.both(method, path, **kwargs)
        self.assertEqual(theirs[0], ours[0], (ours, theirs))
        self.assertEqual(theirs[2], ours[2])
        self.assertEqual(json.loads(theirs[1]), json.loads(ours[1]))
        return ours

    def assertSameError(self, code, method, path, **kwargs):
        ours, theirs = self.both(method, path, **kwargs)
        self.assertEqual((code, code), (ours[0], theirs[0]), (ours, theirs))
        for status, body, headers in (ours, theirs):
            self.assertEqual('application/json', headers['Content-Type'])
            self.assertEqual(['error'], list(json.loads(body)))

    def test_same_answers(self):
        self.release.wait()
        document, lookup = served_api.ramdisk_post(1)
        uuid = self.add_node_with_command(lookup)
        self.assertEqual(200, self.post('/v1/continue', document).status_code)
        # 12.5.0 stores the documents of another node itself.
        other = uuidutils.generate_uuid()
        release12.run_all(
            self.release_config, ['add-node', other],
            ['save', other, 'processed', self.document_file('processed')],
            ['save', other, 'unprocessed', self.document_file('raw')])

        ours = self.assertSameAnswer('GET', '/')
        self.assertIn(b'"1.18"', ours[1])
        for node in (uuid, other):
            for tail in ('', '/data', '/data/unprocessed'):
                self.assertSameAnswer('GET', '/v1/introspection/%s%s'
                                      % (node, tail))

        unknown = uuidutils.generate_uuid()
        self.assertSameError(404, 'GET', '/v1/introspection/%s' % unknown)
        self.assertSameError(404, 'GET',
                             '/v1/introspection/%s/data' % unknown)
        self.assertSameError(400, 'POST', '/v1/continue', data='[1]')
        self.assertSameError(406, 'GET', '/v1', headers={
            'X-OpenStack-Ironic-Inspector-API-Version': '2.0'})
