"""The cliff application every sub-command console script runs on."""

import io
import json
import os

from cliff import command
from cliff import lister
import fixtures
import sqlalchemy.exc

from ironic_inspector.cmd import cliff_app
from ironic_inspector.common import exception
from ironic_inspector import conf
from ironic_inspector.test import base

SECRET = 'Secret-Pa55word'


class _Backends(lister.Lister):
    """Lists the configured backend, as read from the configuration."""

    def take_action(self, parsed_args):
        return (('Backend', 'Max size'),
                [(conf.CONF.processing.storage_backend,
                  conf.CONF.processing.max_data_size)])


class _Fail(command.Command):
    """Fails as the argument says."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('how', choices=['inspector', 'database'])
        return parser

    def take_action(self, parsed_args):
        if parsed_args.how == 'inspector':
            raise exception.NodeNotFound(node_uuid='n1')
        raise sqlalchemy.exc.OperationalError(
            "SELECT secret FROM nodes", {'password': SECRET},
            Exception('(2003) cannot reach the server'))


class CliffAppTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.path = self.useFixture(fixtures.TempDir()).path
        self.config_file = os.path.join(self.path, 'inspector.conf')
        with open(self.config_file, 'w') as config:
            config.write('[processing]\nstorage_backend = swift\n'
                         '[database]\nconnection = mysql+pymysql://'
                         'inspector:%s@127.0.0.1/inspector\n' % SECRET)

    def _run(self, *args):
        stdout, stderr = io.StringIO(), io.StringIO()
        app = cliff_app.App('prog', 'A test program.',
                            {'backends': _Backends, 'fail': _Fail},
                            stdout=stdout, stderr=stderr)
        rc = app.main(['--config-file', self.config_file] + list(args))
        return rc, stdout.getvalue(), stderr.getvalue()

    def test_reads_the_configuration_file(self):
        rc, out, err = self._run('backends', '-f', 'json')
        self.assertEqual(0, rc, err)
        self.assertEqual([{'Backend': 'swift', 'Max size': 33554432}],
                         json.loads(out))

    def test_output_columns(self):
        rc, out, err = self._run('backends', '-f', 'value', '-c', 'Backend')
        self.assertEqual((0, 'swift\n'), (rc, out), err)

    def _assert_one_error_line(self, err, expected):
        self.assertEqual(['prog: error: %s' % expected], err.splitlines())

    def test_inspector_error_is_one_line(self):
        rc, out, err = self._run('fail', 'inspector')
        self.assertEqual(1, rc)
        self._assert_one_error_line(
            err, 'Node n1 was not found in the node cache.')

    def test_database_error_is_one_line_without_secrets(self):
        rc, out, err = self._run('fail', 'database')
        self.assertEqual(1, rc)
        self._assert_one_error_line(
            err, 'cannot connect to the database mysql+pymysql://'
                 'inspector:***@127.0.0.1/inspector: (2003) cannot reach '
                 'the server')
        self.assertNotIn(SECRET, out + err)

    def test_missing_configuration_file(self):
        os.unlink(self.config_file)
        rc, out, err = self._run('backends')
        self.assertEqual(1, rc)
        self.assertEqual(1, len(err.splitlines()), err)
        self.assertIn('prog: error: ', err)
        self.assertIn(self.config_file, err)

    def test_no_command_is_a_usage_error(self):
        exc = self.assertRaises(SystemExit, self._run)
        self.assertEqual(2, exc.code)

    def test_unknown_command(self):
        rc, out, err = self._run('bogus')
        self.assertEqual(2, rc)
        self._assert_one_error_line(
            err, "unknown command 'bogus'; expected one of: backends, fail")
