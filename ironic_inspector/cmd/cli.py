"""What every console script shares: error lines, exit codes, safe URLs."""

import contextlib
import io
import logging
import os
import signal
import sys
import threading

from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_log import log
from sqlalchemy.engine import url as sa_url
import sqlalchemy.exc

from ironic_inspector.common import exception
from ironic_inspector import conf
from ironic_inspector.db import engine as db_engine

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

DATABASE_ERRORS = (db_exc.DBError, sqlalchemy.exc.SQLAlchemyError)
# Retries of a command's database calls (a deadlock, a dropped
# connection): some 3 s in all, not a service's failover budget.
COMMAND_DB_MAX_RETRIES = 5


def safe_url(url):
    """A database URL fit for output: the password replaced by ``***``."""
    try:
        return sa_url.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return '<unparsable URL>'


def prepare(conf):
    """Settings every command shares; call before parsing arguments.

    A command run by hand should fail at once when the database is down,
    rather than retry for minutes as a service does, and give up on its
    calls sooner; a ``[database]`` setting in the configuration file still
    wins.
    """
    conf.set_default('max_retries', 1, group='database')
    conf.set_default('retry_interval', 0, group='database')
    conf.set_default('db_max_retries', COMMAND_DB_MAX_RETRIES,
                     group='database')
    # oslo.db's retry warnings and tracebacks would only repeat, at length,
    # the one error line the command ends with.
    logging.getLogger('oslo_db').setLevel(logging.CRITICAL)


def load_config(prog, argv=None):
    """:func:`conf.parse_args` for a console script.

    A missing or malformed configuration file, or an option of the wrong
    type, ends the command with one error line and exit code 1; a usage
    error (an unknown or missing argument, a value out of range) with one
    line, ``PROG: error: WHAT``, and exit code 2.

    :param argv: the arguments, without the program name; ``sys.argv``'s
        by default.
    """
    usage = io.StringIO()
    try:
        # NOTE: argparse, through oslo.config, writes the usage and then
        # the error; only the error is shown.
        with contextlib.redirect_stderr(usage):
            conf.parse_args(sys.argv[1:] if argv is None else argv,
                            prog=prog)
    except exception.ConfigInvalid as exc:
        _exit(prog, exc, EXIT_FAILURE)
    except cfg.RequiredOptError as exc:
        _exit(prog, '--%s is required' % exc.opt_name, EXIT_USAGE)
    except SystemExit as exc:
        if not exc.code:
            raise
        lines = usage.getvalue().strip().splitlines() or ['invalid usage']
        error = lines[-1]
        if ': error: ' in error:
            error = error.split(': error: ', 1)[1]
            # NOTE: a sub-command's parser names the sub-command.
            prog = lines[-1].split(': error: ', 1)[0]
        _exit(prog, error, EXIT_USAGE)


def _exit(prog, error, code):
    print('%s: error: %s' % (prog, error), file=sys.stderr)
    sys.exit(code)


def describe_error(exc, database_url=None):
    """One line saying what went wrong, without secrets."""
    if isinstance(exc, DATABASE_ERRORS):
        where = ' %s' % safe_url(database_url) if database_url else ''
        reason = db_engine.driver_reason(exc)
        if db_engine.is_lock_timeout(exc):
            return ('gave up waiting for a lock held by another transaction '
                    'in the database%s: %s; run the command again'
                    % (where, reason))
        verb = ('cannot connect to'
                if isinstance(exc, (db_exc.DBConnectionError,
                                    sqlalchemy.exc.OperationalError))
                else 'error from')
        return '%s the database%s: %s' % (verb, where, reason)
    return str(exc)


def run(prog, func, database_url=None):
    """Call ``func()``; turn expected failures into one line and exit 1.

    :returns: the exit code: ``func``'s return value, or 1 after an
        error of the project or of the database, or when the reader of
        the output went away (``| head``).
    """
    try:
        return func() or EXIT_OK
    except (exception.InspectorException,) + DATABASE_ERRORS as exc:
        print('%s: error: %s' % (prog, describe_error(exc, database_url)),
              file=sys.stderr)
        return EXIT_FAILURE
    except BrokenPipeError:
        return reader_went_away()


def reader_went_away():
    """After a BrokenPipeError on standard output (``| head``): point it
    at /dev/null, so that flushing it at exit fails no more.

    :returns: the exit code, 1.
    """
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_FAILURE


def run_service(prog, serve, argv=None):
    """Load the configuration, set up logging and run a service.

    :param serve: called with a ``threading.Event`` that SIGTERM and
        SIGINT set; returns once the service has stopped.
    :returns: the exit code, as :func:`run`.
    """
    log.register_options(conf.CONF)
    load_config(prog, argv)
    log.setup(conf.CONF, 'ironic-inspector')
    stop_event = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop_event.set())
    return run(prog, lambda: serve(stop_event),
               database_url=conf.CONF.database.connection)
