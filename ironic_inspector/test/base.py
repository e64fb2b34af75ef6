"""Base test case: configuration and logging fixtures for every test."""

import fixtures
from oslo_config import fixture as config_fixture
from oslo_db.sqlalchemy import test_fixtures
import testtools

from ironic_inspector import conf
from ironic_inspector.processing import hooks
from ironic_inspector import storage
from ironic_inspector.test import db_fixtures


class TestCase(testtools.TestCase):
    """A test with its own configuration and captured logs."""

    def setUp(self):
        super().setUp()
        self._config = self.useFixture(config_fixture.Config(conf.CONF))
        self.logs = self.useFixture(fixtures.FakeLogger(level='DEBUG'))
        # Backends and processing hooks are built from the configuration
        # on first use.
        for cache in (storage, hooks):
            cache.clear_cache()
            self.addCleanup(cache.clear_cache)

    def config(self, group=None, **values):
        """Override options for this test only."""
        self._config.config(group=group, **values)


class DbTestCase(test_fixtures.OpportunisticDBTestMixin, TestCase):
    """A test with an empty, migrated database (SQLite unless overridden).

    Subclasses set ``FIXTURE`` to run on MariaDB or PostgreSQL; the test
    skips, saying why, where that server is not available.
    """

    FIXTURE = db_fixtures.SQLiteFixture

    def setUp(self):
        super().setUp()
        self.engine = self._get_default_provisioned_db().engine
