"""What a new user runs into, from the README alone: one line on
standard error and the documented exit code, never a traceback."""

import json

from ironic_inspector.test import base
from ironic_inspector.test import commands


class NewcomerErrorsTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.command = self.useFixture(commands.CommandFixture())

    def _assert_error(self, expected_rc, message, module, *args, **kwargs):
        rc, out, err = self.command.run(module, *args, **kwargs)
        self.assertEqual(expected_rc, rc, out + err)
        self.assertNotIn('Traceback', out + err)
        self.assertEqual(1, len(err.splitlines()), err)
        self.assertIn(message, err)
        return err

    def test_migrate_data_without_from_or_to(self):
        self._assert_error(
            2, 'ironic-inspector-migrate-data: error: --from is required',
            'migrate_data')
        self._assert_error(
            2, 'ironic-inspector-migrate-data: error: --to is required',
            'migrate_data', '--from', 'swift')

    def test_workers_out_of_range(self):
        for workers in ('0', '65', 'many'):
            self._assert_error(
                2, 'ironic-inspector-migrate-data: error: argument '
                   '--workers: Invalid Integer(min=1, max=64) value: %s'
                   % workers,
                'migrate_data', '--from', 'swift', '--to', 'database',
                '--workers', workers)

    def test_unknown_argument(self):
        self._assert_error(
            2, 'ironic-inspector-dbsync: error: unrecognized arguments: '
               '--bogus', 'dbsync', 'version', '--bogus')
        self._assert_error(
            2, 'ironic-inspector-dbsync stamp: error: the following '
               'arguments are required: revision', 'dbsync', 'stamp')

    def _use_database(self, url):
        self.command.options['database']['connection'] = url
        self.command.write_config()

    def test_missing_mysql_driver(self):
        self._use_database('mysql+pymysql://inspector:Secret-Pa55@'
                           '127.0.0.1/inspector')
        for module, args in (('dbsync', ('upgrade',)),
                             ('data', ('list',)),
                             ('migrate_data', ('--from', 'swift', '--to',
                                               'database'))):
            err = self._assert_error(
                1, "The database driver pymysql is not installed; install "
                   "it with: pip install 'ironic-inspector[mysql]' (PyMySQL)",
                module, *args, without=['pymysql'])
            self.assertNotIn('Secret-Pa55', err)

    def test_missing_postgresql_driver(self):
        self._use_database('postgresql+psycopg2://inspector@127.0.0.1/x')
        self._assert_error(
            1, "pip install 'ironic-inspector[postgresql]' (psycopg2-binary)",
            'dbsync', 'version', without=['psycopg2'])

    def test_status_json_and_unknown_action(self):
        self.command.create_schema()
        rc, out, err = self.command.run('status', 'upgrade', 'check',
                                        '--json')
        self.assertEqual((0, ''), (rc, err))
        checks = json.loads(out)['checks']
        self.assertEqual(['Release pin', 'Database schema',
                          'Online data migrations',
                          'ironic-inspector 12.x tables', 'Storage backend'],
                         [check['check'] for check in checks])
        self._assert_error(
            2, "ironic-inspector-status upgrade: error: argument check: "
               "invalid choice: 'bogus' (choose from 'check')",
            'status', 'upgrade', 'bogus')
