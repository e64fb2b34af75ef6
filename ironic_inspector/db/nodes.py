"""The node cache: the ``nodes`` table and the nodes' lookup data.

Lookup data are the values a ramdisk's node is found by (BMC addresses
and MACs), kept as ironic-inspector 12.x keeps them: in its
``attributes`` table, one row per value.

An introspection's life is a few conditional statements here: it
starts (:func:`start_introspection`, which replaces what an earlier one
left), is aborted (:func:`abort_introspection`) or times out
(:func:`time_out_nodes`, one UPDATE per batch, safe when several
services run it at once); nodes ironic no longer has go with
:func:`delete_nodes`.

Reads that may be stale (from ``[database]slave_connection`` where one is
configured): :func:`list_nodes`, :func:`count_nodes` and
:func:`iter_node_uuids`. Every other read goes to the primary.
"""

from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from ironic_inspector.common import exception
from ironic_inspector.common import states
from ironic_inspector.db import engine as db_engine
from ironic_inspector.db import models

_NODES = models.Node.__table__
_ATTRIBUTES = models.Attribute.__table__

# NOTE: built once, with bound parameters, as documents.py builds its
# statements: building an expression costs more than running it.
_NODE_COLUMNS = [column.name for column in _NODES.columns]
_INSERT_NODE = _NODES.insert()
_SELECT_NODE = _NODES.select().where(_NODES.c.uuid == sa.bindparam('key'))
_DELETE_NODE = _NODES.delete().where(_NODES.c.uuid == sa.bindparam('key'))


@db_engine.db_call
def create_node(uuid, state, version=None, lookup=None, **values):
    """Add a node to the node cache, with its lookup data.

    :param lookup: ``{name: [value, ...]}`` of the node's lookup data
        (names in LOOKUP_NAMES), which no other node may have.
    :raises: NodeAlreadyExists, LookupDataInUse
    """
    with db_engine.writer_connection() as conn:
        return _insert_node(conn, uuid, state, version, lookup, values)


def _insert_node(conn, uuid, state, version, lookup, values):
    """Insert a node and its lookup data; returns its columns."""
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
    if attributes:
        _check_lookup_free(conn, lookup)
    conn.execute(_INSERT_NODE, row)
    if attributes:
        conn.execute(_ATTRIBUTES.insert(), attributes)
    return row


@db_engine.db_call
def start_introspection(uuid, lookup, version=None, manage_boot=True):
    """Make a node wait for its ramdisk, for a new introspection.

    What an earlier introspection of the node left is replaced in the
    same transaction: its row, its lookup data and, by the foreign keys'
    cascade, its documents in the database.

    :param lookup: as for :func:`create_node`.
    :returns: the node's columns.
    :raises: NodeLocked while the node is processed; LookupDataInUse
    """
    with db_engine.writer_connection() as conn:
        replaced = conn.execute(_NODES.delete().where(
            _NODES.c.uuid == uuid, _NODES.c.state.not_in(states.LOCKED)))
        if not replaced.rowcount:
            row = conn.execute(_SELECT_NODE, {'key': uuid}).first()
            if row is not None:
                raise exception.NodeLocked(node_uuid=uuid, state=row.state)
        return _insert_node(conn, uuid, states.WAITING, version, lookup,
                            {'started_at': timeutils.utcnow(),
                             'manage_boot': manage_boot})


@db_engine.db_call
def abort_introspection(uuid, error):
    """End a node's introspection in error while it waits for its
    ramdisk; its lookup data go in the same transaction.

    :returns: ``(aborted, columns)``: whether the node was waiting, and
        its columns afterwards.
    :raises: NodeNotFound
    """
    now = timeutils.utcnow()
    with db_engine.writer_connection() as conn:
        aborted = conn.execute(
            _NODES.update().where(_NODES.c.uuid == uuid,
                                  _NODES.c.state.in_(states.WAITING_STATES))
            .values(state=states.ERROR, error=error, finished_at=now,
                    updated_at=now)).rowcount == 1
        if aborted:
            conn.execute(_ATTRIBUTES.delete().where(
                _ATTRIBUTES.c.node_uuid == uuid))
        row = conn.execute(_SELECT_NODE, {'key': uuid}).mappings().first()
    if row is None:
        raise exception.NodeNotFound(node_uuid=uuid)
    return aborted, dict(row)


# The introspections a timeout ends: waiting for the ramdisk, or being
# processed (a process that died while processing leaves its node so).
_TIMED = states.WAITING_STATES + states.LOCKED


@db_engine.db_call
def time_out_nodes(started_before, error, limit):
    """End in ``error`` up to ``limit`` introspections that started
    before ``started_before`` and are still waiting or processed.

    One transaction: the batch's rows are locked (others running this at
    the same time skip them), changed by one UPDATE, and their lookup
    data deleted; a node is never timed out twice.

    :returns: the UUIDs of the nodes timed out; fewer than ``limit``
        when no more are due.
    """
    due = sa.and_(_NODES.c.state.in_(_TIMED),
                  _NODES.c.started_at < started_before)
    now = timeutils.utcnow()
    with db_engine.writer_connection() as conn:
        uuids = conn.execute(
            sa.select(_NODES.c.uuid).where(due).order_by(_NODES.c.started_at)
            .limit(limit).with_for_update(skip_locked=True)).scalars().all()
        if uuids:
            conn.execute(_NODES.update().where(due, _NODES.c.uuid.in_(uuids))
                         .values(state=states.ERROR, error=error,
                                 finished_at=now, updated_at=now))
            conn.execute(_ATTRIBUTES.delete().where(
                _ATTRIBUTES.c.node_uuid.in_(uuids)))
    return uuids


@db_engine.db_call
def delete_nodes(uuids, created_before):
    """Remove these nodes (and, by the cascade, their data), one DELETE;
    those added at or after ``created_before`` stay.

    :returns: how many were removed.
    """
    with db_engine.writer_connection() as conn:
        return conn.execute(_NODES.delete().where(
            _NODES.c.uuid.in_(list(uuids)),
            sa.or_(_NODES.c.created_at < created_before,
                   _NODES.c.created_at.is_(None)))).rowcount


@db_engine.db_call
def list_introspections(marker=None, limit=None, states=None):
    """Nodes with an introspection, newest first, as 12.x lists them.

    :param marker: the UUID of the last node of the page before.
    :param states: only nodes in one of these states.
    :returns: a list of mappings of the nodes' columns.
    :raises: NodeNotFound when ``marker`` names no node
    """
    started, uuid = _NODES.c.started_at, _NODES.c.uuid
    # NOTE: nodes never started (added by hand before 12.x set the time)
    # come last on every database.
    query = _NODES.select().order_by(started.is_(None), started.desc(),
                                     uuid.desc()).limit(limit)
    if states is not None:
        query = query.where(_NODES.c.state.in_(states))
    with db_engine.reader() as conn:
        if marker is not None:
            last = conn.execute(_SELECT_NODE, {'key': marker}).first()
            if last is None:
                raise exception.NodeNotFound(node_uuid=marker)
            if last.started_at is None:
                query = query.where(started.is_(None), uuid < marker)
            else:
                query = query.where(sa.or_(
                    started < last.started_at, started.is_(None),
                    sa.and_(started == last.started_at, uuid < marker)))
        return [dict(row) for row in conn.execute(query).mappings()]


@db_engine.db_call
def transition_node(uuid, from_states, state, **values):
    """Change a node's state, only if it is in one of ``from_states``.

    One conditional UPDATE: of concurrent calls that start from the same
    state, exactly one changes it.

    :returns: ``(changed, columns)``: whether the node was in one of
        ``from_states`` and changed, and its columns afterwards.
    :raises: NodeNotFound
    """
    values.update(state=state, updated_at=timeutils.utcnow())
    with db_engine.writer_connection() as conn:
        changed = conn.execute(
            _NODES.update().where(_NODES.c.uuid == uuid,
                                  _NODES.c.state.in_(from_states))
            .values(**values)).rowcount == 1
        row = conn.execute(_SELECT_NODE, {'key': uuid}).mappings().first()
    if row is None:
        raise exception.NodeNotFound(node_uuid=uuid)
    return changed, dict(row)


@db_engine.db_call
def update_node(uuid, **values):
    """Change columns of a node.

    :raises: NodeNotFound
    """
    values['updated_at'] = timeutils.utcnow()
    with db_engine.writer_connection() as conn:
        result = conn.execute(
            _NODES.update().where(_NODES.c.uuid == uuid).values(**values))
    if not result.rowcount:
        raise exception.NodeNotFound(node_uuid=uuid)
    return get_node(uuid)


@db_engine.db_call
def get_node(uuid):
    """A node as a mapping of its columns.

    :raises: NodeNotFound
    """
    with db_engine.reader() as conn:
        row = conn.execute(_SELECT_NODE, {'key': uuid}).mappings().first()
    if row is None:
        raise exception.NodeNotFound(node_uuid=uuid)
    return dict(row)


@db_engine.db_call
def list_nodes():
    """Every node of the cache, ordered by UUID; may be stale."""
    with db_engine.stale_reader() as conn:
        rows = conn.execute(_NODES.select().order_by(_NODES.c.uuid))
        return [dict(row) for row in rows.mappings()]


@db_engine.db_call
def count_nodes():
    """How many nodes the cache holds; may be stale."""
    with db_engine.stale_reader() as conn:
        return conn.execute(
            sa.select(sa.func.count()).select_from(_NODES)).scalar()


@db_engine.db_call
def _node_uuids_after(last, limit):
    with db_engine.stale_reader() as conn:
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


@db_engine.db_call
def delete_node(uuid):
    """Remove a node and, by the foreign key's cascade, its data.

    :raises: NodeNotFound
    """
    with db_engine.writer_connection() as conn:
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


@db_engine.db_call
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
    with db_engine.reader() as conn:
        return [tuple(row) for row in conn.execute(query)]


@db_engine.db_call
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
    with db_engine.reader() as conn:
        for row in conn.execute(query):
            found.setdefault(row.node_uuid, {}).setdefault(
                row.name, []).append(row.value)
    return found
