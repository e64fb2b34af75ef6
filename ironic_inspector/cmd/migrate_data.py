"""ironic-inspector-migrate-data: copy stored data between backends, or
move it into ironic's own inventory storage (``--to ironic``).

Exit codes: 0 when nothing failed, 1 when some documents or nodes could
not be copied (run the command again to finish), 2 for a usage error.
"""

import sys
import time

from oslo_config import cfg

from ironic_inspector.clients import ironic as ironic_client
from ironic_inspector.cmd import cli
from ironic_inspector.common import exception
from ironic_inspector.common import release_mappings
from ironic_inspector import conf
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import ironic_inventory
from ironic_inspector.ironic_inventory import move
from ironic_inspector import storage
from ironic_inspector.storage import base as storage_base
from ironic_inspector.storage import migrate

CONF = conf.CONF
PROG = 'ironic-inspector-migrate-data'

# Backends data cannot be copied from or to.
_NOT_A_STORE = ('none',)

# --to this: into ironic's inventory storage ([ironic_inventory]).
IRONIC = 'ironic'

_CLI_OPTS = [
    cfg.StrOpt('from', dest='source', required=True,
               help='Backend to copy from (only read).'),
    cfg.StrOpt('to', dest='target', required=True,
               help='Backend to copy to, or "ironic": move every node\'s '
                    'inspection into the inventory storage of ironic 33 or '
                    'later, described by [ironic_inventory].'),
    cfg.MultiStrOpt('node', default=[],
                    help='Copy only this node (repeatable); default: every '
                         'node of the node cache.'),
    cfg.IntOpt('workers', default=4, min=1, max=64,
               help='Documents copied in parallel.'),
    cfg.BoolOpt('dry-run', default=False,
                help='Report what would be copied; write nothing.'),
    cfg.BoolOpt('verify', default=False,
                help='Read every copy back and compare it with the source; '
                     'with --to ironic, through ironic\'s API ([ironic]).'),
    cfg.BoolOpt('force', default=False,
                help='With --to ironic: overwrite an inventory that ironic '
                     'wrote after ours (an inspection of its own).'),
]

# Seconds between progress lines when the output is not a terminal.
_LOG_INTERVAL = 10


class UsageError(Exception):
    pass


def _check_backends(source, target):
    installed = storage.installed_backends()
    for name in (source,) if target == IRONIC else (source, target):
        if name not in installed:
            raise UsageError('unknown backend "%s"; installed: %s'
                             % (name, ', '.join(installed)))
        if name in _NOT_A_STORE:
            raise UsageError('the "%s" backend keeps no data to copy' % name)
    if source == target:
        raise UsageError('--from and --to are both "%s"' % source)


def _check_nodes(node_uuids):
    checked = []
    for node_uuid in node_uuids:
        try:
            node_uuid = storage_base.check_node_uuid(node_uuid)
            db_nodes.get_node(node_uuid)
        except (exception.InvalidUUID, exception.NodeNotFound) as exc:
            raise UsageError(str(exc))
        checked.append(node_uuid)
    return checked


class Progress:
    """A progress bar on a terminal, a line every few seconds otherwise.

    :param outcomes: the Outcome enum whose counts it shows.
    :param unit: what is counted, e.g. "documents".
    """

    def __init__(self, total, outcomes, unit, stream=sys.stderr):
        self.total = total
        self.outcomes = outcomes
        self.unit = unit
        self.stream = stream
        self.interactive = stream.isatty()
        self._last = 0.0

    def _line(self, summary):
        counts = ', '.join('%s %d' % (o.value, summary.counts[o])
                           for o in self.outcomes)
        return '%d/%d %s (%s)' % (summary.done, self.total, self.unit, counts)

    def __call__(self, summary):
        now = time.monotonic()
        if self.interactive:
            if now - self._last < 0.2 and summary.done < self.total:
                return
            width = 30
            filled = width * summary.done // max(self.total, 1)
            self.stream.write('\r[%s%s] %s' % ('#' * filled,
                                               '.' * (width - filled),
                                               self._line(summary)))
        elif now - self._last >= _LOG_INTERVAL:
            self.stream.write('%s\n' % self._line(summary))
        else:
            return
        self.stream.flush()
        self._last = now

    def finish(self):
        if self.interactive:
            self.stream.write('\n')


def _nodes_to_do():
    """``(node UUIDs, how many)``: those of --node, or the node cache's."""
    node_uuids = _check_nodes(CONF.node)
    if node_uuids:
        return node_uuids, len(node_uuids)
    return db_nodes.iter_node_uuids(), db_nodes.count_nodes()


def migrate_data():
    _check_backends(CONF.source, CONF.target)
    if CONF.target == IRONIC:
        return move_to_ironic()
    node_uuids, count = _nodes_to_do()
    target = storage.get_backend(CONF.target)
    if not CONF.dry_run:
        # NOTE: a target that cannot be reached would fail every document,
        # each with its own error line.
        target.check()
    migration = migrate.Migration(
        storage.get_backend(CONF.source), target,
        version=release_mappings.get_object_version(
            'IntrospectionData', CONF.pin_release_version),
        dry_run=CONF.dry_run, verify=CONF.verify)
    summary = _run_with_progress(migration, node_uuids,
                                 Progress(2 * count, migrate.Outcome,
                                          'documents'))
    counts = summary.counts
    print('%s %d, identical %d, no data %d, failed %d'
          % ('would copy' if CONF.dry_run else 'copied',
             counts[migrate.Outcome.COPIED],
             counts[migrate.Outcome.IDENTICAL],
             counts[migrate.Outcome.NO_DATA], summary.failed))
    _print_failures(summary)
    return cli.EXIT_FAILURE if summary.failed else cli.EXIT_OK


def move_to_ironic():
    """``--to ironic``: see :mod:`ironic_inspector.ironic_inventory`."""
    ironic = ironic_client.get_client(CONF)
    if CONF.verify and ironic is None:
        raise UsageError('--verify reads the nodes back through ironic\'s '
                         'API: configure [ironic] ([ironic]auth_type is '
                         'unset)')
    node_uuids, count = _nodes_to_do()
    target = ironic_inventory.get_target(CONF, ironic)
    try:
        # NOTE: checked even for a dry run: a schema this release does not
        # know is read no more than written.
        target.check()
        mover = move.Move(storage.get_backend(CONF.source), target,
                          ironic=ironic, dry_run=CONF.dry_run,
                          verify=CONF.verify, force=CONF.force)
        summary = _run_with_progress(mover, node_uuids,
                                     Progress(count, move.Outcome, 'nodes'))
    finally:
        target.close()
    print(', '.join('%s %d' % ('would move' if CONF.dry_run
                               and outcome is move.Outcome.MOVED
                               else outcome.value, summary.counts[outcome])
                    for outcome in move.Outcome))
    for outcome, node_uuids in summary.named.items():
        for node_uuid in sorted(node_uuids):
            print('%s: %s' % (outcome.value, node_uuid))
    _print_failures(summary)
    return cli.EXIT_FAILURE if summary.failed else cli.EXIT_OK


def _run_with_progress(job, node_uuids, progress):
    try:
        return job.run(node_uuids, workers=CONF.workers,
                       on_progress=progress)
    finally:
        progress.finish()


def _print_failures(summary):
    for node_uuid, error in sorted(summary.failures.items()):
        print('failed: %s: %s' % (node_uuid, error))


def _run():
    try:
        return migrate_data()
    except UsageError as exc:
        print('%s: error: %s' % (PROG, exc), file=sys.stderr)
        return cli.EXIT_USAGE


def main(argv=None):
    CONF.register_cli_opts(_CLI_OPTS)
    cli.prepare(CONF)
    cli.load_config(PROG, argv)
    return cli.run(PROG, _run, database_url=CONF.database.connection)


if __name__ == '__main__':
    sys.exit(main())
