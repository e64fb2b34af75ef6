"""Several processes of several threads on the same few nodes.

No error may reach a caller (deadlocks and lock timeouts are retried),
every document read or left behind must be one that was written, whole,
no row may be duplicated, and no acknowledged write lost (each thread
also writes a node of its own and reads its writes back). The processes
call the storage backend themselves or, in the Conductor cases, have no
storage at all and go through two conductors over the real RabbitMQ.
"""

import json
import os

import fixtures
from oslo_db.sqlalchemy import test_fixtures
from oslo_utils import uuidutils
import sqlalchemy as sa
import testtools.content

from ironic_inspector.db import migration
from ironic_inspector.test import base
from ironic_inspector.test import commands
from ironic_inspector.test import concurrency
from ironic_inspector.test import db_fixtures
from ironic_inspector.test import keystone_fixtures
from ironic_inspector.test import rpc_fixtures
from ironic_inspector.test import swift_fixtures
from ironic_inspector.test.functional import concurrency_worker
from ironic_inspector.test.functional import test_reliability

PROCESSES = 3
THREADS = 4
SECONDS = 6
NODES = 3
CONDUCTORS = 2
DOCUMENT_SIZE = 4096


class MySQLConcurrencyTestCase(test_fixtures.OpportunisticDBTestMixin,
                               base.TestCase):

    FIXTURE = db_fixtures.MySQLFixture
    THROUGH_CONDUCTOR = False

    def setUp(self):
        super().setUp()
        self.engine = self._get_default_provisioned_db().engine
        self.tempdir = self.useFixture(fixtures.TempDir()).path
        self.url = self.engine.url.render_as_string(hide_password=False)

    def _write_config(self, options):
        """A configuration file of ``{group: {name: value}}``."""
        return self.useFixture(commands.CommandFixture(options)).config_file

    def _config_file(self):
        return self._write_config({'database': {'connection': self.url}})

    def _create_nodes(self):
        nodes = [uuidutils.generate_uuid()
                 for _ in range(NODES + PROCESSES * THREADS)]
        with self.engine.begin() as conn:
            for node in nodes:
                conn.execute(sa.text("INSERT INTO nodes (uuid, state) "
                                     "VALUES (:uuid, 'finished')"),
                             {'uuid': node})
        return nodes[:NODES], nodes[NODES:]

    def _run_workers(self, nodes, private_nodes):
        config_file = self._config_file()
        jobs = [{'config_file': config_file, 'nodes': nodes,
                 'threads': THREADS, 'seconds': SECONDS,
                 'size': DOCUMENT_SIZE, 'process': 'p%d' % process,
                 'deletes': True,
                 'private_nodes': private_nodes[process * THREADS:
                                                (process + 1) * THREADS],
                 'through_conductor': self.THROUGH_CONDUCTOR}
                for process in range(PROCESSES)]
        return concurrency.Workers(jobs).reports(self, timeout=SECONDS * 10)

    def test_concurrent_saves_and_reads(self):
        nodes, private_nodes = self._create_nodes()
        totals = concurrency.Totals(self._run_workers(nodes, private_nodes))
        with self.engine.connect() as conn:
            rows = conn.execute(sa.text(
                'SELECT uuid, processed, data FROM introspection_data'
            )).all()
        keys = [(uuid, bool(processed)) for uuid, processed, _ in rows]
        self.assertEqual(len(keys), len(set(keys)))
        stored = {(uuid, bool(processed)): json.loads(data)
                  for uuid, processed, data in rows}
        totals.check_left_behind(lambda node, processed:
                                 stored.get((node, processed)))
        for document in stored.values():
            self.assertTrue(concurrency_worker.is_intact(document))
        self.addDetail('figures', testtools.content.text_content(
            '%d processes x %d threads x %d s%s: %d operations, %d saves, '
            '%d errors' % (PROCESSES, THREADS, SECONDS,
                           ' through %d conductors' % CONDUCTORS
                           if self.THROUGH_CONDUCTOR else '',
                           totals.operations, totals.saves,
                           len(totals.errors))))
        totals.assert_nothing_lost(self)
        self.assertGreater(totals.saves, PROCESSES * THREADS)


class PostgresqlConcurrencyTestCase(MySQLConcurrencyTestCase):
    FIXTURE = db_fixtures.PostgresqlFixture


class SQLiteConcurrencyTestCase(MySQLConcurrencyTestCase):
    """SQLite's single writer, on a file the processes share."""

    FIXTURE = db_fixtures.SQLiteFixture

    def setUp(self):
        super().setUp()
        self.url = 'sqlite:///%s' % os.path.join(self.tempdir, 'shared.db')
        self.engine = sa.create_engine(self.url)
        self.addCleanup(self.engine.dispose)
        migration.upgrade('head', engine=self.engine)


class MySQLConductorConcurrencyTestCase(MySQLConcurrencyTestCase):
    """Storage-less processes; two conductors share the database."""

    THROUGH_CONDUCTOR = True

    def setUp(self):
        rpc_fixtures.skip_without_rabbit(self)
        super().setUp()
        self.topic = 'ironic-inspector-test-%s' % uuidutils.generate_uuid()
        for number in range(CONDUCTORS):
            config_file = self._write_config({
                'DEFAULT': {'transport_url': rpc_fixtures.TRANSPORT_URL,
                            'host': 'conductor-%d' % number},
                'conductor': {'topic': self.topic},
                'database': {'connection': self.url}})
            self.useFixture(rpc_fixtures.ConductorProcess(config_file))

    def _config_file(self):
        # No database the client could open: every call goes over RPC.
        return self._write_config({
            'DEFAULT': {'transport_url': rpc_fixtures.TRANSPORT_URL,
                        'rpc_response_timeout': '30'},
            'conductor': {'topic': self.topic},
            'database': {'connection':
                         'sqlite:////nonexistent/forbidden.sqlite'}})


class PostgresqlConductorConcurrencyTestCase(
        MySQLConductorConcurrencyTestCase):
    FIXTURE = db_fixtures.PostgresqlFixture


class KeystoneSwiftConcurrencyTestCase(swift_fixtures.KeystoneSwiftMixin,
                                       test_reliability.SwiftScenarioMixin,
                                       test_reliability.ScenarioTestCase):
    """The processes keep the documents in a Swift that checks Keystone
    tokens, as the ironic-inspector service user. Where Keystone's tokens
    live a minute or less (CI's: 30 s), the run outlasts one, so that
    every thread's connection renews its token while the others work."""

    def setUp(self):
        self.skip_without_swift()
        super().setUp()
        self.container = self.useFixture(self.swift_fixture())
        lifetime = keystone_fixtures.token_expiration()
        if lifetime <= 60:
            self.SECONDS = lifetime + 5

    def test_concurrent_saves_and_reads(self):
        workers = self.start_workers()
        totals = self.totals(workers.reports(self,
                                             timeout=self.SECONDS * 10))
        totals.check_left_behind(self.read_stored)
        self.addDetail('figures', testtools.content.text_content(
            '%d processes x %d threads x %d s%s: %d operations, %d saves'
            % (PROCESSES, THREADS, self.SECONDS, self.scenario_suffix,
               totals.operations, totals.saves)))
        totals.assert_nothing_lost(self)
        self.assertGreater(totals.saves, PROCESSES * THREADS)


class KeystoneSwiftConductorConcurrencyTestCase(
        KeystoneSwiftConcurrencyTestCase):
    """Storage-less processes; two conductors keep the documents in the
    Swift that checks Keystone tokens."""

    THROUGH_CONDUCTOR = True
