"""Initial schema: the node cache and introspection data.

``introspection_data`` has the columns of the introspection data spec;
the service's own columns come in the next revision.

Revision ID: 4f3c2b1a9e07
Revises:
Create Date: 2026-11-25 00:00:00
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '4f3c2b1a9e07'
down_revision = None
branch_labels = None
depends_on = None

TABLE_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def upgrade():
    op.create_table(
        'nodes',
        sa.Column('uuid', sa.String(36), primary_key=True),
        sa.Column('state', sa.String(16), nullable=False),
        sa.Column('started_at', sa.DateTime, nullable=True),
        sa.Column('finished_at', sa.DateTime, nullable=True),
        sa.Column('error', sa.Text, nullable=True),
        sa.Column('created_at', sa.DateTime, nullable=True),
        sa.Column('updated_at', sa.DateTime, nullable=True),
        sa.Column('version', sa.String(15), nullable=True),
        **TABLE_ARGS)
    op.create_table(
        'introspection_data',
        sa.Column('uuid', sa.String(36),
                  sa.ForeignKey('nodes.uuid', ondelete='CASCADE',
                                name='introspection_data_uuid_fkey'),
                  primary_key=True),
        sa.Column('processed', sa.Boolean, primary_key=True),
        sa.Column('data',
                  sa.Text().with_variant(mysql.LONGTEXT(), 'mysql'),
                  nullable=False),
        **TABLE_ARGS)
