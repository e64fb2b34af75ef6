"""A client service for the RPC tests: no storage, objects over RPC.

Run as ``python -m ironic_inspector.test.functional.rpc_client CONFIG
NODE [--only-1.0]``; prints one JSON report. ``--only-1.0`` plays a
service of the first release, which knows IntrospectionData 1.0 only.
"""

import json
import sys

from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector.conductor import rpcapi
from ironic_inspector import conf
from ironic_inspector.objects import base
from ironic_inspector.objects import fields


class IntrospectionDataOneZero(base.InspectorObject):
    """IntrospectionData as the first release defines it."""

    VERSION = '1.0'
    fields = {
        'node_uuid': fields.NodeUUIDField(nullable=False),
        'processed': fields.BooleanField(nullable=False, default=True),
        'data': fields.JsonObjectField(nullable=False),
    }

    @classmethod
    def obj_name(cls):
        return 'IntrospectionData'

    @classmethod
    @base.remotable
    def get_by_node(cls, context, node_uuid, processed=True):
        raise AssertionError('runs on the conductor only')

    @base.remotable
    def save(self):
        raise AssertionError('runs on the conductor only')

    @base.remotable
    def destroy(self):
        raise AssertionError('runs on the conductor only')


def main():
    config_file, node_uuid = sys.argv[1:3]
    conf.parse_args(['--config-file', config_file], default_config_files=[])
    if '--only-1.0' in sys.argv:
        base.InspectorObjectRegistry.register(IntrospectionDataOneZero)
        record_class = IntrospectionDataOneZero
    else:
        from ironic_inspector import objects
        objects.register_all()
        record_class = objects.IntrospectionData
    base.InspectorObject.indirection_api = rpcapi.ConductorAPI()
    ctx = context.RequestContext()

    record = record_class(ctx, node_uuid=node_uuid, processed=False,
                          data={'client': sys.argv[1:], 'logs': 'secret'})
    record.save()
    loaded = record_class.get_by_node(ctx, node_uuid, processed=False)
    report = {'class_version': record_class.VERSION,
              'loaded_version': loaded.VERSION,
              'data': loaded.data,
              'has_updated_at': ('updated_at' in loaded.fields
                                 and loaded.obj_attr_is_set('updated_at'))}
    loaded.destroy()
    try:
        record_class.get_by_node(ctx, node_uuid, processed=False)
    except exception.IntrospectionDataNotFound:
        report['after_destroy'] = 'not found'
    json.dump(report, sys.stdout)


if __name__ == '__main__':
    main()
