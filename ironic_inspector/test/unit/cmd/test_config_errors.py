"""Every console script refuses a bad configuration with one line."""

from ironic_inspector.test import base
from ironic_inspector.test import commands

SECRET = 'Secret-Pa55word'

# command module -> the arguments it needs besides --config-file
COMMANDS = {
    'conductor': (),
    'data': ('list',),
    'dbsync': ('upgrade',),
    'migrate_data': ('--from', 'swift', '--to', 'database'),
    'node': ('list',),
    'quickstart': (),
    'status': ('upgrade', 'check'),
}


class ConfigErrorsTestCase(base.TestCase):

    def _assert_refused(self, expected, options=None, text=None):
        """Every command fails on the configuration ``options`` or, when
        given, on a file of ``text``."""
        command = self.useFixture(commands.CommandFixture(options))
        if text is not None:
            with open(command.config_file, 'w') as config:
                config.write(text)
        for module, args in COMMANDS.items():
            rc, out, err = command.run(module, *args)
            self.assertEqual(1, rc, (module, out, err))
            self.assertEqual(1, len(err.strip().splitlines()), (module, err))
            self.assertIn(expected, err, module)
            self.assertNotIn('Traceback', out + err)
            self.assertNotIn(SECRET, out + err)

    def test_value_of_the_wrong_type(self):
        self._assert_refused("[processing]max_data_size: invalid literal",
                             {'processing': {'max_data_size': 'lots'}})

    def test_value_out_of_range(self):
        self._assert_refused('[conductor]send_retries',
                             {'conductor': {'send_retries': '-1'}})

    def test_malformed_file_keeps_the_line_secret(self):
        # A password line that lost its "=": the parse error must not
        # quote it.
        self._assert_refused('cannot parse',
                             text='[swift]\npassword %s\n' % SECRET)

    def test_missing_file(self):
        command = self.useFixture(commands.CommandFixture())
        rc, out, err = command.run('data', '--config-file',
                                   '/nonexistent/inspector.conf', 'list')
        self.assertEqual(1, rc)
        self.assertIn('/nonexistent/inspector.conf', err)
        self.assertNotIn('Traceback', err)
