"""How schema changes wait for their table locks.

A statement that changes a table's definition needs a brief exclusive lock
on the table. While it waits for one behind a long transaction, every
query on that table queues behind it, so a long wait stalls the services
that use the database. Schema changes made here wait at most
:data:`LOCK_TIMEOUT_SECONDS`, then fail; the command can be run again.
"""

import contextlib

import sqlalchemy as sa

LOCK_TIMEOUT_SECONDS = 10


@contextlib.contextmanager
def bounded_lock_waits(conn, **mysql_variables):
    """Bound the lock waits of ``conn``'s statements for a block.

    PostgreSQL's ``lock_timeout`` is set for the current transaction;
    MySQL's ``lock_wait_timeout`` (metadata locks), with any further
    session variables given, for the block, then restored.
    """
    if conn.dialect.name == 'postgresql':
        conn.execute(sa.text("SET LOCAL lock_timeout = '%ds'"
                             % LOCK_TIMEOUT_SECONDS))
        yield
    elif conn.dialect.name == 'mysql':
        with _session_variables(conn, lock_wait_timeout=LOCK_TIMEOUT_SECONDS,
                                **mysql_variables):
            yield
    else:
        yield


@contextlib.contextmanager
def _session_variables(conn, **values):
    names = list(values)
    saved = conn.execute(sa.text('SELECT %s' % ', '.join(
        '@@SESSION.%s' % name for name in names))).one()
    conn.execute(_set_statement(values))
    try:
        yield
    finally:
        conn.execute(_set_statement(dict(zip(names, saved))))


def _set_statement(values):
    return sa.text('SET %s' % ', '.join(
        'SESSION %s = %d' % item for item in values.items()))
