"""Alembic environment: runs migrations on the project's engine.

A caller may pass a connection in ``config.attributes['connection']``
(the migration tests do, for their temporary databases); otherwise the
engine comes from ``[database]connection`` through enginefacade. Every
statement waits a bounded time for its table locks (see ``db/ddl.py``).
"""

from alembic import context

from ironic_inspector.db import ddl
from ironic_inspector.db import engine as db_engine
from ironic_inspector.db import models


def run_migrations(connection):
    context.configure(connection=connection,
                      target_metadata=models.Base.metadata,
                      render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction(), ddl.bounded_lock_waits(connection):
        context.run_migrations()


def run_migrations_online():
    connection = context.config.attributes.get('connection')
    if connection is not None:
        run_migrations(connection)
        return
    with db_engine.get_engine().connect() as connection:
        run_migrations(connection)


run_migrations_online()
