"""ironic-inspector-quickstart: the whole path once, on the default SQLite.

Creates or upgrades the schema, adds a node to the node cache, saves an
introspection document through IntrospectionData as unprocessed and as
processed, reads both back and shows them. With no FILE, a small built-in
document stands in for what a ramdisk reports.
"""

import sys

from oslo_config import cfg
from oslo_utils import uuidutils

from ironic_inspector.cmd import cli
from ironic_inspector.cmd import data as data_cmd
from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector import conf
from ironic_inspector.db import migration
from ironic_inspector import objects

CONF = conf.CONF
PROG = 'ironic-inspector-quickstart'

EXAMPLE_DOCUMENT = {
    'inventory': {
        'hostname': 'quickstart-node',
        'cpu': {'model_name': 'Example CPU', 'count': 8,
                'architecture': 'x86_64'},
        'memory': {'total': 34359738368, 'physical_mb': 32768},
        'disks': [{'name': '/dev/sda', 'size': 480103981056,
                   'rotational': False}],
        'interfaces': [{'name': 'eno1',
                        'mac_address': '52:54:00:12:34:56',
                        'ipv4_address': '192.0.2.10'}],
    },
    'logs': 'ramdisk logs: never stored',
}

_CLI_OPTS = [
    cfg.StrOpt('file', positional=True, required=False,
               help='An introspection document (JSON) to use.'),
]


def _show(record):
    inventory = record.data.get('inventory', {})
    keys = len(record.data)
    print('  %-11s %s, %d top-level key%s, hostname %s, saved at %s'
          % (data_cmd.kind(record.processed) + ':', record.node_uuid,
             keys, '' if keys == 1 else 's', inventory.get('hostname', '-'),
             record.updated_at))


def quickstart():
    document = (data_cmd.read_document(CONF.file) if CONF.file
                else dict(EXAMPLE_DOCUMENT))
    migration.upgrade('head')
    print('Database %s is at revision %s.'
          % (cli.safe_url(CONF.database.connection), migration.version()))
    ctx = context.get_admin_context()
    node = objects.Node(ctx, uuid=uuidutils.generate_uuid(),
                        state='finished')
    node.create()
    print('Added node %s to the node cache.' % node.uuid)
    try:
        for processed in (False, True):
            objects.IntrospectionData(ctx, node_uuid=node.uuid,
                                      processed=processed,
                                      data=document).save()
    except ValueError as exc:
        raise exception.InvalidIntrospectionData(node_uuid=node.uuid,
                                                 reason=str(exc))
    print('Saved its introspection data with the "%s" backend; read back:'
          % CONF.processing.storage_backend)
    for processed in (False, True):
        record = objects.IntrospectionData.get_by_node(ctx, node.uuid,
                                                       processed=processed)
        _show(record)
    print('The "logs" key was %s.' % ('dropped, as always'
                                      if 'logs' not in record.data
                                      else 'kept (unexpected!)'))
    print('See it with: ironic-inspector-data show %s' % node.uuid)


def main(argv=None):
    CONF.register_cli_opts(_CLI_OPTS)
    cli.prepare(CONF)
    cli.load_config(PROG, argv)
    objects.register_all()
    return cli.run(PROG, quickstart, database_url=CONF.database.connection)


if __name__ == '__main__':
    sys.exit(main())
