"""Running the console scripts as an operator does, in a process of their
own, against a configuration file of the test's."""

import os
import subprocess
import sys

import fixtures

from ironic_inspector.db import engine as db_engine
from ironic_inspector.db import migration


class CommandFixture(fixtures.Fixture):
    """A temporary directory with a SQLite database and a config file.

    :param options: ``{group: {name: value}}`` written to the file.
    """

    def __init__(self, options=None):
        super().__init__()
        self.options = options or {}

    def _setUp(self):
        self.path = self.useFixture(fixtures.TempDir()).path
        self.database_url = 'sqlite:///%s' % os.path.join(self.path,
                                                          'inspector.db')
        database = self.options.setdefault('database', {})
        if not database.get('connection'):
            database['connection'] = self.database_url
        self.config_file = os.path.join(self.path, 'inspector.conf')
        self.write_config()

    def write_config(self):
        with open(self.config_file, 'w') as config:
            for group, values in self.options.items():
                config.write('[%s]\n' % group)
                for name, value in values.items():
                    config.write('%s = %s\n' % (name, value))

    def use_database(self):
        """Point this process's db.engine at the configured database (and
        its replica, if ``slave_connection`` names one)."""
        database = self.options['database']
        self.useFixture(_DatabaseAt(database['connection'],
                                    database.get('slave_connection')))

    def create_schema(self):
        """Create the schema and point this process's db.engine at it."""
        self.use_database()
        migration.upgrade('head')

    def run(self, module, *args, stdin=None, without=(), prelude=''):
        """Run ``python -m ironic_inspector.cmd.<module>``.

        :param without: modules the process must find not installed (a
            database driver, say).
        :param prelude: Python statements the process runs first, before
            it imports anything of the project.
        :returns: ``(exit code, stdout, stderr)``.
        """
        if without:
            # NOTE: a None in sys.modules makes an import fail with
            # ModuleNotFoundError, as for a module that is not installed.
            prelude += ('import sys; sys.modules.update(dict.fromkeys(%r))\n'
                        % (tuple(without),))
        name = 'ironic_inspector.cmd.%s' % module
        command = [sys.executable, '-m', name]
        if prelude:
            command[1:] = ['-c', '%simport runpy, sys; sys.argv[0] = %r; '
                           'runpy.run_module(%r, run_name="__main__")'
                           % (prelude, module, name)]
        result = subprocess.run(
            command + ['--config-file', self.config_file] + list(args),
            input=stdin, capture_output=True, text=True, timeout=300)
        return result.returncode, result.stdout, result.stderr


class _DatabaseAt(fixtures.Fixture):
    """Points db.engine of this process at ``url`` for the fixture's life,
    and its reads that may be stale at ``slave_url``, if given."""

    def __init__(self, url, slave_url=None):
        super().__init__()
        self.url = url
        self.slave_url = slave_url

    def _setUp(self):
        from oslo_db.sqlalchemy import enginefacade
        from oslo_db.sqlalchemy import test_fixtures
        facade = enginefacade.transaction_context()
        facade.configure(connection=self.url,
                         slave_connection=self.slave_url, sqlite_fk=True)
        self.useFixture(test_fixtures.ReplaceEngineFacadeFixture(
            db_engine._facade, facade))
        self.addCleanup(facade.dispose_pool)
