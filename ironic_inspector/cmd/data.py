"""ironic-inspector-data: an operator's direct view of stored data.

``show NODE [--unprocessed]``, ``save NODE FILE|- [--unprocessed]``,
``list``, ``delete NODE``, ``purge --older-than DAYS``, all on the
configured backend.
"""

import datetime
import sys

import orjson
from oslo_config import cfg
from oslo_utils import timeutils
import prettytable

from ironic_inspector.common import cli
from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector.common import json_codec
from ironic_inspector import conf
from ironic_inspector import objects
from ironic_inspector import storage

CONF = conf.CONF
PROG = 'ironic-inspector-data'


def kind(processed):
    return 'processed' if processed else 'unprocessed'


def do_show():
    objects.register_all()
    record = objects.IntrospectionData.get_by_node(
        context.get_admin_context(), CONF.command.node,
        processed=not CONF.command.unprocessed)
    sys.stdout.buffer.write(orjson.dumps(
        record.data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))


def read_document(source):
    """The JSON document in file ``source`` (``-``: standard input).

    :raises: InspectorException saying why it cannot be read.
    """
    try:
        if source == '-':
            text = sys.stdin.buffer.read()
        else:
            with open(source, 'rb') as document:
                text = document.read()
    except OSError as exc:
        raise exception.InspectorException(
            'cannot read %s: %s' % (source, exc.strerror))
    try:
        return json_codec.loads(text)
    except ValueError as exc:
        raise exception.InspectorException(
            '%s is not JSON: %s' % ('standard input' if source == '-'
                                    else source, exc))


def _cached_node(ctx):
    """The node named on the command line, from the node cache.

    :raises: InvalidUUID, NodeNotFound
    """
    objects.register_all()
    return objects.Node.get_by_uuid(ctx, CONF.command.node)


def do_save():
    ctx = context.get_admin_context()
    node = _cached_node(ctx)
    processed = not CONF.command.unprocessed
    data = read_document(CONF.command.file)
    try:
        record = objects.IntrospectionData(ctx, node_uuid=node.uuid,
                                           processed=processed, data=data)
    except ValueError as exc:
        raise exception.InvalidIntrospectionData(node_uuid=node.uuid,
                                                 reason=str(exc))
    record.save()
    print('Saved the %s introspection data of node %s.'
          % (kind(processed), node.uuid))


def do_list():
    table = prettytable.PrettyTable(['Node', 'Document', 'Created at',
                                     'Updated at'])
    table.align = 'l'
    for info in storage.get_backend().list():
        table.add_row([info.node_uuid, kind(info.processed),
                       info.created_at or '-', info.updated_at or '-'])
    print(table)


def do_delete():
    node = _cached_node(context.get_admin_context())
    storage.get_backend().delete(node.uuid)
    print('Deleted the introspection data of node %s.' % node.uuid)


def do_purge():
    days = CONF.command.older_than
    if days < 0:
        raise exception.InspectorException('--older-than must not be '
                                           'negative')
    cutoff = timeutils.utcnow() - datetime.timedelta(days=days)
    result = storage.get_backend().purge(cutoff)
    print('Purged %d documents last written before %s.'
          % (result.deleted, cutoff.isoformat(sep=' ', timespec='seconds')))
    if result.undated:
        print('%d documents have no timestamp and were kept.'
              % result.undated)


def add_command_parsers(subparsers):
    parser = subparsers.add_parser('show', help='Print a document as JSON.')
    parser.add_argument('node')
    parser.add_argument('--unprocessed', action='store_true')
    parser.set_defaults(func=do_show)

    parser = subparsers.add_parser(
        'save', help='Store a document from a file, or - for standard '
                     'input.')
    parser.add_argument('node')
    parser.add_argument('file')
    parser.add_argument('--unprocessed', action='store_true')
    parser.set_defaults(func=do_save)

    parser = subparsers.add_parser(
        'list', help='List the stored documents with their timestamps.')
    parser.set_defaults(func=do_list)

    parser = subparsers.add_parser(
        'delete', help="Delete both of a node's documents.")
    parser.add_argument('node')
    parser.set_defaults(func=do_delete)

    parser = subparsers.add_parser(
        'purge', help='Delete documents last written more than DAYS ago.')
    parser.add_argument('--older-than', dest='older_than', type=int,
                        required=True, metavar='DAYS')
    parser.set_defaults(func=do_purge)


_COMMAND_OPT = cfg.SubCommandOpt('command', title='Commands',
                                 help='Available commands',
                                 handler=add_command_parsers)


def main(argv=None):
    CONF.register_cli_opt(_COMMAND_OPT)
    cli.prepare(CONF)
    cli.load_config(PROG, argv)
    return cli.run(PROG, CONF.command.func,
                   database_url=CONF.database.connection)


if __name__ == '__main__':
    sys.exit(main())
