"""ironic-inspector-dbsync as an operator runs it, on every database."""

import os
import subprocess
import sys

import fixtures
from oslo_db.sqlalchemy import test_fixtures

from ironic_inspector.db import migration
from ironic_inspector.test import base
from ironic_inspector.test import db_fixtures

PASSWORD = 's3cret-Passw0rd'


def run_dbsync(config_file, *args):
    """Run the command in its own process; return (rc, stdout, stderr)."""
    result = subprocess.run(
        [sys.executable, '-m', 'ironic_inspector.cmd.dbsync',
         '--config-file', config_file] + list(args),
        capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout, result.stderr


class DbsyncTestCase(test_fixtures.OpportunisticDBTestMixin, base.TestCase):

    FIXTURE = db_fixtures.EmptySQLiteFixture

    def setUp(self):
        super().setUp()
        self.tempdir = self.useFixture(fixtures.TempDir()).path
        self.url = self._database_url()

    def _database_url(self):
        # The in-memory database of the fixture cannot be shared with
        # another process; use a file.
        return 'sqlite:///%s' % os.path.join(self.tempdir, 'inspector.db')

    def _write_config(self, url, **database_opts):
        path = os.path.join(self.tempdir, 'inspector.conf')
        lines = ['[database]', 'connection = %s' % url]
        lines += ['%s = %s' % item for item in database_opts.items()]
        with open(path, 'w') as config:
            config.write('\n'.join(lines) + '\n')
        return path

    def test_upgrade_version_and_upgrade_again(self):
        config = self._write_config(self.url)
        rc, out, err = run_dbsync(config, 'version')
        self.assertEqual(0, rc, err)
        self.assertIn('None', out)

        rc, out, err = run_dbsync(config, 'upgrade')
        self.assertEqual(0, rc, err)
        self.assertIn(migration.head(), out)
        rc, out, err = run_dbsync(config, 'version')
        self.assertEqual((0, migration.head()), (rc, out.strip()))

        rc, out, err = run_dbsync(config, 'upgrade')
        self.assertEqual(0, rc, err)
        rc, out, err = run_dbsync(config, 'online_data_migrations')
        self.assertEqual(0, rc, err)
        self.assertIn('introspection_data_versions', out)

    def test_unknown_subcommand_lists_valid_ones(self):
        rc, out, err = run_dbsync(self._write_config(self.url), 'upgrayed')
        self.assertEqual(2, rc)
        for command in ('upgrade', 'version', 'stamp', 'revision',
                        'online_data_migrations'):
            self.assertIn(command, err)


class MySQLDbsyncTestCase(DbsyncTestCase):
    FIXTURE = db_fixtures.EmptyMySQLFixture

    def _database_url(self):
        return str(self._get_default_provisioned_db().engine.url
                   .render_as_string(hide_password=False))

    def _refusing_urls(self):
        return ['mysql+pymysql://inspector:%s@127.0.0.1:1/inspector'
                % PASSWORD,
                'mysql+pymysql://no_such_user:%s@127.0.0.1/inspector'
                % PASSWORD]

    def test_unreachable_or_refusing_database(self):
        for url in self._refusing_urls():
            config = self._write_config(url)
            rc, out, err = run_dbsync(config, 'upgrade')
            self.assertEqual(1, rc, err)
            lines = err.strip().splitlines()
            self.assertEqual(1, len(lines), err)
            self.assertIn('cannot connect to the database', lines[0])
            self.assertNotIn('Traceback', err)
            self.assertNotIn(PASSWORD, err + out)


class PostgresqlDbsyncTestCase(MySQLDbsyncTestCase):
    FIXTURE = db_fixtures.EmptyPostgresqlFixture

    def _refusing_urls(self):
        return ['postgresql+psycopg2://inspector:%s@127.0.0.1:1/inspector'
                % PASSWORD,
                'postgresql+psycopg2://no_such_user:%s@127.0.0.1/inspector'
                % PASSWORD]
