"""ironic-inspector-status upgrade check: is this deployment ready?"""

import sys

from oslo_config import cfg
from oslo_upgradecheck import upgradecheck

from ironic_inspector.cmd import cli
from ironic_inspector.common import exception
from ironic_inspector.common import release_mappings
from ironic_inspector import conf
from ironic_inspector.db import adoption
from ironic_inspector.db import engine as db_engine
from ironic_inspector.db import migration
from ironic_inspector.db import online_migrations
from ironic_inspector import storage

CONF = conf.CONF
PROG = 'ironic-inspector-status'
Code = upgradecheck.Code
Result = upgradecheck.Result

# Failures a check reports as its result rather than as a traceback.
_EXPECTED = (exception.InspectorException,) + cli.DATABASE_ERRORS


def _failure(exc):
    return Result(Code.FAILURE,
                  cli.describe_error(exc, CONF.database.connection))


class Checks(upgradecheck.UpgradeCommands):
    """Each check returns a Result; the worst one is the exit code."""

    def _check_schema(self):
        try:
            migration.check_current()
        except _EXPECTED as exc:
            return _failure(exc)
        return Result(Code.SUCCESS)

    def _check_online_migrations(self):
        pending = []
        try:
            migration.check_current()
        except _EXPECTED:
            return Result(Code.FAILURE, 'Not counted until the database '
                                        'schema is current.')
        try:
            for migrate in online_migrations.ONLINE_MIGRATIONS:
                # A batch of 0 rows counts what needs migrating, and
                # changes nothing.
                found, _, _ = migrate(CONF.pin_release_version, 0)
                if found:
                    pending.append('%s (%d rows)' % (migrate.__name__, found))
        except _EXPECTED as exc:
            return _failure(exc)
        if pending:
            return Result(Code.FAILURE,
                          'Online data migrations are pending: %s; run '
                          '"ironic-inspector-dbsync online_data_migrations" '
                          '(again once no ironic-inspector 12.x service '
                          'writes to the database).' % ', '.join(pending))
        return Result(Code.SUCCESS)

    def _check_release_12_tables(self):
        try:
            # A report: the replica, where there is one, will do.
            with db_engine.stale_reader() as conn:
                tables = adoption.release_12_tables(conn)
        except _EXPECTED as exc:
            return _failure(exc)
        if tables:
            return Result(Code.SUCCESS,
                          'Tables of ironic-inspector 12.x remain: %s. This '
                          'release does not use them; they stay until you '
                          'retire 12.x (README: "Upgrading from '
                          'ironic-inspector 12.x").' % ', '.join(tables))
        return Result(Code.SUCCESS)

    def _check_storage_backend(self):
        name = CONF.processing.storage_backend
        try:
            storage.get_backend(name).check()
        except _EXPECTED as exc:
            return _failure(exc)
        return Result(Code.SUCCESS, 'Storage backend "%s" answers.' % name)

    def _check_release_pin(self):
        try:
            pinned = CONF.pin_release_version
        except cfg.ConfigFileValueError:
            return Result(Code.FAILURE,
                          '[DEFAULT]pin_release_version names an unknown '
                          'release; known: %s.' % ', '.join(
                              release_mappings.pinnable_releases()))
        if pinned:
            return Result(Code.WARNING,
                          'Objects are pinned to release %s; unset '
                          '[DEFAULT]pin_release_version once every service '
                          'runs this release.' % pinned)
        return Result(Code.SUCCESS)

    _upgrade_checks = (
        ('Release pin', _check_release_pin),
        ('Database schema', _check_schema),
        ('Online data migrations', _check_online_migrations),
        ('ironic-inspector 12.x tables', _check_release_12_tables),
        ('Storage backend', _check_storage_backend),
    )


def _register_cli_options(checks):
    """``upgrade check [--json]``, as oslo.upgradecheck's own, but with
    ``check`` the only action: any other word is a usage error."""
    def add_parsers(subparsers):
        parser = subparsers.add_parser('upgrade', help='Upgrade checks.')
        parser.add_argument('check', choices=['check'],
                            help='Run the upgrade checks.')
        parser.add_argument('--json', action='store_true',
                            help='Print the results as JSON.')
        parser.set_defaults(action_fn=checks.check)

    CONF.register_cli_opt(cfg.SubCommandOpt('command', handler=add_parsers))


def main(argv=None):
    cli.prepare(CONF)
    _register_cli_options(Checks())
    cli.load_config(PROG, argv)
    # NOTE: UpgradeCommands.check reads --json from the module's CONF,
    # which only upgradecheck.main() sets.
    upgradecheck.CONF = CONF
    return upgradecheck.run(CONF)


if __name__ == '__main__':
    sys.exit(main())
