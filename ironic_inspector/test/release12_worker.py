"""Drive ironic-inspector 12.5.0's own code, for the upgrade tests.

Runs under the interpreter of the 12.5.0 virtualenv (see
:mod:`ironic_inspector.test.release12`), where ``ironic_inspector`` is
12.5.0's package; nothing of this project is imported::

    python release12_worker.py CONFIG_FILE < COMMANDS

COMMANDS is a JSON list of commands, each a list of its words; they run
in order in this one process (importing 12.5.0 takes seconds), and the
list of their results is printed as JSON. The first command that raises
ends the process with its traceback and a non-zero exit code.

Commands and their results:

``add-node UUID [--bmc-address A] [--mac M ...] [--option NAME=VALUE]``
    12.5.0's ``node_cache.add_node`` (attributes rows for the BMC address
    and MACs), then ``set_option``.
``node UUID``
    12.5.0's node lookup: the node's state and times, its attributes and
    options.
``save UUID processed|unprocessed FILE``
    store the JSON document of FILE with the configured store of 12.5.0
    (``[processing]store_data``: database or swift).
``get UUID processed|unprocessed``
    the stored document.
``delete-node UUID``
    12.5.0's ``db.delete_node`` (it deletes the node's rows itself).
``find-node [--bmc-address A ...] [--mac M ...]``
    12.5.0's ``node_cache.find_node``, as its processing looks a node up:
    the UUID it finds.
``find-loop FILE``
    ``find_node`` for each ``[bmc_address, [mac, ...]]`` of the JSON list
    in FILE, in turn; prints the seconds each took.
``hooks FILE [--add-ports MODE]``
    run 12.5.0's standard processing hooks (ramdisk_error,
    root_disk_selection, scheduler, validate_interfaces, lldp_basic) on
    the JSON document of FILE as its processing does: every hook's
    ``before_processing``, then every ``before_update``. Ironic is not
    there: the node the hooks see has no properties and no ports. The
    result is the processed document, or ``{"refused": message}``.
``save-loop SECONDS FILE UUID [UUID ...]``
    save FILE for the nodes in turn for SECONDS; prints
    ``[[start, seconds], ...]`` (wall-clock start) of every save.
"""

import argparse
import json
import sys
import time


def _configure(config_file):
    import ironic_inspector.conf  # noqa: F401 (registers the options)
    from oslo_config import cfg
    cfg.CONF([], project='ironic-inspector',
             default_config_files=[config_file])


def _store():
    from ironic_inspector.plugins import introspection_data
    from oslo_config import cfg
    stores = {'database': introspection_data.DatabaseStore,
              'swift': introspection_data.SwiftStore}
    return stores[cfg.CONF.processing.store_data]()


def add_node(args):
    from ironic_inspector import introspection_state as istate
    from ironic_inspector import node_cache
    attributes = {}
    if args.bmc_address:
        attributes['bmc_address'] = args.bmc_address
    if args.mac:
        attributes['mac'] = args.mac
    node = node_cache.add_node(args.uuid, istate.States.waiting,
                               **attributes)
    for option in args.option:
        name, value = option.split('=', 1)
        node.set_option(name, value)
    return node_info(args.uuid)


def node_info(uuid):
    from ironic_inspector import node_cache
    node = node_cache.get_node(uuid)
    return {'uuid': node.uuid, 'state': node.state,
            'started_at': str(node.started_at or ''),
            'finished_at': str(node.finished_at or ''),
            'error': node.error,
            'attributes': {name: sorted(values)
                           for name, values in node.attributes.items()},
            'options': node.options}


def save(args):
    with open(args.file) as document:
        data = json.load(document)
    _store().save(args.uuid, data, processed=args.kind == 'processed')
    return {'saved': args.uuid}


def get(args):
    return _store().get(args.uuid, processed=args.kind == 'processed',
                        get_json=True)


def delete_node(args):
    from ironic_inspector.db import api as db
    db.delete_node(args.uuid)
    return {'deleted': args.uuid}


def find_node(args):
    from ironic_inspector import node_cache
    node = node_cache.find_node(bmc_address=args.bmc_address, mac=args.mac)
    node.release_lock()
    return node.uuid


def find_loop(args):
    from ironic_inspector import node_cache
    with open(args.file) as lookups:
        lookups = json.load(lookups)
    seconds = []
    for bmc_address, macs in lookups:
        started = time.monotonic()
        node_cache.find_node(bmc_address=[bmc_address],
                             mac=macs).release_lock()
        seconds.append(time.monotonic() - started)
    return seconds


class _NodeWithoutIronic:
    """What 12.5.0's hooks ask of a node, with no ironic behind it."""

    uuid = '00000000-0000-0000-0000-000000000000'
    properties = {}
    provision_state = 'manageable'

    def node(self):
        return self

    def update_properties(self, **properties):
        pass

    def create_ports(self, ports):
        pass

    def ports(self):
        return {}


def run_hooks(args):
    from ironic_inspector.plugins import base as plugins_base
    from ironic_inspector import utils
    from oslo_config import cfg
    cfg.CONF.set_override('processing_hooks', ','.join(_STANDARD_HOOKS),
                          'processing')
    cfg.CONF.set_override('add_ports', args.add_ports, 'processing')
    with open(args.file) as document:
        data = json.load(document)
    hooks = [extension.obj
             for extension in plugins_base.processing_hooks_manager()]
    try:
        for hook in hooks:
            hook.before_processing(data)
        for hook in hooks:
            hook.before_update(data, _NodeWithoutIronic())
    except utils.Error as exc:
        return {'refused': str(exc)}
    return data


_STANDARD_HOOKS = ('ramdisk_error', 'root_disk_selection', 'scheduler',
                   'validate_interfaces', 'lldp_basic')


def save_loop(args):
    with open(args.file) as document:
        data = json.load(document)
    store = _store()
    saves = []
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        for uuid in args.uuids:
            wall, started = time.time(), time.monotonic()
            store.save(uuid, data, processed=True)
            saves.append([wall, time.monotonic() - started])
    return saves


def _parser():
    parser = argparse.ArgumentParser(prog='release12_worker.py COMMANDS')
    commands = parser.add_subparsers(dest='command', required=True)
    command = commands.add_parser('add-node')
    command.add_argument('uuid')
    command.add_argument('--bmc-address')
    command.add_argument('--mac', action='append', default=[])
    command.add_argument('--option', action='append', default=[])
    command.set_defaults(func=add_node)
    command = commands.add_parser('node')
    command.add_argument('uuid')
    command.set_defaults(func=lambda args: node_info(args.uuid))
    command = commands.add_parser('save')
    command.add_argument('uuid')
    command.add_argument('kind', choices=('processed', 'unprocessed'))
    command.add_argument('file')
    command.set_defaults(func=save)
    command = commands.add_parser('get')
    command.add_argument('uuid')
    command.add_argument('kind', choices=('processed', 'unprocessed'))
    command.set_defaults(func=get)
    command = commands.add_parser('delete-node')
    command.add_argument('uuid')
    command.set_defaults(func=delete_node)
    command = commands.add_parser('find-node')
    command.add_argument('--bmc-address', action='append', default=[])
    command.add_argument('--mac', action='append', default=[])
    command.set_defaults(func=find_node)
    command = commands.add_parser('find-loop')
    command.add_argument('file')
    command.set_defaults(func=find_loop)
    command = commands.add_parser('hooks')
    command.add_argument('file')
    command.add_argument('--add-ports', default='pxe')
    command.set_defaults(func=run_hooks)
    command = commands.add_parser('save-loop')
    command.add_argument('seconds', type=float)
    command.add_argument('file')
    command.add_argument('uuids', nargs='+')
    command.set_defaults(func=save_loop)
    return parser


def main():
    config_file = sys.argv[1]
    parser = _parser()
    commands = [parser.parse_args(words) for words in json.load(sys.stdin)]
    _configure(config_file)
    json.dump([args.func(args) for args in commands], sys.stdout)


if __name__ == '__main__':
    main()
