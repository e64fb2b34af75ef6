"""Schema migrations with alembic, for ironic-inspector-dbsync."""

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script

from ironic_inspector.db import api as db_api

SCRIPT_LOCATION = 'ironic_inspector.db:migrations'


def _config(connection=None):
    config = alembic_config.Config()
    config.set_main_option('script_location', SCRIPT_LOCATION)
    if connection is not None:
        config.attributes['connection'] = connection
    return config


def upgrade(revision='head', connection=None):
    """Bring the schema to ``revision``; nothing happens if it is there."""
    alembic_command.upgrade(_config(connection), revision)


def stamp(revision, connection=None):
    """Record ``revision`` as the schema's version without migrating."""
    alembic_command.stamp(_config(connection), revision)


def revision(message=None, autogenerate=False):
    """Write a new revision file into the source tree."""
    alembic_command.revision(_config(), message=message,
                             autogenerate=autogenerate)


def version(connection=None):
    """The revision the database is at, or None for an empty database."""
    if connection is not None:
        return alembic_migration.MigrationContext.configure(
            connection).get_current_revision()
    with db_api.get_engine().connect() as conn:
        return version(conn)


def head():
    """The newest revision this code knows."""
    script = alembic_script.ScriptDirectory.from_config(_config())
    return script.get_current_head()
