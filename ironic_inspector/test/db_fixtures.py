"""Temporary databases with the project's schema, from oslo.db.

oslo.db's opportunistic fixtures create a database of a random name on
the server (SQLite: a fresh in-memory database), run our migrations once
for all the tests that share it, and point :mod:`ironic_inspector.db.api`
at it. Between tests the rows are deleted. MariaDB and PostgreSQL are
reached as ``openstack_citest`` (see ``tools/test-setup.sh``) or through
``OS_TEST_DBAPI_ADMIN_CONNECTION``.
"""

import fixtures
from oslo_db.sqlalchemy import test_fixtures

from ironic_inspector.db import api as db_api
from ironic_inspector.db import migration
from ironic_inspector.db import models


class _InspectorSchema(test_fixtures.GeneratesSchemaFromMigrations,
                       test_fixtures.DeletesFromSchema):

    def get_enginefacade(self):
        return db_api._facade

    def setup_for_reset(self, engine, enginefacade):
        # The fixture makes its engine itself; give it the pool of ours.
        db_api.tune_pool(engine)

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
        return db_api._facade


class EmptySQLiteFixture(_EmptyDatabase, test_fixtures.OpportunisticDbFixture):
    DRIVER = 'sqlite'


class EmptyMySQLFixture(_EmptyDatabase, test_fixtures.OpportunisticDbFixture):
    DRIVER = 'mysql'


class EmptyPostgresqlFixture(_EmptyDatabase,
                             test_fixtures.OpportunisticDbFixture):
    DRIVER = 'postgresql'


class RetryBudget(fixtures.Fixture):
    """Sets db.api's retries (db_api.configure_retries) until cleanup."""

    def __init__(self, max_retries, max_retry_interval):
        super().__init__()
        self.budget = (max_retries, max_retry_interval)

    def _setUp(self):
        policy = db_api._retry_policy
        self.addCleanup(db_api.configure_retries, policy.max_retries,
                        policy.max_retry_interval)
        db_api.configure_retries(*self.budget)
