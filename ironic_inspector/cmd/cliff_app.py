"""A cliff application for the console scripts that have sub-commands.

cliff gives every command OpenStack's output conventions (``Lister`` and
``ShowOne``: ``-f table|json|yaml|csv|value``, ``-c COLUMN``); this class
adds what every command of ours does the same way:

* ``--config-file``/``--config-dir`` before the sub-command, loaded
  through :func:`ironic_inspector.conf.parse_args`;
* an expected failure ends in one line, ``PROG: error: WHAT`` (database
  errors described by :func:`cli.describe_error`, without the statement
  or the password), and exit code 1; ``--debug`` adds the traceback;
* usage errors in one line on standard error, exit code 2; no
  interactive shell without a sub-command;
* the versioned objects registered before a command runs, unless its
  class says ``needs_objects = False`` (registering imports
  oslo.messaging, a quarter of a second).

A command is a cliff ``Command`` (``Lister``, ``ShowOne``...) whose
``take_action`` raises :class:`InspectorException` on failure::

    def main(argv=None):
        return cliff_app.App(PROG, __doc__, {'list': List}).main(argv)
"""

import logging
import sys

from cliff import app
from cliff import commandmanager

from ironic_inspector.cmd import cli
from ironic_inspector import conf
from ironic_inspector import objects


def _one_line_usage_errors(parser):
    """Make argparse's usage errors one line, ``PROG: error: WHAT``,
    instead of the usage and then the error."""
    def error(message):
        parser.exit(cli.EXIT_USAGE, '%s: error: %s; see %s --help\n'
                    % (parser.prog, message, parser.prog))
    parser.error = error
    return parser


class _ErrorFormatter(logging.Formatter):
    """``PROG: error: WHAT`` for the messages cliff logs, one line each."""

    def __init__(self, prog):
        super().__init__()
        self.prog = prog

    def formatMessage(self, record):
        if isinstance(record.msg, Exception):
            message = cli.describe_error(record.msg,
                                         conf.CONF.database.connection)
        else:
            message = record.getMessage()
        return '%s: %s: %s' % (self.prog, record.levelname.lower(), message)


class App(app.App):
    """A console script of sub-commands; see the module's docstring.

    :param prog: the program's name, for usage and error lines.
    :param description: what the program does, for ``--help``.
    :param commands: ``{sub-command name: cliff command class}``.
    :param stdout, stderr: streams instead of the process's (tests).
    """

    # Warnings and errors only; -v shows what the libraries log at INFO.
    DEFAULT_VERBOSE_LEVEL = 0

    def __init__(self, prog, description, commands, stdout=None,
                 stderr=None):
        manager = commandmanager.CommandManager(None)
        for name, command in commands.items():
            manager.add_command(name, command)
        self.NAME = prog
        super().__init__(description=description, version=None,
                         command_manager=manager, deferred_help=True,
                         stdout=stdout, stderr=stderr)

    def build_option_parser(self, description, version,
                            argparse_kwargs=None):
        parser = super().build_option_parser(
            description, version,
            dict(argparse_kwargs or {}, prog=self.NAME))
        parser.add_argument(
            '--config-file', dest='config_files', action='append',
            default=[], metavar='PATH',
            help='A configuration file to read; may be repeated. Default: '
                 '/etc/ironic-inspector/ironic-inspector.conf.')
        parser.add_argument(
            '--config-dir', dest='config_dirs', action='append',
            default=[], metavar='DIR',
            help='A directory of *.conf files to read after the files.')
        return _one_line_usage_errors(parser)

    def configure_logging(self):
        super().configure_logging()
        for handler in logging.getLogger().handlers:
            handler.setFormatter(_ErrorFormatter(self.NAME))

    def initialize_app(self, argv):
        cli.prepare(conf.CONF)
        config_args = []
        for path in self.options.config_files:
            config_args += ['--config-file', path]
        for path in self.options.config_dirs:
            config_args += ['--config-dir', path]
        conf.parse_args(config_args)

    def prepare_to_run_command(self, cmd):
        if getattr(cmd, 'needs_objects', True):
            objects.register_all()
        # NOTE: cliff's epilog names the distribution that provides a
        # command when it is a plugin's, which it finds by reading the
        # metadata of every installed distribution (0.1 s of each run);
        # ours are all ironic-inspector's own and take no command hooks.
        cmd.get_epilog = lambda: cmd._epilog or ''
        # NOTE: cliff builds the command's parser after this call; the
        # errors of the parser it builds are made one line too.
        get_parser = cmd.get_parser
        cmd.get_parser = lambda prog: _one_line_usage_errors(
            get_parser(prog))

    def run_subcommand(self, argv):
        try:
            self.command_manager.find_command(argv)
        except ValueError:
            names = sorted(name for name, _ in self.command_manager
                           if name not in ('help', 'complete'))
            self.stderr.write("%s: error: unknown command '%s'; expected "
                              "one of: %s\n"
                              % (self.NAME, argv[0], ', '.join(names)))
            return cli.EXIT_USAGE
        try:
            return super().run_subcommand(argv)
        except BrokenPipeError:
            return cli.reader_went_away()

    def interact(self):
        self.stderr.write('%s: error: a command is required; see %s help\n'
                          % (self.NAME, self.NAME))
        raise SystemExit(cli.EXIT_USAGE)

    def main(self, argv=None):
        """Run the command line ``argv`` (``sys.argv``'s by default).

        :returns: the exit code.
        """
        return self.run(sys.argv[1:] if argv is None else argv)
