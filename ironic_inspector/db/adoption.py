"""Adopting, in place, a database that ironic-inspector 12.x created.

ironic-inspector 12.5.0's ``ironic-inspector-dbsync upgrade`` leaves its
database at alembic revision ``b55109d5063a``: its own ``nodes`` and
``introspection_data`` tables, and tables this project does not use.
:func:`adopt` expands that schema into the one this project's first
revision describes and records that revision; the revisions after it then
run as on any database of ours, so both kinds of database share one
history from there on.

It only adds: columns, and ``ON DELETE CASCADE`` on the foreign keys to
``nodes`` (12.5.0 deletes a node's rows itself; this project lets the
cascade do it). Nothing is dropped, renamed or rewritten, so 12.5.0
services keep working on the adopted database while they are replaced
one by one. No table is copied on a server:

* MariaDB/MySQL: every statement says ``ALGORITHM=INSTANT``, so the server
  refuses, rather than copies a table, should it ever need to; foreign
  keys are replaced with ``foreign_key_checks`` off, which is what lets
  that happen in place (the keys replaced were enforced until then).
* PostgreSQL: the columns are catalogue changes; the new foreign keys are
  added ``NOT VALID`` and validated in a second transaction, whose lock
  lets reads and writes through.
* Both wait at most :data:`ddl.LOCK_TIMEOUT_SECONDS` for their brief
  table locks, so that a long transaction of another service makes the
  command fail (run it again) instead of stalling every query queued
  behind it.

SQLite cannot change a foreign key in place: there, the three tables
holding one are copied, in one transaction that keeps every other writer
waiting meanwhile (10 s for 5,000 nodes), longer than 12.5.0 waits for a
lock; stop 12.x services there before the upgrade.
"""

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
import sqlalchemy as sa

from ironic_inspector.common import exception
from ironic_inspector.db import ddl

# The newest revision of ironic-inspector 12.x (12.5.0's head).
RELEASE_12_HEAD = 'b55109d5063a'
# The revisions before it, oldest first. A database at one of them is
# brought to RELEASE_12_HEAD by 12.5.0's own dbsync before it can be
# adopted.
RELEASE_12_OLDER = ('578f84f38d', 'd588418040d', 'e169a4a81d88',
                    'd2e48801c8ef', 'd00d6e3f38c4', '882b2d84cb1b',
                    '18440d0834af', '2970d2d44edc', 'bf8dec16023c')
# Tables of 12.x this project neither reads nor writes; they stay.
# (12.x's ``attributes`` is this project's too: the nodes' lookup data.)
RELEASE_12_TABLES = ('options', 'rules', 'rule_conditions', 'rule_actions')

# The revision whose schema an adopted database then has.
ADOPTED_AS = '4f3c2b1a9e07'

# Columns of ``nodes`` in ADOPTED_AS that 12.x does not have (as that
# revision defines them: a migration's schema never changes afterwards).
_NODE_COLUMNS = (
    sa.Column('created_at', sa.DateTime, nullable=True),
    sa.Column('updated_at', sa.DateTime, nullable=True),
    sa.Column('version', sa.String(15), nullable=True),
)

# Tables whose rows belong to a node: their column referring to
# ``nodes.uuid``, and the name of the cascading foreign key it gets.
_NODE_CHILDREN = (
    ('introspection_data', 'uuid', 'introspection_data_uuid_fkey'),
    ('attributes', 'node_uuid', 'attributes_node_uuid_fkey'),
    ('options', 'uuid', 'options_uuid_fkey'),
)


def adopt(engine):
    """Expand a 12.5.0 database into this project's first revision.

    Safe to run again after an interruption: what is already done is
    skipped. The version table says RELEASE_12_HEAD until the last step.

    :raises: SchemaRevisionError when the tables are not 12.5.0's.
    """
    with engine.begin() as conn:
        inspector = sa.inspect(conn)
        _check_release_12_schema(inspector)
        dialect = _DIALECTS.get(conn.dialect.name, _Dialect)(conn)
        # NOTE: the catalogue is read before the first change: on
        # PostgreSQL every later statement runs while the tables changed
        # so far stay locked.
        present = {c['name'] for c in inspector.get_columns('nodes')}
        missing = [column.copy() for column in _NODE_COLUMNS
                   if column.name not in present]
        replaced = []
        for table, column, name in _NODE_CHILDREN:
            old = _foreign_key_without_cascade(inspector, table, column)
            if old is not None:
                replaced.append((table, column, old['name'], name))
        # NOTE: with foreign_key_checks off, MariaDB replaces a foreign key
        # in place; the keys replaced were enforced until then.
        with ddl.bounded_lock_waits(conn, foreign_key_checks=0):
            if missing:
                dialect.add_columns('nodes', missing)
            for table, column, old_name, name in replaced:
                dialect.cascade_foreign_key(table, column, old_name, name)
        conn.execute(sa.text('UPDATE alembic_version SET version_num = :new '
                             'WHERE version_num = :old'),
                     {'new': ADOPTED_AS, 'old': RELEASE_12_HEAD})
    dialect.finish(engine, [name for *_, name in replaced])


def release_12_tables(connection):
    """The tables of 12.x still in the database, in RELEASE_12_TABLES order.
    """
    present = set(sa.inspect(connection).get_table_names())
    return [table for table in RELEASE_12_TABLES if table in present]


def _check_release_12_schema(inspector):
    tables = set(inspector.get_table_names())
    if not {'nodes', 'introspection_data'} <= tables:
        raise exception.SchemaRevisionError(
            revision=RELEASE_12_HEAD,
            what="ironic-inspector 12.5.0's head",
            advice='its nodes or introspection_data table is missing, so '
                   'it cannot be adopted; check [database]connection.')


def _foreign_key_without_cascade(inspector, table, column):
    """The foreign key of ``table.column`` to ``nodes`` that does not
    cascade on delete, or None (no such table or key, or it cascades).
    """
    if table not in inspector.get_table_names():
        return None
    for foreign_key in inspector.get_foreign_keys(table):
        if (foreign_key['referred_table'] == 'nodes'
                and foreign_key['constrained_columns'] == [column]):
            ondelete = foreign_key['options'].get('ondelete') or ''
            return None if ondelete.upper() == 'CASCADE' else foreign_key
    return None


class _Dialect:
    """The statements of one database server; SQLite's by default."""

    def __init__(self, conn):
        self.conn = conn

    def add_columns(self, table, columns):
        # NOTE: SQLite adds a nullable column without copying the table.
        operations = Operations(MigrationContext.configure(self.conn))
        for column in columns:
            operations.add_column(table, column)

    def cascade_foreign_key(self, table, column, old_name, new_name):
        # NOTE: 12.x's foreign keys have no name on SQLite; the naming
        # convention gives the reflected one a name to drop it by.
        operations = Operations(MigrationContext.configure(self.conn))
        convention = {'fk': '%(table_name)s_%(column_0_name)s_fkey'}
        with operations.batch_alter_table(
                table, recreate='always',
                naming_convention=convention) as batch:
            batch.drop_constraint(old_name or '%s_%s_fkey' % (table, column),
                                  type_='foreignkey')
            batch.create_foreign_key(new_name, 'nodes', [column], ['uuid'],
                                     ondelete='CASCADE')

    def finish(self, engine, foreign_keys):
        """Work that needs a transaction of its own, after the first."""


class _Server(_Dialect):
    """A server's statements: ALTER TABLE in place, from templates."""

    ADD_COLUMNS = 'ALTER TABLE {table} {columns}'
    CASCADE = ('ALTER TABLE {table} DROP CONSTRAINT {old}, ADD CONSTRAINT '
               '{new} FOREIGN KEY ({column}) REFERENCES nodes (uuid) '
               'ON DELETE CASCADE')

    def add_columns(self, table, columns):
        dialect = self.conn.dialect
        self.conn.execute(sa.text(self.ADD_COLUMNS.format(
            table=table, columns=', '.join(
                'ADD COLUMN %s %s NULL' % (column.name,
                                           column.type.compile(dialect))
                for column in columns))))

    def cascade_foreign_key(self, table, column, old_name, new_name):
        self.conn.execute(sa.text(self.CASCADE.format(
            table=table, column=column, old=old_name, new=new_name)))


class _MySQL(_Server):

    ADD_COLUMNS = _Server.ADD_COLUMNS + ', ALGORITHM=INSTANT'
    CASCADE = (_Server.CASCADE.replace('DROP CONSTRAINT', 'DROP FOREIGN KEY')
               + ', ALGORITHM=INSTANT')


class _PostgreSQL(_Server):

    CASCADE = _Server.CASCADE + ' NOT VALID'

    def finish(self, engine, foreign_keys):
        # NOTE: VALIDATE CONSTRAINT scans the table under a SHARE UPDATE
        # EXCLUSIVE lock, which lets reads and writes go on meanwhile.
        tables = {name: table for table, _, name in _NODE_CHILDREN}
        with engine.begin() as conn:
            for name in foreign_keys:
                conn.execute(sa.text('ALTER TABLE %s VALIDATE CONSTRAINT %s'
                                     % (tables[name], name)))


_DIALECTS = {'mysql': _MySQL, 'postgresql': _PostgreSQL}
