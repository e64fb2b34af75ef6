"""Schema migrations with alembic, for ironic-inspector-dbsync.

A database is at a revision of this project's history, empty, or at
ironic-inspector 12.5.0's head, which :func:`upgrade` adopts first (see
:mod:`ironic_inspector.db.adoption`). Any other revision is refused before
anything is changed, by every function here that writes.
"""

import contextlib

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script
from alembic import util as alembic_util

from ironic_inspector.common import exception
from ironic_inspector.db import adoption
from ironic_inspector.db import engine as db_engine

SCRIPT_LOCATION = 'ironic_inspector.db:migrations'

RELEASE_12_ADVICE = ("'ironic-inspector-dbsync upgrade' adopts it in "
                     "place.")


def _config(connection=None):
    config = alembic_config.Config()
    config.set_main_option('script_location', SCRIPT_LOCATION)
    if connection is not None:
        config.attributes['connection'] = connection
    return config


def _script():
    return alembic_script.ScriptDirectory.from_config(_config())


@contextlib.contextmanager
def _alembic_errors():
    try:
        yield
    except alembic_util.CommandError as exc:
        raise exception.MigrationError(reason=str(exc).splitlines()[0])


def _alembic(command, engine, *args):
    """Run an alembic command in one transaction on ``engine``."""
    with _alembic_errors(), engine.begin() as conn:
        command(_config(conn), *args)


def is_known(revision):
    """Whether ``revision`` belongs to this release's history."""
    try:
        return _script().get_revision(revision) is not None
    except alembic_util.CommandError:
        return False


def check_revision(revision, adoptable=False):
    """Refuse a database this release cannot work on.

    :param adoptable: whether 12.5.0's head is acceptable (to ``upgrade``,
        which adopts it).
    :raises: SchemaRevisionError
    """
    if revision is None or is_known(revision):
        return
    if revision == adoption.RELEASE_12_HEAD:
        if adoptable:
            return
        raise exception.SchemaRevisionError(
            revision=revision, what="ironic-inspector 12.5.0's head",
            advice=RELEASE_12_ADVICE + ' Run that first.')
    if revision in adoption.RELEASE_12_OLDER:
        raise exception.SchemaRevisionError(
            revision=revision, what='of ironic-inspector 12.x, older than '
                                    '12.5.0 (%s)' % adoption.RELEASE_12_HEAD,
            advice="bring it to 12.5.0's schema with ironic-inspector "
                   "12.5.0's 'ironic-inspector-dbsync upgrade' first, then "
                   "run this release's.")
    raise exception.SchemaRevisionError(
        revision=revision, what='unknown to this release',
        advice='it was made by a newer release of ironic-inspector or by '
               'another project; check [database]connection, or use the '
               'release that wrote it.')


def describe(revision):
    """The revision as ``dbsync version`` prints it.

    :raises: SchemaRevisionError for a revision this release cannot work
        from.
    """
    if revision is None:
        return 'None (the schema was never created)'
    check_revision(revision, adoptable=True)
    if revision == adoption.RELEASE_12_HEAD:
        return "%s (ironic-inspector 12.5.0's head; %s)" % (
            revision, RELEASE_12_ADVICE)
    return revision


def upgrade(revision='head', engine=None):
    """Bring the schema to ``revision``; nothing happens if it is there.

    A database at 12.5.0's head is adopted first.

    :returns: the 12.5.0 revision the database was adopted from, if it
        was; None otherwise.
    :raises: SchemaRevisionError, MigrationError
    """
    engine = engine or db_engine.get_engine()
    current = version(engine=engine)
    check_revision(current, adoptable=True)
    with _alembic_errors():
        _script().get_revisions(revision)   # refuse an unknown target now
    adopted = current == adoption.RELEASE_12_HEAD
    if adopted:
        adoption.adopt(engine)
    _alembic(alembic_command.upgrade, engine, revision)
    return current if adopted else None


def check_current(engine=None):
    """Refuse a schema that is not at this release's newest revision.

    :raises: SchemaRevisionError
    """
    current = version(engine=engine)
    check_revision(current)
    if current != head():
        raise exception.SchemaRevisionError(
            revision=current, what="not this release's newest (%s)" % head(),
            advice="run 'ironic-inspector-dbsync upgrade' first.")


def stamp(revision, engine=None):
    """Record ``revision`` as the schema's version without migrating.

    :raises: SchemaRevisionError, MigrationError
    """
    engine = engine or db_engine.get_engine()
    check_revision(version(engine=engine))
    _alembic(alembic_command.stamp, engine, revision)


def revision(message=None, autogenerate=False):
    """Write a new revision file into the source tree.

    :raises: SchemaRevisionError (autogenerate compares the database with
        the models), MigrationError
    """
    if autogenerate:
        check_revision(version())
    with _alembic_errors():
        alembic_command.revision(_config(), message=message,
                                 autogenerate=autogenerate)


def version(connection=None, engine=None):
    """The revision the database is at, or None for an empty database."""
    if connection is not None:
        return alembic_migration.MigrationContext.configure(
            connection).get_current_revision()
    with (engine or db_engine.get_engine()).connect() as conn:
        return version(conn)


def head():
    """The newest revision this code knows."""
    return _script().get_current_head()
