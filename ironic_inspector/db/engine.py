"""The database engine: oslo.db's enginefacade and what every call shares.

The process has one enginefacade, started from ``[database]`` on first
use. Each engine it starts is tuned here: a connection pool without
per-call round trips (:func:`tune_pool`), causal reads on a Galera node,
utf8mb4 and the server's packet limit with PyMySQL, the retry budget of
``[database]``. Every public call of the query modules is one
transaction wrapped in :func:`db_call`, which retries what a second
attempt can get through and turns driver errors into the project's
exceptions.

Reads come in two kinds. :func:`reader` reads the primary database
(``[database]connection``), for callers that must see what they, or the
service they answer for, have just written: a document read back after a
save, a node looked up before its data is stored. :func:`stale_reader`
reads ``[database]slave_connection`` when one is configured, for reads
that may lag by the replication delay (listings, counts and key sets for
reports and migrations); every function that uses it says so in its
docstring. This module's own reads, :func:`max_statement_size` and
:func:`ping`, go to the primary.
"""

import functools
import sys
import threading
import weakref

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
import sqlalchemy as sa

from ironic_inspector.common import exception
from ironic_inspector import conf
from ironic_inspector.conf import database as conf_database

# NOTE: SQLite ignores foreign keys unless told otherwise on every
# connection; the cascade from nodes to introspection_data depends on it.
# thread_checkin makes every connection check-in sleep(0) so that eventlet
# switches green threads; this project runs on native threads.
_facade = enginefacade.transaction_context()
_facade.configure(sqlite_fk=True, thread_checkin=False)

# enginefacade joins a transaction already open in the same thread through
# this object, so nested calls (a node and its data) share one transaction.
_CONTEXT = threading.local()


# The most a MySQL client and server can exchange in one packet.
_MYSQL_PACKET_CEILING = 1024 ** 3

# engine -> the server's max_allowed_packet, read once per engine.
_statement_limits = weakref.WeakKeyDictionary()


@sa.event.listens_for(sa.engine.Engine, 'do_connect')
def _prepare_connection(dialect, conn_rec, cargs, cparams):
    if dialect.name == 'sqlite':
        # NOTE: pooled connections move between threads, one thread at a
        # time (see tune_pool).
        cparams['check_same_thread'] = False
    if dialect.driver != 'pymysql':
        return
    # NOTE: oslo.db asks for the 3-byte "utf8" unless the URL names a
    # charset; our tables are utf8mb4, and a ramdisk may well report a
    # 4-byte character, which MySQL would then refuse.
    if cparams.get('charset') in (None, 'utf8', 'utf8mb3'):
        cparams['charset'] = 'utf8mb4'
    # NOTE: PyMySQL refuses statements over 16 MiB on its own; leave the
    # limit to the server, whose max_allowed_packet is checked before a
    # large document is sent (see max_statement_size).
    cparams.setdefault('max_allowed_packet', _MYSQL_PACKET_CEILING)


# How many idle SQLite connections a pool keeps.
_SQLITE_POOL_SIZE = 5


def tune_pool(engine):
    """Take the per-call costs out of the connection pool of ``engine``.

    Every call of this module is one short transaction, so what the pool
    does per checkout and check-in weighs as much as the statement itself.
    oslo.db's ``create_engine`` takes no pool options, so this works on
    the engine it made:

    * no ping on checkout (a round trip): a connection the server dropped
      is found out by the statement that fails on it instead; the pool
      then replaces it and the call is retried (see ``db_call``);
    * no rollback on check-in (a round trip with PyMySQL): the transaction
      is always over by then, as enginefacade commits or rolls back each
      one and SQLAlchemy rolls back one still open when its connection
      closes;
    * a file SQLite database keeps its connections in a pool: oslo.db
      gives it a NullPool, which opens the file, sets its pragmas and
      reads its schema again on every call.
    """
    pool = engine.pool
    if engine.dialect.name == 'sqlite' and isinstance(pool, sa.pool.NullPool):
        # NOTE: the new pool takes over the old one's connect events
        # (oslo.db's pragmas) and its way of connecting.
        engine.pool = sa.pool.QueuePool(
            pool._creator, pool_size=_SQLITE_POOL_SIZE, max_overflow=-1,
            dialect=pool._dialect, _dispatch=pool.dispatch)
        pool.dispose()
        pool = engine.pool
    pool._pre_ping = False
    pool._reset_on_return = sa.pool.reset_none


_facade.append_on_engine_create(tune_pool)


# Driver modules -> what installs them: this project's extra, or the
# driver's own package.
_DRIVER_REQUIREMENTS = {
    'pymysql': "'ironic-inspector[mysql]' (PyMySQL)",
    'psycopg2': "'ironic-inspector[postgresql]' (psycopg2-binary)",
    'MySQLdb': 'mysqlclient',
    # SQLAlchemy 2.1's driver for a bare postgresql:// URL.
    'psycopg': "'psycopg[binary]', or write postgresql+psycopg2:// and "
               "pip install 'ironic-inspector[postgresql]'",
}


def _missing_driver(exc):
    """DatabaseDriverMissing for the ModuleNotFoundError of a driver."""
    return exception.DatabaseDriverMissing(
        module=exc.name,
        requirement=_DRIVER_REQUIREMENTS.get(exc.name, exc.name))


def _causal_reads_on_galera(engine):
    """Make a read on a Galera node see what any node committed before it.

    A Galera node applies the other nodes' write sets a little after they
    commit; a caller that saves through one node (or one conductor) and
    reads through another could read the document it just replaced. Each
    new connection to a Galera node asks for causal reads
    (``wsrep_sync_wait = 1``: a read waits until the node has applied
    everything committed before it), unless
    ``[database]mysql_wsrep_sync_wait`` says otherwise, which oslo.db then
    applies.
    """
    if (engine.dialect.name != 'mysql'
            or conf.CONF.database.mysql_wsrep_sync_wait is not None):
        return

    @sa.event.listens_for(engine, 'connect')
    def _ask_for_causal_reads(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SHOW VARIABLES LIKE 'wsrep_on'")
            row = cursor.fetchone()
            if row is not None and row[1] == 'ON':
                cursor.execute('SET SESSION wsrep_sync_wait = 1')
        finally:
            cursor.close()

    # NOTE: oslo.db opened a first connection, before this listener.
    engine.pool.dispose()


_facade.append_on_engine_create(_causal_reads_on_galera)


def get_engine():
    """The writer engine, started from ``[database]`` on first use.

    :raises: DatabaseDriverMissing
    """
    try:
        return _facade.writer.get_engine()
    except ModuleNotFoundError as exc:
        raise _missing_driver(exc)


def dispose():
    """Close every pooled connection (after a fork, before a shutdown)."""
    _facade.dispose_pool()


# Driver messages of lock timeouts, which oslo.db does not classify:
# SQLite's single writer, MySQL's error 1205, PostgreSQL's lock_timeout.
_LOCK_TIMEOUTS = ('database is locked', 'Lock wait timeout exceeded',
                  'canceling statement due to lock timeout')


# Galera's messages of a node outside the primary component: cut off from
# the others, or still joining. The transaction did not commit; once the
# node is back in the cluster, it can run again. MariaDB's errors 1047 and
# 1180, which oslo.db does not classify.
_GALERA_NOT_IN_CLUSTER = (
    'WSREP has not yet prepared node for application use',
    'Not connected to Primary Component')


def _message_in(exc, messages):
    return (isinstance(exc, (db_exc.DBError, sa.exc.SQLAlchemyError))
            and any(text in driver_reason(exc) for text in messages))


def is_lock_timeout(exc):
    """Whether a database error is a lock wait that timed out."""
    return _message_in(exc, _LOCK_TIMEOUTS)


def _is_transient(exc):
    """Whether to retry an error oslo.db does not retry by itself."""
    return _message_in(exc, _LOCK_TIMEOUTS + _GALERA_NOT_IN_CLUSTER)


# NOTE: every call retries deadlocks (on Galera, a write that lost
# certification to one on another node), lock timeouts, dropped
# connections (a database node or its load balancer gone) and a Galera
# node's absence from the cluster through this one policy. Its first wait
# is short, as a deadlock's is, and doubles up to
# [database]db_max_retry_interval for at most [database]db_max_retries
# retries, which together must outlast a load balancer's failover.
_retry_policy = oslo_db_api.wrap_db_retry(
    max_retries=conf_database.DEFAULT_MAX_RETRIES,
    max_retry_interval=conf_database.DEFAULT_MAX_RETRY_INTERVAL,
    retry_interval=0.1, inc_retry_interval=True,
    retry_on_deadlock=True, retry_on_disconnect=True,
    exception_checker=_is_transient)


def configure_retries(max_retries, max_retry_interval):
    """Set how often and how long every call retries.

    :param max_retries: retries after the first attempt; -1 for ever.
    :param max_retry_interval: the longest wait between two, in seconds.
    """
    # oslo.db's option says -1 retries for ever; wrap_db_retry counts down.
    _retry_policy.max_retries = (sys.maxsize if max_retries < 0
                                 else max_retries)
    _retry_policy.max_retry_interval = max_retry_interval


def _configure_retries(engine):
    """Take the retry budget from ``[database]`` as the engine starts."""
    configure_retries(conf.CONF.database.db_max_retries,
                      conf.CONF.database.db_max_retry_interval)


_facade.append_on_engine_create(_configure_retries)


# Set while one_transaction runs a function: the database calls it makes
# join its transaction, which is retried as a whole.
_joined = threading.local()


def db_call(func):
    """Run a database call with retries, raising the project's exceptions.

    Deadlocks, lock timeouts, dropped connections and a Galera node out of
    its cluster are retried with a growing back-off (see
    ``_retry_policy``; a dropped connection is replaced by the pool), so a
    call must be one transaction that can run again as a whole; what
    still fails becomes NodeNotFound (a foreign key names no node),
    NodeAlreadyExists or DatabaseError; a driver that is not installed,
    DatabaseDriverMissing. The node UUID is the call's first argument, if
    any. Inside :func:`one_transaction`, a call is part of its transaction
    and left to it.
    """
    retried = _retry_policy(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if getattr(_joined, 'active', False):
            return func(*args, **kwargs)
        node_uuid = args[0] if args else kwargs.get('uuid')
        try:
            return retried(*args, **kwargs)
        except db_exc.DBReferenceError:
            raise exception.NodeNotFound(node_uuid=node_uuid)
        except db_exc.DBDuplicateEntry:
            raise exception.NodeAlreadyExists(node_uuid=node_uuid)
        except (db_exc.DBError, sa.exc.SQLAlchemyError) as exc:
            # NOTE: oslo.db translates errors of statements; a refused
            # login while the engine starts arrives untranslated.
            raise exception.DatabaseError(reason=driver_reason(exc))
        except ModuleNotFoundError as exc:
            # NOTE: the engine, and with it the driver, starts on first use.
            raise _missing_driver(exc)

    return wrapper


def one_transaction(func, *args, **kwargs):
    """Run ``func`` and every database call it makes in one write
    transaction, committed once, retried as a whole as one call is.

    ``func`` may run more than once: it must do nothing but database
    calls.
    """
    @db_call
    def run():
        with writer_connection():
            _joined.active = True
            try:
                return func(*args, **kwargs)
            finally:
                _joined.active = False
    return run()


def driver_reason(exc):
    """The driver's own message of a database error, without the SQL.

    oslo.db and SQLAlchemy messages carry the statement and its
    parameters; those may be megabytes of document and are no use to an
    operator.
    """
    inner = getattr(exc, 'inner_exception', None) or exc
    orig = getattr(inner, 'orig', None) or inner
    text = str(orig).strip() or type(orig).__name__
    return text.splitlines()[0]


def writer_connection():
    """A connection in a write transaction, committed on exit."""
    return _facade.writer.connection.using(_CONTEXT)


def reader():
    """A read transaction on the primary: it sees every committed write."""
    return _facade.reader.connection.using(_CONTEXT)


def stale_reader():
    """A read transaction on ``[database]slave_connection`` if configured.

    For reads that may miss the latest writes (a replica lags behind the
    primary); without a slave connection it is the primary's.
    """
    return _facade.reader.async_.connection.using(_CONTEXT)


@db_call
def max_statement_size():
    """The largest statement the server accepts, or None for no limit.

    Only MySQL and MariaDB have such a limit (max_allowed_packet); a
    larger statement makes them drop the connection.
    """
    engine = get_engine()
    if engine.dialect.name != 'mysql':
        return None
    if engine not in _statement_limits:
        with reader() as conn:
            return packet_limit(conn)
    return _statement_limits[engine]


def packet_limit(conn):
    """The max_allowed_packet of the MySQL server of ``conn``, read once
    per engine."""
    if conn.engine not in _statement_limits:
        _statement_limits[conn.engine] = conn.execute(
            sa.text('SELECT @@max_allowed_packet')).scalar()
    return _statement_limits[conn.engine]


@db_call
def ping():
    """Run a trivial query; raises DatabaseError if the server fails."""
    with reader() as conn:
        conn.execute(sa.text('SELECT 1'))
