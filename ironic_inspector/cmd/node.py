"""ironic-inspector-node: the node cache and its lookup data.

A node added here is ``waiting`` for its ramdisk, whose data the
processing pipeline then finds by the node's BMC address or any of its
MACs.
"""

import sys

from cliff import columns
from cliff import command
from cliff import lister
from cliff import show
from oslo_utils import timeutils

from ironic_inspector.cmd import cliff_app
from ironic_inspector.common import context
from ironic_inspector.common import states
from ironic_inspector import objects

PROG = 'ironic-inspector-node'

_FIELDS = (('UUID', 'uuid'), ('State', 'state'),
           ('BMC addresses', 'bmc_addresses'), ('MACs', 'macs'),
           ('Started at', 'started_at'), ('Finished at', 'finished_at'),
           ('Error', 'error'))


class _ListColumn(columns.FormattableColumn):
    """A list: comma-separated in a table, a list in JSON or YAML."""

    def human_readable(self):
        return ', '.join(self._value)

    def machine_readable(self):
        return list(self._value)


def _row(node):
    values = []
    for _, name in _FIELDS:
        value = getattr(node, name)
        if isinstance(value, list):
            value = _ListColumn(value)
        elif hasattr(value, 'isoformat'):
            value = value.replace(tzinfo=None).isoformat()
        values.append(value)
    return tuple(values)


def _headings():
    return tuple(heading for heading, _ in _FIELDS)


class _NodeCommand(command.Command):

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('uuid', metavar='UUID', help='the node')
        return parser


class Add(_NodeCommand, show.ShowOne):
    """Add a node, waiting for its ramdisk, with its lookup data."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--mac', dest='macs', action='append',
                            default=[], metavar='MAC',
                            help='a MAC address of one of its NICs; may be '
                                 'repeated')
        parser.add_argument('--bmc-address', dest='bmc_addresses',
                            action='append', default=[], metavar='ADDR',
                            help="its BMC's IPv4 or IPv6 address; may be "
                                 "given for both")
        return parser

    def take_action(self, parsed_args):
        node = objects.Node(context.RequestContext(), uuid=parsed_args.uuid,
                            state=states.WAITING,
                            started_at=timeutils.utcnow(),
                            macs=parsed_args.macs,
                            bmc_addresses=parsed_args.bmc_addresses)
        node.create()
        return _headings(), _row(node)


class List(lister.Lister):
    """List the nodes of the node cache."""

    def take_action(self, parsed_args):
        return _headings(), [_row(node) for node in objects.Node.list(
            context.RequestContext())]


class Show(_NodeCommand, show.ShowOne):
    """Show a node and its lookup data."""

    def take_action(self, parsed_args):
        return _headings(), _row(objects.Node.get_by_uuid(
            context.RequestContext(), parsed_args.uuid))


class Delete(_NodeCommand):
    """Delete a node, its lookup data and its introspection data."""

    def take_action(self, parsed_args):
        objects.Node.get_by_uuid(context.RequestContext(),
                                 parsed_args.uuid).destroy()


def main(argv=None):
    return cliff_app.App(PROG, __doc__.splitlines()[0],
                         {'add': Add, 'list': List, 'show': Show,
                          'delete': Delete}).main(argv)


if __name__ == '__main__':
    sys.exit(main())
