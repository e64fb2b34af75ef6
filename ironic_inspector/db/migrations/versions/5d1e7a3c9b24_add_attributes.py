"""Add attributes: the lookup data of the node cache.

A node's BMC address and MAC addresses, one row each, so that the
ramdisk's data finds its node. The table is ironic-inspector 12.x's, as
its release 12.5.0 creates it (the same columns and constraint names on
every database), except that its foreign key cascades as on an adopted
database. A database adopted from 12.5.0 has it already, with its rows,
and keeps it as it is.

Revision ID: 5d1e7a3c9b24
Revises: c2e8a5d7f3b1
Create Date: 2026-11-26 07:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '5d1e7a3c9b24'
down_revision = 'c2e8a5d7f3b1'
branch_labels = None
depends_on = None

TABLE_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}

# 12.5.0's name of the primary key where the database does not name it.
_PRIMARY_KEY = {'sqlite': 'pk_attributes'}


def upgrade():
    bind = op.get_bind()
    if sa.inspect(bind).has_table('attributes'):
        return
    dialect = bind.dialect.name
    op.create_table(
        'attributes',
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('value', sa.String(255), nullable=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('node_uuid', sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint('uuid', name=_PRIMARY_KEY.get(dialect)),
        sa.ForeignKeyConstraint(['node_uuid'], ['nodes.uuid'],
                                name='attributes_node_uuid_fkey',
                                ondelete='CASCADE'),
        **TABLE_ARGS)
