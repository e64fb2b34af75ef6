"""ironic-inspector-dbsync: create and upgrade the database schema."""

import sys

from oslo_config import cfg
import prettytable

from ironic_inspector.cmd import cli
from ironic_inspector import conf
from ironic_inspector.db import batching
from ironic_inspector.db import migration
from ironic_inspector.db import online_migrations

CONF = conf.CONF
PROG = 'ironic-inspector-dbsync'

# Rows changed by the first transaction (one statement each) of each
# migration; the others are sized by time.
DEFAULT_BATCH = 1000


def do_upgrade():
    adopted = migration.upgrade(CONF.command.revision)
    if adopted:
        print('Adopted the database of ironic-inspector 12.5.0 (revision '
              '%s); it keeps working for 12.5.0 services.' % adopted)
    print('Database schema is at revision %s.' % migration.version())


def do_version():
    print(migration.describe(migration.version()))


def do_stamp():
    migration.stamp(CONF.command.revision)


def do_revision():
    migration.revision(message=CONF.command.message,
                       autogenerate=CONF.command.autogenerate)


def _run_migrations(max_count):
    """Run every online migration up to ``max_count`` rows in all.

    Each migration counts its rows once, then changes them in batches,
    one statement and transaction each, each continuing along the table's
    key after the one before: DEFAULT_BATCH rows first, then as many as
    take about the time ``db.batching`` aims at. One left without rows to
    change still counts what it would change.

    :returns: a list of ``(name, found, done)``.
    """
    release = CONF.pin_release_version
    results = []
    for migrate in online_migrations.ONLINE_MIGRATIONS:
        found, done, after = None, 0, None
        sizes = batching.BatchSize(DEFAULT_BATCH)
        while True:
            with sizes.timed() as size:
                batch = (size if max_count is None
                         else min(size, max_count - done))
                counted, changed, after = migrate(
                    release, batch, count=found is None, after=after)
            if found is None:
                found = counted
            done += changed
            if after is None or done >= found:
                break
        # NOTE: rows written while the batches ran are counted too.
        results.append((migrate.__name__, max(found, done), done))
        if max_count is not None:
            max_count -= done
    return results


def do_online_data_migrations():
    max_count = CONF.command.max_count
    if max_count is not None and max_count < 1:
        print('%s: error: --max-count must be a positive number'
              % PROG, file=sys.stderr)
        return cli.EXIT_USAGE
    migration.check_current()
    if max_count is None:
        print('Running batches (%d rows first, then sized to take about '
              '%g s each) until migrations have been completed.'
              % (DEFAULT_BATCH, batching.TARGET))
    results = _run_migrations(max_count)
    # NOTE: the table ironic's online_data_migrations prints.
    table = prettytable.PrettyTable(['Migration', 'Total Needed',
                                     'Completed'])
    for name, found, done in sorted(results):
        table.add_row([name, found, done])
    print(table)
    remaining = sum(found - done for _, found, done in results)
    if remaining:
        print('%d rows still need migrating; run the command again.'
              % remaining)
        return cli.EXIT_FAILURE
    print('All online data migrations are complete.')
    return cli.EXIT_OK


def add_command_parsers(subparsers):
    parser = subparsers.add_parser(
        'upgrade', help='Create the schema or bring it to the newest '
                        'revision (harmless when already there).')
    parser.add_argument('--revision', default='head')
    parser.set_defaults(func=do_upgrade)

    parser = subparsers.add_parser(
        'version', help='Print the revision the schema is at.')
    parser.set_defaults(func=do_version)

    parser = subparsers.add_parser(
        'stamp', help='Record a revision without migrating.')
    parser.add_argument('revision')
    parser.set_defaults(func=do_stamp)

    parser = subparsers.add_parser(
        'revision', help='Write a new migration file (for developers).')
    parser.add_argument('-m', '--message')
    parser.add_argument('--autogenerate', action='store_true')
    parser.set_defaults(func=do_revision)

    parser = subparsers.add_parser(
        'online_data_migrations',
        help='Bring rows to the current object versions, in batches; '
             'exits 1 while rows remain.')
    parser.add_argument('--max-count', type=int, dest='max_count',
                        help='Change at most this many rows in this run.')
    parser.set_defaults(func=do_online_data_migrations)


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
