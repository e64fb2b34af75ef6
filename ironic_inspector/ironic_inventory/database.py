"""ironic's ``node_inventory`` table, written in ironic's own database.

ironic with ``[inventory]data_backend = database`` keeps one row per
node: the two parts of its latest inspection as JSON text, the node's
integer id, the version of its ``NodeInventory`` object and the time it
was written (it serves the newest). Rows are written here as ironic
writes them: the node's old rows deleted and the new one inserted in one
transaction. ironic's schema is checked first: only the alembic revisions
of KNOWN_REVISIONS have the layout written here, and any other is refused
before anything is written.
"""

import datetime
import json

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from ironic_inspector.common import exception
from ironic_inspector.common import json_codec
from ironic_inspector.ironic_inventory import layout

# The version of ironic's NodeInventory object, written with each row:
# 1.1 in ironic 32.1.0 through 39.0.0 (whose objects read 1.0 and 1.1,
# and refuse a row without a version).
OBJECT_VERSION = '1.1'

# ironic's alembic revisions with node_inventory as written here, oldest
# first: from the one that created the table (ironic 21.2) to 39.0.0's
# head. The table's columns are the same at each (c1fd28861bb9 moves it
# to utf8mb4 on MySQL).
KNOWN_REVISIONS = frozenset([
    '0ac0f39bc5aa', '4dbec778866e', 'fe222f476baf', '163040c5513f',
    'd163df1bab88', 'aa2384fee727', '01f21d5e5195', '66bd9c5604d5',
    '6e9cf6acce0b', '21c48150dea9', '1c14278d6e33', 'e4827561979d',
    '3ef27505c9fb',  # ironic 32.1.0
    'd0821744f9e2', '763b2f62d215', '15e9d00367b0', '9f8c7d6e5b4a',
    '9c0446cb6bc3', 'c1fd28861bb9', '2a3b4c5d6e7f', 'e2d316b60d9e',
    '16990309ad9d', '772c0e7e8299',
    '9fb44677ef15',  # ironic 39.0.0
])

_metadata = sa.MetaData()
_nodes = sa.Table(
    'nodes', _metadata,
    sa.Column('id', sa.Integer, primary_key=True),
    sa.Column('uuid', sa.String(36)))
_node_inventory = sa.Table(
    'node_inventory', _metadata,
    sa.Column('id', sa.Integer, primary_key=True),
    sa.Column('version', sa.String(15)),
    sa.Column('inventory_data', sa.Text),
    sa.Column('plugin_data', sa.Text),
    sa.Column('node_id', sa.Integer),
    sa.Column('created_at', sa.DateTime),
    sa.Column('updated_at', sa.DateTime))
_alembic_version = sa.Table(
    'alembic_version', _metadata,
    sa.Column('version_num', sa.String(32)))
# When a row was written (ironic sets created_at, and never updates one).
_WRITTEN = sa.func.coalesce(_node_inventory.c.updated_at,
                            _node_inventory.c.created_at)


# How many times a write that lost a deadlock is tried again.
DEADLOCK_RETRIES = 5


def encode(value):
    """JSON text as ironic writes it: ASCII, every other character
    escaped, which a MySQL table still in utf8mb3 (ironic 32.x's and
    older) can hold."""
    return json.dumps(value, ensure_ascii=True).encode()


def _is_deadlock(exc):
    """Whether the server chose this transaction as a deadlock's victim
    (MySQL's error 1213, PostgreSQL's 40P01)."""
    orig = getattr(exc, 'orig', None)
    return (getattr(orig, 'pgcode', None) == '40P01'
            or (getattr(orig, 'args', None) or (None,))[0] == 1213)


def _reason(exc):
    """The driver's first line, without SQLAlchemy's link or the
    statement (which may hold a document)."""
    orig = getattr(exc, 'orig', None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]


class DatabaseInventory:
    """ironic's node_inventory table, at ``[ironic_inventory]connection``.

    Each call is one transaction of its own.
    """

    name = 'database'
    encode = staticmethod(encode)

    def __init__(self, conf):
        url = conf.ironic_inventory.connection
        if not url:
            raise exception.ConfigInvalid(
                error="[ironic_inventory]connection is not set: give it "
                      "ironic's [database]connection")
        try:
            self._engine = sa.create_engine(url, pool_pre_ping=True)
        except (sa_exc.ArgumentError, ValueError):
            # NOTE: SQLAlchemy's message quotes the URL, password and all.
            raise exception.ConfigInvalid(
                error='[ironic_inventory]connection is not a database URL')
        except ImportError as exc:
            raise exception.ConfigInvalid(
                error='[ironic_inventory]connection: its driver is not '
                      'installed: %s' % exc)

    def _run(self, operation, work):
        """``work(connection)`` in a transaction, tried again when it
        loses a deadlock (deleting and inserting a node's rows can, on
        MySQL, against another writer)."""
        for attempt in range(DEADLOCK_RETRIES + 1):
            try:
                with self._engine.begin() as connection:
                    return work(connection)
            except sa_exc.SQLAlchemyError as exc:
                if _is_deadlock(exc) and attempt < DEADLOCK_RETRIES:
                    continue
                raise exception.IronicInventoryError(
                    backend=self.name, operation=operation,
                    reason=_reason(exc))

    def check(self):
        """Refuse a schema this release does not know.

        :raises: IronicInventoryError naming the revision found.
        """
        def revisions(connection):
            if not sa.inspect(connection).has_table('alembic_version'):
                return set()
            return {row.version_num for row in connection.execute(
                sa.select(_alembic_version.c.version_num))}

        found = self._run('read its schema revision', revisions)
        if len(found) != 1 or not found <= KNOWN_REVISIONS:
            raise exception.IronicInventoryError(
                backend=self.name, operation='accept its schema',
                reason='the database is at revision %s, which this release '
                       'does not know (ironic 21.2 to 39.0.0 are known); '
                       'nothing was written' % (
                           ', '.join(sorted(found)) or 'none'))

    def known_nodes(self, node_uuids):
        """``{uuid: node id}`` of those nodes ironic has, in one query."""
        def select(connection):
            return dict(connection.execute(
                sa.select(_nodes.c.uuid, _nodes.c.id).where(
                    _nodes.c.uuid.in_(node_uuids))).all())
        return self._run('find nodes', select)

    def stored_times(self, node_ids):
        """``{node id: when its inventory was written}`` of those nodes
        that have one, in one query."""
        def select(connection):
            return self._times(connection, node_ids)
        return self._run('list inventories', select)

    @staticmethod
    def _times(connection, node_ids, lock=False):
        query = sa.select(_node_inventory.c.node_id, _WRITTEN).where(
            _node_inventory.c.node_id.in_(node_ids))
        if lock:
            query = query.with_for_update()
        times = {}
        for node_id, when in connection.execute(query):
            times[node_id] = max(times.get(node_id, when), when)
        return times

    def read_many(self, node_ids):
        """``{node id: (InspectionData, written_at)}`` of those nodes'
        newest rows, as ironic serves them, in one query."""
        def select(connection):
            return connection.execute(
                sa.select(_node_inventory.c.node_id,
                          _node_inventory.c.inventory_data,
                          _node_inventory.c.plugin_data, _WRITTEN)
                .where(_node_inventory.c.node_id.in_(node_ids))
                .order_by(_node_inventory.c.created_at)).all()
        found = {}
        # NOTE: ordered oldest first, so that the newest row stays.
        for node_id, inventory, plugin_data, when in self._run(
                'read inventories', select):
            found[node_id] = layout.InspectionData(*(
                None if text is None else json_codec.loads(text)
                for text in (inventory, plugin_data))), when
        return found

    def write_many(self, writes):
        """Replace the rows of several nodes in one transaction.

        :param writes: a layout.Write each, keyed by node id.
        :returns: ``(changed, failed)``: the node ids left alone because
            ironic wrote their inventory after ``seen``, and
            ``{node id: error}`` (empty: the transaction writes all or
            raises).
        :raises: IronicInventoryError
        """
        def write(connection):
            current = self._times(connection, [w.key for w in writes],
                                  lock=True)
            changed = {w.key for w in writes if current.get(w.key) != w.seen}
            chosen = [w for w in writes if w.key not in changed]
            if not chosen:
                return changed, {}
            connection.execute(_node_inventory.delete().where(
                _node_inventory.c.node_id.in_([w.key for w in chosen])))
            now = datetime.datetime.now(datetime.timezone.utc).replace(
                tzinfo=None)
            connection.execute(_node_inventory.insert(), [
                {'version': OBJECT_VERSION,
                 'inventory_data': w.inventory.decode(),
                 'plugin_data': w.plugin_data.decode(),
                 'node_id': w.key, 'created_at': w.written_at or now,
                 'updated_at': None}
                for w in chosen])
            return changed, {}
        return self._run('write inventories', write)

    def close(self):
        self._engine.dispose()
