"""SQLAlchemy models of the inspector database."""

from oslo_db.sqlalchemy import models
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy import orm

# InnoDB for transactions and foreign keys; utf8mb4 so that any string a
# ramdisk reports fits.
TABLE_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}

# Documents of 16 MiB must fit: TEXT holds only 64 KiB on MySQL.
JSON_TEXT = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql')


class Base(models.ModelBase, orm.DeclarativeBase):
    pass


class Node(Base):
    """A node of the node cache (only what this layer needs)."""

    __tablename__ = 'nodes'
    __table_args__ = TABLE_ARGS

    uuid = sa.Column(sa.String(36), primary_key=True)
    state = sa.Column(sa.String(16), nullable=False)
    started_at = sa.Column(sa.DateTime, nullable=True)
    finished_at = sa.Column(sa.DateTime, nullable=True)
    error = sa.Column(sa.Text, nullable=True)
    created_at = sa.Column(sa.DateTime, nullable=True)
    updated_at = sa.Column(sa.DateTime, nullable=True)
    version = sa.Column(sa.String(15), nullable=True)
    manage_boot = sa.Column(sa.Boolean, nullable=True)


class IntrospectionData(Base):
    """One introspection document of a node, processed or not."""

    __tablename__ = 'introspection_data'
    __table_args__ = TABLE_ARGS

    uuid = sa.Column(sa.String(36),
                     sa.ForeignKey('nodes.uuid', ondelete='CASCADE',
                                   name='introspection_data_uuid_fkey'),
                     primary_key=True)
    processed = sa.Column(sa.Boolean, primary_key=True, default=False)
    data = sa.Column(JSON_TEXT, nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=True)
    updated_at = sa.Column(sa.DateTime, nullable=True)
    version = sa.Column(sa.String(15), nullable=True)


class Attribute(Base):
    """One lookup value of a node: its BMC address or a MAC address.

    The table of ironic-inspector 12.x, as its release 12.5.0 left it:
    ``name`` is ``bmc_address`` or ``mac``, a node has a row per value.
    The foreign key cascades, as adoption makes it, and values and nodes
    are indexed for the lookup.
    """

    __tablename__ = 'attributes'
    __table_args__ = (sa.Index('attributes_value_idx', 'value'),
                      sa.Index('attributes_node_uuid_idx', 'node_uuid'),
                      TABLE_ARGS)

    uuid = sa.Column(sa.String(36), primary_key=True)
    node_uuid = sa.Column(sa.String(36),
                          sa.ForeignKey('nodes.uuid', ondelete='CASCADE',
                                        name='attributes_node_uuid_fkey'),
                          nullable=True)
    name = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255), nullable=True)
