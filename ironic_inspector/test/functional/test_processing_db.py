"""Lookup, locking and the pipeline on MariaDB and PostgreSQL.

The unit tests of test/unit run here on the servers; and processes race
to lock one node, directly on either database, and through conductors
over RabbitMQ on MariaDB (a conductor runs the same statement on either).
Each class skips, saying why, where its server is missing.
"""

import subprocess
import sys
import time

from oslo_db.sqlalchemy import test_fixtures
from oslo_utils import uuidutils

from ironic_inspector.common import context
from ironic_inspector import objects
from ironic_inspector.test import base
from ironic_inspector.test import commands
from ironic_inspector.test import db_fixtures
from ironic_inspector.test.functional import lock_worker
from ironic_inspector.test import rpc_fixtures
from ironic_inspector.test.unit.objects import test_node
from ironic_inspector.test.unit.processing import test_pipeline

PROCESSES = 4


class MySQLLookupDataTestCase(test_node.LookupDataTestCase):
    FIXTURE = db_fixtures.MySQLFixture


class PostgresqlLookupDataTestCase(test_node.LookupDataTestCase):
    FIXTURE = db_fixtures.PostgresqlFixture


class MySQLLookupTestCase(test_node.LookupTestCase):
    FIXTURE = db_fixtures.MySQLFixture


class PostgresqlLookupTestCase(test_node.LookupTestCase):
    FIXTURE = db_fixtures.PostgresqlFixture


class MySQLLockingTestCase(test_node.LockingTestCase):
    FIXTURE = db_fixtures.MySQLFixture


class PostgresqlLockingTestCase(test_node.LockingTestCase):
    FIXTURE = db_fixtures.PostgresqlFixture


class MySQLProcessTestCase(test_pipeline.ProcessTestCase):
    FIXTURE = db_fixtures.MySQLFixture


class PostgresqlProcessTestCase(test_pipeline.ProcessTestCase):
    FIXTURE = db_fixtures.PostgresqlFixture


class MySQLReapplyTestCase(test_pipeline.ReapplyTestCase):
    FIXTURE = db_fixtures.MySQLFixture


class PostgresqlReapplyTestCase(test_pipeline.ReapplyTestCase):
    FIXTURE = db_fixtures.PostgresqlFixture


class MySQLLockRaceTestCase(test_fixtures.OpportunisticDBTestMixin,
                            base.TestCase):
    """Processes lock one waiting node at the same moment: one wins."""

    FIXTURE = db_fixtures.MySQLFixture
    THROUGH_CONDUCTOR = False

    def setUp(self):
        super().setUp()
        self.url = self._get_default_provisioned_db().engine.url \
            .render_as_string(hide_password=False)
        self.config_file = self.useFixture(commands.CommandFixture(
            {'database': {'connection': self.url}})).config_file
        objects.register_all()
        self.node = uuidutils.generate_uuid()
        objects.Node(context.RequestContext(), uuid=self.node,
                     state='waiting').create()

    def test_one_processing_wins(self):
        start = time.time() + 3
        workers = [subprocess.Popen(
            [sys.executable, '-m', lock_worker.__name__, self.config_file,
             self.node, str(start)]
            + (['conductor'] if self.THROUGH_CONDUCTOR else []),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(PROCESSES)]
        outcomes = []
        for worker in workers:
            out, err = worker.communicate(timeout=120)
            self.assertEqual(0, worker.returncode, err)
            outcomes.append(out.strip())
        self.assertEqual(['NodeLocked 409'] * (PROCESSES - 1) + ['won'],
                         sorted(outcomes))
        self.assertEqual('processing', objects.Node.get_by_uuid(
            context.RequestContext(), self.node).state)


class PostgresqlLockRaceTestCase(MySQLLockRaceTestCase):
    FIXTURE = db_fixtures.PostgresqlFixture


class MySQLConductorLockRaceTestCase(MySQLLockRaceTestCase):
    """The racing processes have no database: conductors lock for them."""

    THROUGH_CONDUCTOR = True

    def setUp(self):
        rpc_fixtures.skip_without_rabbit(self)
        super().setUp()
        topic = 'ironic-inspector-test-%s' % uuidutils.generate_uuid()
        for number in range(2):
            conductor_config = self.useFixture(commands.CommandFixture({
                'DEFAULT': {'transport_url': rpc_fixtures.TRANSPORT_URL,
                            'host': 'conductor-%d' % number},
                'conductor': {'topic': topic},
                'database': {'connection': self.url}})).config_file
            self.useFixture(rpc_fixtures.ConductorProcess(conductor_config))
        self.config_file = self.useFixture(commands.CommandFixture({
            'DEFAULT': {'transport_url': rpc_fixtures.TRANSPORT_URL,
                        'rpc_response_timeout': '30'},
            'conductor': {'topic': topic},
            'database': {'connection':
                         'sqlite:////nonexistent/forbidden.sqlite'}})
        ).config_file
