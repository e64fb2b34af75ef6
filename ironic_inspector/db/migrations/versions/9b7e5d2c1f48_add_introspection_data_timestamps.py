"""Add created_at, updated_at and version to introspection_data.

Rows that exist before this revision have no timestamps and no version;
the online data migration ``introspection_data_versions`` fills them.

Revision ID: 9b7e5d2c1f48
Revises: 4f3c2b1a9e07
Create Date: 2026-11-25 00:00:01
"""

from alembic import op
import sqlalchemy as sa

revision = '9b7e5d2c1f48'
down_revision = '4f3c2b1a9e07'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('introspection_data') as batch:
        batch.add_column(sa.Column('created_at', sa.DateTime, nullable=True))
        batch.add_column(sa.Column('updated_at', sa.DateTime, nullable=True))
        batch.add_column(sa.Column('version', sa.String(15), nullable=True))
