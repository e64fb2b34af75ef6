"""What every console script shares: error lines, exit codes, safe URLs."""

import sys

from oslo_db import exception as db_exc
from sqlalchemy.engine import url as sa_url

from ironic_inspector.common import exception
from ironic_inspector.db import api as db_api

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


def safe_url(url):
    """A database URL fit for output: the password replaced by ``***``."""
    try:
        return sa_url.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return '<unparsable URL>'


def describe_error(exc, database_url=None):
    """One line saying what went wrong, without secrets."""
    if isinstance(exc, db_exc.DBConnectionError):
        where = ' at %s' % safe_url(database_url) if database_url else ''
        return 'cannot connect to the database%s: %s' % (
            where, db_api.driver_reason(exc))
    if isinstance(exc, db_exc.DBError):
        return 'database error: %s' % db_api.driver_reason(exc)
    return str(exc)


def run(prog, func, database_url=None):
    """Call ``func()``; turn expected failures into one line and exit 1.

    :returns: the exit code: ``func``'s return value, or 1 after an
        error of the project or of the database.
    """
    try:
        return func() or EXIT_OK
    except (exception.InspectorException, db_exc.DBError) as exc:
        print('%s: error: %s' % (prog, describe_error(exc, database_url)),
              file=sys.stderr)
        return EXIT_FAILURE
