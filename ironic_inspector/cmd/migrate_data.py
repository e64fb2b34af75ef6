"""ironic-inspector-migrate-data: copy stored data between backends.

Exit codes: 0 when nothing failed, 1 when some documents could not be
copied (run the command again to finish), 2 for a usage error.
"""

import sys
import time

from oslo_config import cfg

from ironic_inspector.cmd import cli
from ironic_inspector.common import exception
from ironic_inspector.common import release_mappings
from ironic_inspector import conf
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import storage
from ironic_inspector.storage import base as storage_base
from ironic_inspector.storage import migrate

CONF = conf.CONF
PROG = 'ironic-inspector-migrate-data'

# Backends data cannot be copied from or to.
_NOT_A_STORE = ('none',)

_CLI_OPTS = [
    cfg.StrOpt('from', dest='source', required=True,
               help='Backend to copy from (only read).'),
    cfg.StrOpt('to', dest='target', required=True,
               help='Backend to copy to.'),
    cfg.MultiStrOpt('node', default=[],
                    help='Copy only this node (repeatable); default: every '
                         'node of the node cache.'),
    cfg.IntOpt('workers', default=4, min=1, max=64,
               help='Documents copied in parallel.'),
    cfg.BoolOpt('dry-run', default=False,
                help='Report what would be copied; write nothing.'),
    cfg.BoolOpt('verify', default=False,
                help='Read every copy back and compare it with the source.'),
]

# Seconds between progress lines when the output is not a terminal.
_LOG_INTERVAL = 10


class UsageError(Exception):
    pass


def _check_backends(source, target):
    installed = storage.installed_backends()
    for name in (source, target):
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
    """A progress bar on a terminal, a line every few seconds otherwise."""

    def __init__(self, total, stream=sys.stderr):
        self.total = total
        self.stream = stream
        self.interactive = stream.isatty()
        self._last = 0.0

    def _line(self, summary):
        counts = ', '.join('%s %d' % (o.value, summary.counts[o])
                           for o in migrate.Outcome)
        return '%d/%d documents (%s)' % (summary.done, self.total, counts)

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


def _print_summary(summary, dry_run):
    counts = summary.counts
    verb = 'would copy' if dry_run else 'copied'
    print('%s %d, identical %d, no data %d, failed %d'
          % (verb, counts[migrate.Outcome.COPIED],
             counts[migrate.Outcome.IDENTICAL],
             counts[migrate.Outcome.NO_DATA], summary.failed))
    for node_uuid, error in sorted(summary.failures.items()):
        print('failed: %s: %s' % (node_uuid, error))


def migrate_data():
    _check_backends(CONF.source, CONF.target)
    node_uuids = _check_nodes(CONF.node)
    if node_uuids:
        total = 2 * len(node_uuids)
    else:
        total = 2 * db_nodes.count_nodes()
        node_uuids = db_nodes.iter_node_uuids()
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
    progress = Progress(total)
    try:
        summary = migration.run(node_uuids, workers=CONF.workers,
                                on_progress=progress)
    finally:
        progress.finish()
    _print_summary(summary, CONF.dry_run)
    return cli.EXIT_FAILURE if summary.failed else cli.EXIT_OK


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
