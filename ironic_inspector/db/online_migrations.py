"""Online data migrations, run by ``ironic-inspector-dbsync
online_data_migrations`` while the services are up.

Each migration takes the release the rows must be brought to (``None``
for the latest) and the largest number of rows to change, and returns
``(found, done)``: how many rows needed it and how many it changed.
"""

from oslo_utils import timeutils
from oslo_utils import versionutils
import sqlalchemy as sa

from ironic_inspector.common import release_mappings
from ironic_inspector.db import api as db_api
from ironic_inspector.db import models

_DATA = models.IntrospectionData.__table__


def _is_older(version, target):
    return (version is None
            or versionutils.convert_version_to_tuple(version)
            < versionutils.convert_version_to_tuple(target))


def introspection_data_versions(release, max_count):
    """Stamp introspection data rows with the current object version.

    Rows written before the version column existed, or in an older
    IntrospectionData version, get the target version; missing timestamps
    are set to the time of the migration.
    """
    target = release_mappings.get_object_version('IntrospectionData',
                                                 release)
    with db_api.writer_connection() as conn:
        counts = conn.execute(sa.select(_DATA.c.version, sa.func.count())
                              .group_by(_DATA.c.version)).all()
        older = [version for version, _ in counts
                 if _is_older(version, target)]
        found = sum(count for version, count in counts if version in older)
        if not found:
            return 0, 0
        condition = sa.or_(_DATA.c.version.is_(None),
                           _DATA.c.version.in_([v for v in older if v]))
        keys = conn.execute(sa.select(_DATA.c.uuid, _DATA.c.processed)
                            .where(condition)
                            .limit(max_count)).all()
        now = timeutils.utcnow()
        for uuid, processed in keys:
            conn.execute(
                _DATA.update()
                .where(_DATA.c.uuid == uuid, _DATA.c.processed == processed)
                .values(version=target,
                        created_at=sa.func.coalesce(_DATA.c.created_at, now),
                        updated_at=sa.func.coalesce(_DATA.c.updated_at,
                                                    now)))
    return found, len(keys)


# Run in this order; append new migrations at the end.
ONLINE_MIGRATIONS = (
    introspection_data_versions,
)
