"""Online data migrations, run by ``ironic-inspector-dbsync
online_data_migrations`` while the services are up.

Each migration takes the release the rows must be brought to (``None``
for the latest) and the largest number of rows to change, and returns
``(found, done)``: how many rows needed it and how many it changed. A call
is one short transaction that changes its rows with one statement.
"""

from oslo_utils import timeutils
from oslo_utils import versionutils
import sqlalchemy as sa

from ironic_inspector.common import release_mappings
from ironic_inspector.db import api as db_api
from ironic_inspector.db import models


def _is_older(version, target):
    return (version is None
            or versionutils.convert_version_to_tuple(version)
            < versionutils.convert_version_to_tuple(target))


def _stamp_versions(table, object_name, release, max_count):
    """Stamp rows of ``table`` with the version of ``object_name``.

    Rows written before the version column existed (by ironic-inspector
    12.x, for one), or in an older version, get the target version;
    missing timestamps are set to the time of the migration.
    """
    target = release_mappings.get_object_version(object_name, release)
    version = table.c.version
    with db_api.writer_connection() as conn:
        counts = conn.execute(sa.select(version, sa.func.count())
                              .group_by(version)).all()
        older = [value for value, _ in counts if _is_older(value, target)]
        found = sum(count for value, count in counts if value in older)
        if not found or not max_count:
            return found, 0
        condition = sa.or_(version.is_(None),
                           version.in_([value for value in older if value]))
        now = timeutils.utcnow()
        update = db_api.limited(table.update(), condition, max_count,
                                conn.dialect.name).values(
            version=target,
            created_at=sa.func.coalesce(table.c.created_at, now),
            updated_at=sa.func.coalesce(table.c.updated_at, now))
        return found, conn.execute(update).rowcount


def node_versions(release, max_count):
    """Stamp nodes of the node cache with the Node version."""
    return _stamp_versions(models.Node.__table__, 'Node', release, max_count)


def introspection_data_versions(release, max_count):
    """Stamp introspection data rows with the IntrospectionData version."""
    return _stamp_versions(models.IntrospectionData.__table__,
                           'IntrospectionData', release, max_count)


# Run in this order; append new migrations at the end.
ONLINE_MIGRATIONS = (
    node_versions,
    introspection_data_versions,
)
