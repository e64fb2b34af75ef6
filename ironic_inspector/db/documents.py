"""Introspection data in the database: the ``introspection_data`` rows.

A node has at most two documents, its unprocessed and its processed one,
each a row keyed by ``(uuid, processed)`` holding the JSON text, its
timestamps and the object version it was written in. A save is one
upsert; a purge deletes in batches along the key (see
:func:`ironic_inspector.db.batching.next_batch`).

Reads that may be stale (from ``[database]slave_connection`` where one is
configured): :func:`document_keys`, :func:`get_many_introspection_data`,
:func:`iter_introspection_data` and :func:`list_introspection_data`, and
:func:`get_introspection_data` when its caller says so. Every other read
goes to the primary.
"""

import functools
import re
import weakref

from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from ironic_inspector.common import exception
from ironic_inspector.db import batching
from ironic_inspector.db import engine as db_engine
from ironic_inspector.db import models

_DATA = models.IntrospectionData.__table__

# NOTE: the statements of the frequent calls are built once, with bound
# parameters: building an expression costs more than running it on a
# local server.
_THIS_DOCUMENT = sa.and_(_DATA.c.uuid == sa.bindparam('key'),
                         _DATA.c.processed == sa.bindparam('kind'))
_SELECT_DATA = sa.select(_DATA.c.data, _DATA.c.created_at,
                         _DATA.c.updated_at,
                         _DATA.c.version).where(_THIS_DOCUMENT)
_UPDATE_DATA = _DATA.update().where(_THIS_DOCUMENT)
_DELETE_DATA = _DATA.delete().where(_THIS_DOCUMENT)
_DELETE_ALL_DATA = _DATA.delete().where(_DATA.c.uuid == sa.bindparam('key'))
_SELECT_MANY_DATA = sa.select(
    _DATA.c.uuid, _DATA.c.data, _DATA.c.created_at, _DATA.c.updated_at
).where(_DATA.c.uuid.in_(sa.bindparam('keys', expanding=True)),
        _DATA.c.processed == sa.bindparam('kind'))
_SELECT_DATA_KEYS = sa.select(_DATA.c.uuid, _DATA.c.processed).where(
    _DATA.c.uuid.in_(sa.bindparam('keys', expanding=True)))
# Columns an upsert replaces; created_at stays as first written.
_REPLACED = ('data', 'updated_at', 'version')


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
            + _HEX_STATEMENT_OVERHEAD <= db_engine.packet_limit(conn)):
        return document
    return document.decode()


@db_engine.db_call
def store_introspection_data(uuid, data, processed=True, version=None):
    """Create or replace a node's document, in one statement.

    :param data: the document as JSON text, ``str`` or UTF-8 ``bytes``.
    :param version: the IntrospectionData object version it is written in.
    :raises: NodeNotFound when the node is not in the node cache.
    """
    now = timeutils.utcnow()
    row = {'uuid': uuid, 'processed': processed, 'data': data,
           'version': version, 'created_at': now, 'updated_at': now}
    with db_engine.writer_connection() as conn:
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


@db_engine.db_call
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
    with (db_engine.stale_reader() if may_be_stale
          else db_engine.reader()) as conn:
        row = conn.execute(_SELECT_DATA, {'key': uuid, 'kind': processed}
                           ).mappings().first()
    if row is None:
        raise exception.IntrospectionDataNotFound(node_uuid=uuid,
                                                  processed=processed)
    return dict(row)


@db_engine.db_call
def delete_introspection_data(uuid, processed=None):
    """Delete a node's documents; ``processed=None`` deletes both.

    :returns: how many documents were deleted.
    """
    with db_engine.writer_connection() as conn:
        if processed is None:
            result = conn.execute(_DELETE_ALL_DATA, {'key': uuid})
        else:
            result = conn.execute(_DELETE_DATA,
                                  {'key': uuid, 'kind': processed})
        return result.rowcount


@db_engine.db_call
def get_many_introspection_data(node_uuids, processed=True):
    """The documents of one kind of these nodes, in one query.

    May be stale: for copies in bulk, whose writers have stopped.

    :returns: ``{uuid: row}``, each row with ``data`` (the JSON text),
        ``created_at`` and ``updated_at``; nodes without such a document
        are left out.
    """
    with db_engine.stale_reader() as conn:
        rows = conn.execute(_SELECT_MANY_DATA, {'keys': list(node_uuids),
                                                'kind': processed})
        return {row.uuid: row for row in rows}


@db_engine.db_call
def document_keys(node_uuids):
    """``(uuid, processed)`` of every document stored for these nodes.

    May be stale: callers use it to skip work they check again anyway.
    """
    with db_engine.stale_reader() as conn:
        rows = conn.execute(_SELECT_DATA_KEYS, {'keys': list(node_uuids)})
        return {(row.uuid, row.processed) for row in rows}


@db_engine.db_call
def delete_introspection_data_before(before, limit, after=None):
    """Delete the documents last written before ``before`` among the next
    ``limit`` after the key ``after`` (see ``batching.next_batch``).

    One DELETE in a transaction of its own.

    :returns: ``(deleted, last)``: how many documents were deleted, and
        the key to continue after (``None`` at the end).
    """
    with db_engine.writer_connection() as conn:
        delete, last = batching.next_batch(conn, _DATA.delete(),
                                           _DATA.c.updated_at < before,
                                           limit, after, matching=False)
        return conn.execute(delete).rowcount, last


@db_engine.db_call
def count_undated_introspection_data():
    """How many documents have no ``updated_at`` (12.x wrote none)."""
    with db_engine.reader() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(_DATA)
                            .where(_DATA.c.updated_at.is_(None))).scalar()


# In the order of storage.base.DocumentInfo, then the version.
_LISTED_COLUMNS = (_DATA.c.uuid, _DATA.c.processed, _DATA.c.created_at,
                   _DATA.c.updated_at, _DATA.c.version)


@db_engine.db_call
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
    with db_engine.stale_reader() as conn:
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
