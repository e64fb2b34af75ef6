"""No password, key or token in any error, log line or command output,
whatever fails."""

import os

from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import test_fixtures
from oslo_utils import uuidutils

from ironic_inspector.common import exception
from ironic_inspector.db import engine as db_engine
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import storage
from ironic_inspector.test import base
from ironic_inspector.test import commands
from ironic_inspector.test import db_fixtures
from ironic_inspector.test import swift_fixtures

SECRET = 'Sup3r-Secret-Pa55'
REFUSING_URLS = (
    'mysql+pymysql://inspector:%s@127.0.0.1:1/inspector' % SECRET,
    'mysql+pymysql://no_such_user:%s@127.0.0.1:3306/inspector' % SECRET,
    'postgresql+psycopg2://inspector:%s@127.0.0.1:1/inspector' % SECRET,
    'postgresql+psycopg2://no_such_user:%s@127.0.0.1:5432/inspector'
    % SECRET,
)
SAMPLE_CONFIG = os.path.join(os.path.dirname(__file__), os.pardir,
                             os.pardir, os.pardir, 'etc', 'ironic-inspector',
                             'ironic-inspector.conf.sample')


class DatabaseSecretsTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        # Refusals are not worth waiting for here; the default budget of
        # some 13 s a call would make this test last minutes.
        self.useFixture(db_fixtures.RetryBudget(max_retries=1,
                                                max_retry_interval=0))

    def _use_database(self, url):
        facade = enginefacade.transaction_context()
        facade.configure(connection=url, max_retries=1, retry_interval=0)
        self.useFixture(test_fixtures.ReplaceEngineFacadeFixture(
            db_engine._facade, facade))

    def test_backend_errors_and_logs(self):
        for url in REFUSING_URLS:
            self._use_database(url)
            backend = storage.get_backend('database')
            node = uuidutils.generate_uuid()
            for call in (lambda: backend.save(node, {'a': 1}),
                         lambda: backend.get(node),
                         lambda: backend.delete(node)):
                exc = self.assertRaises(exception.InspectorException, call)
                self.assertNotIn(SECRET, str(exc))
        self.assertNotIn(SECRET, self.logs.output)

    def test_command_output(self):
        for url in REFUSING_URLS:
            command = self.useFixture(commands.CommandFixture(
                {'database': {'connection': url}}))
            for args in (('dbsync', 'upgrade'),
                         ('status', 'upgrade', 'check'),
                         ('migrate_data', '--from', 'database', '--to',
                          'swift')):
                rc, out, err = command.run(*args)
                self.assertNotEqual(0, rc, args)
                self.assertNotIn(SECRET, out + err)
                self.assertNotIn('Traceback', out + err)


class SwiftSecretsTestCase(base.TestCase):

    def setUp(self):
        if swift_fixtures.credentials() is None:
            self.skipTest(swift_fixtures.SKIP_REASON)
        super().setUp()
        self.swift = self.useFixture(
            swift_fixtures.SwiftContainerFixture(self.config))

    def test_wrong_key_in_errors_logs_and_commands(self):
        self.config(group='swift', v1_key=SECRET)
        backend = storage.get_backend('swift')
        node = uuidutils.generate_uuid()
        exc = self.assertRaises(exception.StorageBackendError,
                                backend.save, node, {'a': 1})
        self.assertNotIn(SECRET, str(exc))
        self.assertNotIn(SECRET, self.logs.output)

        command = self.useFixture(commands.CommandFixture({
            'processing': {'storage_backend': 'swift'},
            'swift': {'auth_version': '1',
                      'v1_auth_url': self.swift.auth_url,
                      'v1_user': self.swift.user, 'v1_key': SECRET,
                      'container': self.swift.container}}))
        command.create_schema()
        db_nodes.create_node(node, 'finished')
        for args in (('migrate_data', '--from', 'swift', '--to',
                      'database'),
                     ('status', 'upgrade', 'check')):
            rc, out, err = command.run(*args)
            self.assertNotEqual(0, rc, args)
            self.assertNotIn(SECRET, out + err)


class SampleConfigTestCase(base.TestCase):

    def test_no_secret_defaults(self):
        with open(SAMPLE_CONFIG) as sample:
            lines = [line for line in sample if line.startswith('#')
                     and ' = ' in line]
        for name in ('password', 'v1_key', 'token', 'secret'):
            for line in lines:
                if line.startswith('#%s = ' % name):
                    self.assertEqual('#%s = <None>' % name, line.strip())
