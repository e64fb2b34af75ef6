"""Online data migrations, run by ``ironic-inspector-dbsync
online_data_migrations`` while the services are up.

Each migration takes the release the rows must be brought to (``None``
for the latest), the largest number of rows to change, whether to count
and the key the batch continues after (``None``: from the start), and
returns ``(found, done, last)``: how many rows needed it (None when not
counted), how many it changed and the key the next batch continues after
(``None`` when the walk is over). A call is one short transaction that
changes its rows with one statement (see ``batching.next_batch``).
"""

from oslo_utils import timeutils
from oslo_utils import versionutils
import sqlalchemy as sa

from ironic_inspector.common import release_mappings
from ironic_inspector.db import batching
from ironic_inspector.db import engine as db_engine
from ironic_inspector.db import models


def _older_versions(object_name, target):
    """Every version of ``object_name`` a release wrote before ``target``.

    Only releases of the mapping write versions, so these are all the
    versions a row can be in, besides the target and none at all.
    """
    target = versionutils.convert_version_to_tuple(target)
    return sorted({
        release['objects'][object_name]
        for release in release_mappings.RELEASE_MAPPING.values()
        if object_name in release['objects']
        and versionutils.convert_version_to_tuple(
            release['objects'][object_name]) < target})


def _stamp_versions(table, object_name, release, max_count, count=True,
                    after=None):
    """Stamp rows of ``table`` with the version of ``object_name``.

    Rows written before the version column existed (by ironic-inspector
    12.x, for one), or in an older version, get the target version;
    missing timestamps are set to the time of the migration.

    :param count: whether to count the rows that need it (one scan of
        the table); a caller running batches counts once.
    :param after: the key this batch continues after.
    :returns: ``(found, done, last)``; ``found`` is None when not counted.
    """
    target = release_mappings.get_object_version(object_name, release)
    version = table.c.version
    condition = sa.or_(version.is_(None),
                       version.in_(_older_versions(object_name, target)))
    found = None
    with db_engine.writer_connection() as conn:
        if count:
            found = conn.execute(sa.select(sa.func.count())
                                 .select_from(table)
                                 .where(condition)).scalar()
            if not found:
                return found, 0, None
        if not max_count:
            return found, 0, None
        now = timeutils.utcnow()
        update, last = batching.next_batch(conn, table.update(), condition,
                                           max_count, after)
        update = update.values(
            version=target,
            created_at=sa.func.coalesce(table.c.created_at, now),
            updated_at=sa.func.coalesce(table.c.updated_at, now))
        return found, conn.execute(update).rowcount, last


def node_versions(release, max_count, count=True, after=None):
    """Stamp nodes of the node cache with the Node version."""
    return _stamp_versions(models.Node.__table__, 'Node', release, max_count,
                           count, after)


def introspection_data_versions(release, max_count, count=True, after=None):
    """Stamp introspection data rows with the IntrospectionData version."""
    return _stamp_versions(models.IntrospectionData.__table__,
                           'IntrospectionData', release, max_count, count,
                           after)


# Run in this order; append new migrations at the end.
ONLINE_MIGRATIONS = (
    node_versions,
    introspection_data_versions,
)
