"""ironic-inspector-quickstart: the main job once, on the default SQLite.

What a ramdisk's visit does, end to end. The schema is created or
upgraded; the node is added to the node cache, waiting, with the BMC
address and MACs of the document; then the processing pipeline finds the
node by them, stores the document as unprocessed, runs the processing
hooks and stores what they made as the processed document. The command
shows what the hooks found and where the documents are.

With no FILE, a realistic ramdisk document shipped with the project
(``ironic_inspector/samples/ramdisk-document.json``) stands in for one. A
node that already has the document's lookup data, from an earlier run,
is processed again with it, as ``reprocess`` does.
"""

import importlib.resources
import logging
import sys

from oslo_config import cfg
from oslo_utils import uuidutils

from ironic_inspector.cmd import cli
from ironic_inspector.cmd import data as data_cmd
from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector.common import json_codec
from ironic_inspector.common import states
from ironic_inspector import conf
from ironic_inspector.db import migration
from ironic_inspector import objects
from ironic_inspector.processing import hooks
from ironic_inspector.processing import lookup
from ironic_inspector.processing import pipeline

CONF = conf.CONF
PROG = 'ironic-inspector-quickstart'
SAMPLE = importlib.resources.files('ironic_inspector') / 'samples' / (
    'ramdisk-document.json')

_CLI_OPTS = [
    cfg.StrOpt('file', positional=True, required=False,
               help='A ramdisk document (JSON) to process; by default the '
                    'sample shipped with the project.'),
]


def _waiting_node(ctx, document):
    """The node the document's lookup data name, added when none does.

    :returns: ``(node, added)``.
    :raises: InvalidIntrospectionData when the document has no lookup
        data; LookupDataInUse, NodeLookupFailed
    """
    found_by = lookup.lookup_data(document)
    if not any(found_by.values()):
        raise exception.InvalidIntrospectionData(
            node_uuid='(not looked up yet)',
            reason='it has no BMC address and no MAC (inventory.bmc_address, '
                   'inventory.interfaces[].mac_address), by which the '
                   'pipeline finds its node')
    try:
        return objects.Node.lookup(ctx, **found_by), False
    except exception.NodeLookupFailed:
        pass
    node = objects.Node(ctx, uuid=uuidutils.generate_uuid(),
                        state=states.WAITING, **found_by)
    try:
        node.create()
    except ValueError as exc:
        raise exception.InvalidIntrospectionData(node_uuid=node.uuid,
                                                 reason=str(exc))
    return node, True


def _describe_lookup(node):
    parts = ['BMC address %s' % ', '.join(node.bmc_addresses)
             ] if node.bmc_addresses else []
    if node.macs:
        parts.append('%d MAC%s' % (len(node.macs),
                                   '' if len(node.macs) == 1 else 's'))
    return ' and '.join(parts)


def _show_findings(document):
    """What the standard hooks added to the document, as they named it."""
    print('  %-12s %s %s' % ('CPUs', document.get('cpus', '-'),
                             document.get('cpu_arch', '')))
    print('  %-12s %s MiB' % ('memory', document.get('memory_mb', '-')))
    disk = document.get('root_disk') or {}
    print('  %-12s %s%s, %s bytes; local_gb %s'
          % ('root disk', disk.get('name', '-'),
             ' (%s)' % disk['model'] if disk.get('model') else '',
             disk.get('size', '-'), document.get('local_gb', '-')))
    label = 'interfaces'
    for name, interface in sorted(
            (document.get('all_interfaces') or {}).items()):
        print('  %-12s %-8s %s %s%s'
              % (label, name, interface.get('mac'), interface.get('ip') or '',
                 ' (PXE)' if interface.get('pxe') else ''))
        label = ''
    pxe = [interface['mac'] for interface
           in (document.get('all_interfaces') or {}).values()
           if interface.get('pxe')]
    print('  %-12s %s' % ('PXE MAC', ', '.join(pxe) or '-'))
    print('  %-12s %s ([processing]add_ports = %s)'
          % ('port MACs', ', '.join(document.get('macs') or []) or '-',
             CONF.processing.add_ports))


def _show_stored(record):
    size = len(json_codec.dumps(record.data))
    print('  %-12s %d top-level keys, %d bytes, saved at %s'
          % (data_cmd.kind(record.processed) + ':', len(record.data), size,
             record.updated_at))


def quickstart():
    source = CONF.file or str(SAMPLE)
    document = data_cmd.read_document(source)
    migration.upgrade('head')
    print('Database %s is at revision %s.'
          % (cli.safe_url(CONF.database.connection), migration.version()))
    ctx = context.get_admin_context()
    node, added = _waiting_node(ctx, document)
    print('%s node %s, found by %s.'
          % ('Added' if added else 'Processing again the earlier run\'s',
             node.uuid, _describe_lookup(node)))
    print('Processing %s with the hooks %s:'
          % (source, ', '.join(hooks.configured_names(CONF))))
    if node.state == states.WAITING:
        node = pipeline.process(ctx, document)
    else:
        node = pipeline.reapply(ctx, node.uuid, document)
    processed = objects.IntrospectionData.get_by_node(ctx, node.uuid,
                                                      processed=True)
    _show_findings(processed.data)
    print('Stored with the "%s" backend, for node %s (%s):'
          % (CONF.processing.storage_backend, node.uuid, node.state))
    _show_stored(objects.IntrospectionData.get_by_node(ctx, node.uuid,
                                                       processed=False))
    _show_stored(processed)
    print('The "logs" key was %s.' % ('dropped, as always'
                                      if 'logs' not in processed.data
                                      else 'kept (unexpected!)'))
    print('See them with: ironic-inspector-data show %s [--unprocessed]'
          % node.uuid)


def main(argv=None):
    CONF.register_cli_opts(_CLI_OPTS)
    cli.prepare(CONF)
    # NOTE: the pipeline logs a failed processing for a service's log; the
    # command's one error line says it here.
    logging.getLogger(pipeline.__name__).setLevel(logging.CRITICAL)
    cli.load_config(PROG, argv)
    objects.register_all()
    return cli.run(PROG, quickstart, database_url=CONF.database.connection)


if __name__ == '__main__':
    sys.exit(main())
