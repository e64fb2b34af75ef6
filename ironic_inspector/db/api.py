"""Database access: every query of the project, one transaction per call.

Functions here take and return plain values; the ORM classes of
:mod:`ironic_inspector.db.models` are used only as table definitions, and
statements run on a connection of oslo.db's enginefacade (no ORM session,
no identity map to fill and flush). Driver errors leave this module as the
project's exceptions.

Reads come in two kinds. Most go to the primary database
(``[database]connection``), because their caller must see what it, or the
service it answers for, has just written: a document read back after a
save, a node looked up before its data is stored. Reads that may lag by
the replication delay (listings, counts and key sets for reports and
migrations) go to ``[database]slave_connection`` when one is configured,
through :func:`stale_reader`; each such function says so in its
docstring.
"""

import functools
import re
import sys
import threading
import weakref

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from ironic_inspector.common import exception
from ironic_inspector import conf
from ironic_inspector.conf import database as conf_database
from ironic_inspector.db import models

_NODES = models.Node.__table__
_DATA = models.IntrospectionData.__table__
_ATTRIBUTES = models.Attribute.__table__

# NOTE: the statements of the frequent calls are built once, with bound
# parameters: building an expression costs more than running it on a
# local server.
_NODE_COLUMNS = [column.name for column in _NODES.columns]
_INSERT_NODE = _NODES.insert()
_SELECT_NODE = _NODES.select().where(_NODES.c.uuid == sa.bindparam('key'))
_DELETE_NODE = _NODES.delete().where(_NODES.c.uuid == sa.bindparam('key'))
_THIS_DOCUMENT = sa.and_(_DATA.c.uuid == sa.bindparam('key'),
                         _DATA.c.processed == sa.bindparam('kind'))
_SELECT_DATA = sa.select(_DATA.c.data, _DATA.c.created_at,
                         _DATA.c.updated_at,
                         _DATA.c.version).where(_THIS_DOCUMENT)
_UPDATE_DATA = _DATA.update().where(_THIS_DOCUMENT)
_DELETE_DATA = _DATA.delete().where(_THIS_DOCUMENT)
_DELETE_ALL_DATA = _DATA.delete().where(_DATA.c.uuid == sa.bindparam('key'))
_SELECT_DATA_KEYS = sa.select(_DATA.c.uuid, _DATA.c.processed).where(
    _DATA.c.uuid.in_(sa.bindparam('keys', expanding=True)))
# Columns an upsert replaces; created_at stays as first written.
_REPLACED = ('data', 'updated_at', 'version')

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
      then replaces it and the call is retried (see ``_db_call``);
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


def _db_call(func):
    """Run a database call with retries, raising the project's exceptions.

    Deadlocks, lock timeouts, dropped connections and a Galera node out of
    its cluster are retried with a growing back-off (see
    ``_retry_policy``; a dropped connection is replaced by the pool), so a
    call must be one transaction that can run again as a whole; what
    still fails becomes NodeNotFound (a foreign key names no node),
    NodeAlreadyExists or DatabaseError; a driver that is not installed,
    DatabaseDriverMissing. The node UUID is the call's first argument, if
    any.
    """
    retried = _retry_policy(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
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


def _reader():
    """A read transaction on the primary: it sees every committed write."""
    return _facade.reader.connection.using(_CONTEXT)


def stale_reader():
    """A read transaction on ``[database]slave_connection`` if configured.

    For reads that may miss the latest writes (a replica lags behind the
    primary); without a slave connection it is the primary's.
    """
    return _facade.reader.async_.connection.using(_CONTEXT)


@_db_call
def max_statement_size():
    """The largest statement the server accepts, or None for no limit.

    Only MySQL and MariaDB have such a limit (max_allowed_packet); a
    larger statement makes them drop the connection.
    """
    engine = get_engine()
    if engine.dialect.name != 'mysql':
        return None
    if engine not in _statement_limits:
        with _reader() as conn:
            return _packet_limit(conn)
    return _statement_limits[engine]


def _packet_limit(conn):
    """The MySQL server's max_allowed_packet, read once per engine."""
    if conn.engine not in _statement_limits:
        _statement_limits[conn.engine] = conn.execute(
            sa.text('SELECT @@max_allowed_packet')).scalar()
    return _statement_limits[conn.engine]


@_db_call
def ping():
    """Run a trivial query; raises DatabaseError if the server fails."""
    with _reader() as conn:
        conn.execute(sa.text('SELECT 1'))


# Nodes


@_db_call
def create_node(uuid, state, version=None, lookup=None, **values):
    """Add a node to the node cache, with its lookup data.

    :param lookup: ``{name: [value, ...]}`` of the node's lookup data
        (names in LOOKUP_NAMES), which no other node may have.
    :raises: NodeAlreadyExists, LookupDataInUse
    """
    # NOTE: 12.x's table has no unique constraint to lean on: two nodes
    # added at the same moment with the same value both get it; a lookup
    # by that value then names both instead of choosing one.
    now = timeutils.utcnow()
    row = dict.fromkeys(_NODE_COLUMNS)
    row.update(values, uuid=uuid, state=state, version=version,
               created_at=now, updated_at=now)
    attributes = [{'uuid': uuidutils.generate_uuid(), 'node_uuid': uuid,
                   'name': name, 'value': value}
                  for name, values in sorted((lookup or {}).items())
                  for value in values]
    with writer_connection() as conn:
        if attributes:
            _check_lookup_free(conn, lookup)
        conn.execute(_INSERT_NODE, row)
        if attributes:
            conn.execute(_ATTRIBUTES.insert(), attributes)
    return row


@_db_call
def transition_node(uuid, from_states, state, **values):
    """Change a node's state, only if it is in one of ``from_states``.

    One conditional UPDATE: of concurrent calls that start from the same
    state, exactly one changes it.

    :returns: ``(changed, columns)``: whether the node was in one of
        ``from_states`` and changed, and its columns afterwards.
    :raises: NodeNotFound
    """
    values.update(state=state, updated_at=timeutils.utcnow())
    with writer_connection() as conn:
        changed = conn.execute(
            _NODES.update().where(_NODES.c.uuid == uuid,
                                  _NODES.c.state.in_(from_states))
            .values(**values)).rowcount == 1
        row = conn.execute(_SELECT_NODE, {'key': uuid}).mappings().first()
    if row is None:
        raise exception.NodeNotFound(node_uuid=uuid)
    return changed, dict(row)


@_db_call
def update_node(uuid, **values):
    """Change columns of a node.

    :raises: NodeNotFound
    """
    values['updated_at'] = timeutils.utcnow()
    with writer_connection() as conn:
        result = conn.execute(
            _NODES.update().where(_NODES.c.uuid == uuid).values(**values))
    if not result.rowcount:
        raise exception.NodeNotFound(node_uuid=uuid)
    return get_node(uuid)


@_db_call
def get_node(uuid):
    """A node as a mapping of its columns.

    :raises: NodeNotFound
    """
    with _reader() as conn:
        row = conn.execute(_SELECT_NODE, {'key': uuid}).mappings().first()
    if row is None:
        raise exception.NodeNotFound(node_uuid=uuid)
    return dict(row)


@_db_call
def list_nodes():
    """Every node of the cache, ordered by UUID; may be stale."""
    with stale_reader() as conn:
        rows = conn.execute(_NODES.select().order_by(_NODES.c.uuid))
        return [dict(row) for row in rows.mappings()]


@_db_call
def count_nodes():
    """How many nodes the cache holds; may be stale."""
    with stale_reader() as conn:
        return conn.execute(
            sa.select(sa.func.count()).select_from(_NODES)).scalar()


@_db_call
def _node_uuids_after(last, limit):
    with stale_reader() as conn:
        return conn.execute(
            sa.select(_NODES.c.uuid).where(_NODES.c.uuid > last)
            .order_by(_NODES.c.uuid).limit(limit)).scalars().all()


def iter_node_uuids(batch_size=1000):
    """Yield the UUID of every cached node, reading in batches.

    Memory stays flat however many nodes there are; each batch is one
    short read transaction, on the replica where one is configured.
    """
    last = ''
    while True:
        batch = _node_uuids_after(last, batch_size)
        yield from batch
        if len(batch) < batch_size:
            return
        last = batch[-1]


@_db_call
def delete_node(uuid):
    """Remove a node and, by the foreign key's cascade, its data.

    :raises: NodeNotFound
    """
    with writer_connection() as conn:
        result = conn.execute(_DELETE_NODE, {'key': uuid})
    if not result.rowcount:
        raise exception.NodeNotFound(node_uuid=uuid)


# Lookup data: ironic-inspector 12.x's attributes table

# The names of lookup values, as 12.x stores them.
BMC_ADDRESS = 'bmc_address'
MAC = 'mac'
LOOKUP_NAMES = (BMC_ADDRESS, MAC)


def _lookup_condition(lookup):
    """Rows holding any of the values of ``{name: [value, ...]}``."""
    return sa.or_(*[sa.and_(_ATTRIBUTES.c.name == name,
                            _ATTRIBUTES.c.value.in_(values))
                    for name, values in sorted(lookup.items()) if values])


def _check_lookup_free(conn, lookup):
    """:raises: LookupDataInUse when a node has one of these values."""
    taken = conn.execute(
        sa.select(_ATTRIBUTES.c.name, _ATTRIBUTES.c.value,
                  _ATTRIBUTES.c.node_uuid)
        .where(_lookup_condition(lookup))
        .order_by(_ATTRIBUTES.c.name, _ATTRIBUTES.c.value).limit(1)).first()
    if taken is not None:
        raise exception.LookupDataInUse(name=taken.name, value=taken.value,
                                        node_uuid=taken.node_uuid)


@_db_call
def find_nodes(lookup):
    """Nodes having any of the lookup values, best match first.

    One query, however many values are given.

    :param lookup: ``{name: [value, ...]}``.
    :returns: ``[(node_uuid, values matched), ...]``, most matches first.
    """
    if not any(lookup.values()):
        return []
    matches = sa.func.count().label('matches')
    query = (sa.select(_ATTRIBUTES.c.node_uuid, matches)
             .where(_lookup_condition(lookup),
                    _ATTRIBUTES.c.node_uuid.is_not(None))
             .group_by(_ATTRIBUTES.c.node_uuid)
             .order_by(matches.desc(), _ATTRIBUTES.c.node_uuid))
    with _reader() as conn:
        return [tuple(row) for row in conn.execute(query)]


@_db_call
def get_lookup_data(uuids=None):
    """The lookup data of nodes, by node; ``None``: of every node.

    :returns: ``{node_uuid: {name: [value, ...]}}``, values sorted; a
        node without lookup data is absent.
    """
    query = (sa.select(_ATTRIBUTES.c.node_uuid, _ATTRIBUTES.c.name,
                       _ATTRIBUTES.c.value)
             .where(_ATTRIBUTES.c.name.in_(LOOKUP_NAMES))
             .order_by(_ATTRIBUTES.c.node_uuid, _ATTRIBUTES.c.name,
                       _ATTRIBUTES.c.value))
    if uuids is not None:
        query = query.where(_ATTRIBUTES.c.node_uuid.in_(list(uuids)))
    found = {}
    with _reader() as conn:
        for row in conn.execute(query):
            found.setdefault(row.node_uuid, {}).setdefault(
                row.name, []).append(row.value)
    return found


# Introspection data


@functools.lru_cache(maxsize=None)
def _upsert(dialect_name):
    """One INSERT that replaces the row when it exists, or None.

    ``None`` means the dialect has no such statement.
    """
    if dialect_name == 'mysql':
        stmt = mysql.insert(_DATA)
        return stmt.on_duplicate_key_update(
            {name: stmt.inserted[name] for name in _REPLACED})
    dialects = {'postgresql': postgresql, 'sqlite': sqlite}
    if dialect_name in dialects:
        stmt = dialects[dialect_name].insert(_DATA)
        return stmt.on_conflict_do_update(
            index_elements=[_DATA.c.uuid, _DATA.c.processed],
            set_={name: stmt.excluded[name] for name in _REPLACED})
    return None


# What a hex literal statement carries besides the hex digits.
_HEX_STATEMENT_OVERHEAD = 4096


# engine -> whether introspection_data.data is in MySQL's 3-byte utf8,
# as ironic-inspector 12.x created it (read once per engine).
_three_byte_columns = weakref.WeakKeyDictionary()

# A character outside Unicode's basic plane, as UTF-8 (4 bytes).
_ASTRAL_CHARACTER = re.compile(rb'[\xf0-\xf4][\x80-\xbf]{3}')


def _json_escape(match):
    code = ord(match.group().decode()) - 0x10000
    return b'\\u%04x\\u%04x' % (0xD800 + (code >> 10),
                                0xDC00 + (code & 0x3FF))


def _fit_three_byte_column(conn, document):
    """``document`` with its 4-byte characters as JSON escapes, where the
    column cannot hold them.

    ironic-inspector 12.x created its MariaDB tables in ``utf8mb3``;
    converting an adopted table would copy it. Outside JSON strings a
    document is ASCII, so a 4-byte character is always in a string, where
    its ``\\uXXXX\\uXXXX`` surrogate pair escape reads back as the same
    character.
    """
    if conn.engine not in _three_byte_columns:
        _three_byte_columns[conn.engine] = conn.execute(sa.text(
            "SELECT CHARACTER_SET_NAME IN ('utf8', 'utf8mb3') "
            "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
            "AND TABLE_NAME = 'introspection_data' AND COLUMN_NAME = 'data'"
        )).scalar() == 1
    if not _three_byte_columns[conn.engine]:
        return document
    return _ASTRAL_CHARACTER.sub(_json_escape, document)


def _document_parameter(conn, document):
    """UTF-8 ``document`` in the form its driver sends fastest.

    PyMySQL escapes text character by character in Python (some 10 ms per
    MB) but sends bytes as a hex literal, at C speed and twice as long;
    MySQL stores the bytes of a hex literal in a text column as they are.
    Bytes are sent when that fits in max_allowed_packet, text otherwise
    and to every other driver.
    """
    if conn.dialect.name == 'mysql':
        document = _fit_three_byte_column(conn, document)
    if (conn.dialect.driver == 'pymysql' and 2 * len(document)
            + _HEX_STATEMENT_OVERHEAD <= _packet_limit(conn)):
        return document
    return document.decode()


@_db_call
def store_introspection_data(uuid, data, processed=True, version=None):
    """Create or replace a node's document, in one statement.

    :param data: the document as JSON text, ``str`` or UTF-8 ``bytes``.
    :param version: the IntrospectionData object version it is written in.
    :raises: NodeNotFound when the node is not in the node cache.
    """
    now = timeutils.utcnow()
    row = {'uuid': uuid, 'processed': processed, 'data': data,
           'version': version, 'created_at': now, 'updated_at': now}
    with writer_connection() as conn:
        if isinstance(data, bytes):
            row['data'] = _document_parameter(conn, data)
        upsert = _upsert(conn.dialect.name)
        if upsert is not None:
            conn.execute(upsert, row)
            return
        changes = {name: row[name] for name in _REPLACED}
        result = conn.execute(_UPDATE_DATA.values(**changes),
                              {'key': uuid, 'kind': processed})
        if not result.rowcount:
            conn.execute(_DATA.insert(), row)


@_db_call
def get_introspection_data(uuid, processed=True, may_be_stale=False):
    """A node's document as JSON text, with its timestamps.

    :param may_be_stale: read from the replica where one is configured,
        for callers that can do with a document missing its latest
        change (a migration's source reads); the default reads from the
        primary, which has every write that returned.
    :returns: a mapping with ``data``, ``created_at``, ``updated_at`` and
        ``version``.
    :raises: IntrospectionDataNotFound
    """
    with (stale_reader() if may_be_stale else _reader()) as conn:
        row = conn.execute(_SELECT_DATA, {'key': uuid, 'kind': processed}
                           ).mappings().first()
    if row is None:
        raise exception.IntrospectionDataNotFound(node_uuid=uuid,
                                                  processed=processed)
    return dict(row)


@_db_call
def delete_introspection_data(uuid, processed=None):
    """Delete a node's documents; ``processed=None`` deletes both.

    :returns: how many documents were deleted.
    """
    with writer_connection() as conn:
        if processed is None:
            result = conn.execute(_DELETE_ALL_DATA, {'key': uuid})
        else:
            result = conn.execute(_DELETE_DATA,
                                  {'key': uuid, 'kind': processed})
        return result.rowcount


@_db_call
def document_keys(node_uuids):
    """``(uuid, processed)`` of every document stored for these nodes.

    May be stale: callers use it to skip work they check again anyway.
    """
    with stale_reader() as conn:
        rows = conn.execute(_SELECT_DATA_KEYS, {'keys': list(node_uuids)})
        return {(row.uuid, row.processed) for row in rows}


def _key_after(keys, values):
    """Rows whose primary key ``keys`` sorts after ``values``.

    A range on the key's first column, which every database uses its
    index for (MariaDB would not for a row comparison).
    """
    first, value = keys[0], sa.literal(values[0], keys[0].type)
    if len(keys) == 1:
        return first > value
    return sa.and_(first >= value, sa.or_(
        first > value, _key_after(keys[1:], values[1:])))


def _key_at_most(keys, values):
    """Rows whose primary key ``keys`` sorts at or before ``values``."""
    first, value = keys[0], sa.literal(values[0], keys[0].type)
    if len(keys) == 1:
        return first <= value
    return sa.and_(first <= value, sa.or_(
        first < value, _key_at_most(keys[1:], values[1:])))


def next_batch(conn, statement, condition, limit, after=None,
               matching=True):
    """``statement`` (an UPDATE or DELETE of one table) restricted to the
    next batch of a walk along the table's primary key.

    The batch is the next ``limit`` rows matching ``condition`` (with
    ``matching=False``, the next ``limit`` rows) after the key ``after``
    (``None``: from the start): its last key is read first, in key order,
    then ``statement`` changes the rows matching ``condition`` between
    ``after`` and that key, one statement. Each batch reads only its own
    range, never the rows of the batches before. A row written into the
    range between the two changes too; one written behind the walk is
    left for the next walk.

    :param matching: True where ``limit`` is a budget of rows to change;
        False where most rows match anyway: the last key is then read
        from the key's index alone, without the rows (PostgreSQL reads
        the rows to check the condition, ``updated_at`` for one).
    :returns: ``(statement, last)``: ``last`` is the key the next batch
        continues after, ``None`` when this batch reaches the end.
    """
    keys = list(statement.table.primary_key.columns)
    walked = sa.true() if after is None else _key_after(keys, after)
    counted = sa.and_(walked, condition) if matching else walked
    last = conn.execute(sa.select(*keys).where(counted).order_by(*keys)
                        .offset(limit - 1).limit(1)).first()
    if last is None:
        return statement.where(walked, condition), None
    last = tuple(last)
    return statement.where(walked, condition, _key_at_most(keys, last)), last


@_db_call
def delete_introspection_data_before(before, limit, after=None):
    """Delete the documents last written before ``before`` among the next
    ``limit`` after the key ``after`` (see ``next_batch``).

    One DELETE in a transaction of its own.

    :returns: ``(deleted, last)``: how many documents were deleted, and
        the key to continue after (``None`` at the end).
    """
    with writer_connection() as conn:
        delete, last = next_batch(conn, _DATA.delete(),
                                  _DATA.c.updated_at < before, limit, after,
                                  matching=False)
        return conn.execute(delete).rowcount, last


@_db_call
def count_undated_introspection_data():
    """How many documents have no ``updated_at`` (12.x wrote none)."""
    with _reader() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(_DATA)
                            .where(_DATA.c.updated_at.is_(None))).scalar()


# In the order of storage.base.DocumentInfo, then the version.
_LISTED_COLUMNS = (_DATA.c.uuid, _DATA.c.processed, _DATA.c.created_at,
                   _DATA.c.updated_at, _DATA.c.version)


@_db_call
def _introspection_data_page(after, limit):
    # May be stale: read from the replica where one is configured.
    query = (sa.select(*_LISTED_COLUMNS)
             .order_by(_DATA.c.uuid, _DATA.c.processed).limit(limit))
    if after is not None:
        uuid, processed = after
        # NOTE: a range on the key's first column, which every database
        # uses its index for (MariaDB would not for a row comparison);
        # unprocessed (false) sorts first.
        if processed:
            query = query.where(_DATA.c.uuid > uuid)
        else:
            query = query.where(_DATA.c.uuid >= uuid, sa.or_(
                _DATA.c.uuid > uuid, _DATA.c.processed == sa.true()))
    with stale_reader() as conn:
        return conn.execute(query).all()


def iter_introspection_data(batch_size=1000):
    """Yield every stored document's key, timestamps and version (not the
    documents) as rows (tuples that also have the columns' names as
    attributes), ordered by node, reading in batches.

    Memory stays flat however many documents there are; each batch is one
    short read transaction, which starts after the last key of the one
    before, so documents deleted meanwhile skip nothing.
    """
    after = None
    while True:
        batch = _introspection_data_page(after, batch_size)
        yield from batch
        if len(batch) < batch_size:
            return
        after = batch[-1].uuid, batch[-1].processed


def list_introspection_data():
    """Every stored document's key and timestamps, as dicts in one list."""
    return [row._asdict() for row in iter_introspection_data()]
