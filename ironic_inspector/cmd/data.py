"""ironic-inspector-data: an operator's direct view of stored data.

``show NODE [--unprocessed]``, ``save NODE FILE|- [--unprocessed]``,
``list``, ``delete NODE``, ``purge --older-than DAYS``, all on the
configured backend. ``show`` and ``list`` take cliff's output options
(``-f table|json|yaml|csv|value``, ``-c COLUMN``); ``show`` prints the
document as JSON unless told otherwise, its top-level keys being the
columns.
"""

import argparse
import datetime
import sys

from cliff import command
from cliff import lister
from cliff import show
from oslo_utils import timeutils

from ironic_inspector.cmd import cliff_app
from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector.common import json_codec
from ironic_inspector.common import streaming_table
from ironic_inspector import conf
from ironic_inspector import objects
from ironic_inspector import storage

CONF = conf.CONF
PROG = 'ironic-inspector-data'

# The width of a node UUID, and of a timestamp as list prints it.
_UUID_WIDTH = 36
_TIMESTAMP_WIDTH = len('2000-01-01 00:00:00')


def kind(processed):
    return 'processed' if processed else 'unprocessed'


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


def _cached_node(ctx, node_uuid):
    """The node from the node cache.

    :raises: InvalidUUID, NodeNotFound
    """
    return objects.Node.get_by_uuid(ctx, node_uuid)


def _days(value):
    """An argparse type: a whole number of days, 0 or more."""
    try:
        days = int(value)
    except ValueError:
        days = -1
    if days < 0:
        raise argparse.ArgumentTypeError(
            'expected a whole number of days, 0 or more, got %r' % value)
    return days


def _timestamp(value):
    return (value.isoformat(sep=' ', timespec='seconds')
            if value is not None else '-')


class Show(show.ShowOne):
    """Print a node's document (as JSON unless -f says otherwise)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('node', help='The node UUID.')
        parser.add_argument('--unprocessed', action='store_true',
                            help='The document as the ramdisk sent it.')
        parser.set_defaults(formatter='json')
        return parser

    def take_action(self, parsed_args):
        record = objects.IntrospectionData.get_by_node(
            context.get_admin_context(), parsed_args.node,
            processed=not parsed_args.unprocessed)
        return tuple(record.data), tuple(record.data.values())


class Save(command.Command):
    """Store a document from a file, or - for standard input."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('node', help='The node UUID.')
        parser.add_argument('file', help='A JSON document, or - to read '
                                         'standard input.')
        parser.add_argument('--unprocessed', action='store_true',
                            help='Store it as the document the ramdisk '
                                 'sent.')
        return parser

    def take_action(self, parsed_args):
        backend = storage.get_backend()
        if not backend.keeps_data:
            raise exception.IntrospectionDataStoreDisabled()
        ctx = context.get_admin_context()
        node = _cached_node(ctx, parsed_args.node)
        processed = not parsed_args.unprocessed
        data = read_document(parsed_args.file)
        try:
            record = objects.IntrospectionData(ctx, node_uuid=node.uuid,
                                               processed=processed,
                                               data=data)
        except ValueError as exc:
            raise exception.InvalidIntrospectionData(node_uuid=node.uuid,
                                                     reason=str(exc))
        record.save()
        self.app.stdout.write('Saved the %s introspection data of node '
                              '%s.\n' % (kind(processed), node.uuid))


class List(lister.Lister):
    """List the stored documents with their timestamps.

    Rows are written as the backend pages through its documents, in every
    format but json and yaml (which cliff builds whole) and a table sorted
    with --sort-column.
    """

    needs_objects = False

    COLUMNS = ('Node', 'Document', 'Created at', 'Updated at')
    WIDTHS = (_UUID_WIDTH, len('unprocessed'), _TIMESTAMP_WIDTH,
              _TIMESTAMP_WIDTH)

    def take_action(self, parsed_args):
        rows = ((info.node_uuid, kind(info.processed),
                 _timestamp(info.created_at), _timestamp(info.updated_at))
                for info in storage.get_backend().list())
        return self.COLUMNS, rows

    def produce_output(self, parsed_args, column_names, data):
        if parsed_args.formatter != 'table' or parsed_args.sort_columns:
            return super().produce_output(parsed_args, column_names, data)
        # NOTE: cliff's table would hold every row; every column's width
        # is known, so the rows are written as they come.
        columns, selector = self._generate_columns_and_selector(
            parsed_args, column_names)
        widths = [width for name, width in zip(column_names, self.WIDTHS)
                  if name in columns]
        if selector:
            data = (list(self._compress_iterable(row, selector))
                    for row in data)
        streaming_table.write(self.app.stdout, columns, widths, data)
        return 0


class Delete(command.Command):
    """Delete both of a node's documents."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('node', help='The node UUID.')
        return parser

    def take_action(self, parsed_args):
        backend = storage.get_backend()
        if not backend.keeps_data:
            raise exception.IntrospectionDataStoreDisabled()
        node = _cached_node(context.get_admin_context(), parsed_args.node)
        deleted = backend.delete(node.uuid)
        if deleted == 0:
            raise exception.InspectorException(
                'node %s has no introspection data to delete' % node.uuid)
        self.app.stdout.write('Deleted the introspection data of node '
                              '%s.\n' % node.uuid)


class Purge(command.Command):
    """Delete the documents last written more than DAYS ago."""

    needs_objects = False

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--older-than', dest='older_than', type=_days,
                            required=True, metavar='DAYS',
                            help='Age in days; 0 deletes everything '
                                 'written until now.')
        return parser

    def take_action(self, parsed_args):
        cutoff = timeutils.utcnow() - datetime.timedelta(
            days=parsed_args.older_than)
        result = storage.get_backend().purge(cutoff)
        self.app.stdout.write(
            'Purged %d documents last written before %s.\n'
            % (result.deleted, cutoff.isoformat(sep=' ', timespec='seconds')))
        if result.undated:
            self.app.stdout.write('%d documents have no timestamp and were '
                                  'kept.\n' % result.undated)


COMMANDS = {'show': Show, 'save': Save, 'list': List, 'delete': Delete,
            'purge': Purge}


def main(argv=None):
    return cliff_app.App(PROG, __doc__.splitlines()[0], COMMANDS).main(argv)


if __name__ == '__main__':
    sys.exit(main())
