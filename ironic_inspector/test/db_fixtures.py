"""Temporary databases with the project's schema, from oslo.db.

oslo.db's opportunistic fixtures create a database of a random name on
the server (SQLite: a fresh in-memory database), run our migrations once
for all the tests that share it, and point
:mod:`ironic_inspector.db.engine` at it. Between tests the rows are
deleted. MariaDB and PostgreSQL are reached as ``openstack_citest`` (see
``tools/test-setup.sh``) or through ``OS_TEST_DBAPI_ADMIN_CONNECTION``.
"""

import fixtures
from oslo_db.sqlalchemy import test_fixtures
import sqlalchemy as sa

from ironic_inspector.db import engine as db_engine
from ironic_inspector.db import migration
from ironic_inspector.db import models


class _InspectorSchema(test_fixtures.GeneratesSchemaFromMigrations,
                       test_fixtures.DeletesFromSchema):

    def get_enginefacade(self):
        return db_engine._facade

    def setup_for_reset(self, engine, enginefacade):
        # The fixture makes its engine itself; give it the pool of ours.
        db_engine.tune_pool(engine)

    def generate_schema_migrations(self, engine):
        migration.upgrade('head', engine=engine)

    def delete_from_schema(self, engine):
        with engine.begin() as connection:
            for table in reversed(models.Base.metadata.sorted_tables):
                connection.execute(table.delete())


class SQLiteFixture(_InspectorSchema, test_fixtures.OpportunisticDbFixture):
    DRIVER = 'sqlite'


class MySQLFixture(_InspectorSchema, test_fixtures.OpportunisticDbFixture):
    DRIVER = 'mysql'


class PostgresqlFixture(_InspectorSchema,
                        test_fixtures.OpportunisticDbFixture):
    DRIVER = 'postgresql'


class _EmptyDatabase:
    """An empty database, dropped clean after each test (migration tests)."""

    def get_enginefacade(self):
        return db_engine._facade


class EmptySQLiteFixture(_EmptyDatabase, test_fixtures.OpportunisticDbFixture):
    DRIVER = 'sqlite'


class EmptyMySQLFixture(_EmptyDatabase, test_fixtures.OpportunisticDbFixture):
    DRIVER = 'mysql'


class EmptyPostgresqlFixture(_EmptyDatabase,
                             test_fixtures.OpportunisticDbFixture):
    DRIVER = 'postgresql'


class RetryBudget(fixtures.Fixture):
    """Sets db.engine's retries (configure_retries) until cleanup."""

    def __init__(self, max_retries, max_retry_interval):
        super().__init__()
        self.budget = (max_retries, max_retry_interval)

    def _setUp(self):
        policy = db_engine._retry_policy
        self.addCleanup(db_engine.configure_retries, policy.max_retries,
                        policy.max_retry_interval)
        db_engine.configure_retries(*self.budget)


class StatementCounter:
    """Counts the statements an engine sends, as a context manager."""

    def __init__(self, engine):
        self.engine = engine
        self.statements = []

    def _record(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def __enter__(self):
        sa.event.listen(self.engine, 'before_cursor_execute', self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, 'before_cursor_execute', self._record)
