"""Index attributes by value and by node, for the node lookup.

The lookup of a ramdisk's node searches attributes by value (its BMC
address and MACs), then reads the node's rows; without indexes each reads
the whole table, which grows with the fleet (88 ms on MariaDB for 5,000
nodes); so does the cascade when a node is deleted. (12.5.0 has an index
on the node only on MariaDB, made for its foreign key; this one replaces
it there.) A database adopted from 12.5.0 gets the indexes too; 12.5.0
keeps working with them.
MariaDB builds it in place while the table is read and written; PostgreSQL
and SQLite hold off writes to attributes meanwhile (some 50 ms per 5,000
nodes).

Revision ID: 8c4f2e6a1d93
Revises: 5d1e7a3c9b24
Create Date: 2026-11-26 07:00:00
"""

from alembic import op

revision = '8c4f2e6a1d93'
down_revision = '5d1e7a3c9b24'
branch_labels = None
depends_on = None

INDEXES = (('attributes_value_idx', 'value'),
           ('attributes_node_uuid_idx', 'node_uuid'))


def upgrade():
    mysql = op.get_bind().dialect.name == 'mysql'
    for name, column in INDEXES:
        if mysql:
            op.execute('CREATE INDEX %s ON attributes (%s) '
                       'ALGORITHM=INPLACE LOCK=NONE' % (name, column))
        else:
            op.create_index(name, 'attributes', [column])
