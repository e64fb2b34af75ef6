"""Add nodes.manage_boot: whether the inspector boots the node itself.

ironic-inspector 12.x's column (a nullable boolean), set when ironic
starts an introspection: with it, the inspector set the node's boot
device and rebooted it, and powers it off at the end. A database adopted
from 12.5.0 has it already and keeps it. Nullable without a default:
metadata only on MariaDB and PostgreSQL.

Revision ID: e4b9c1d7a2f6
Revises: 8c4f2e6a1d93
Create Date: 2026-12-07 01:40:00
"""

from alembic import op
import sqlalchemy as sa

revision = 'e4b9c1d7a2f6'
down_revision = '8c4f2e6a1d93'
branch_labels = None
depends_on = None


def upgrade():
    columns = sa.inspect(op.get_bind()).get_columns('nodes')
    if any(column['name'] == 'manage_boot' for column in columns):
        return
    with op.batch_alter_table('nodes') as batch:
        batch.add_column(sa.Column('manage_boot', sa.Boolean, nullable=True))
