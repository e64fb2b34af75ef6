"""Several processes of several threads on the same few nodes.

No error may reach a caller (deadlocks and lock timeouts are retried),
every document read or left behind must be one that was written, whole,
and no row may be lost or duplicated. The processes call the storage
backend themselves or, in the Conductor cases, have no storage at all and
go through two conductors over the real RabbitMQ.
"""

import json
import os
import subprocess
import sys

import fixtures
from oslo_db.sqlalchemy import test_fixtures
from oslo_utils import uuidutils
import sqlalchemy as sa
import testtools.content

from ironic_inspector.db import migration
from ironic_inspector.test import base
from ironic_inspector.test import commands
from ironic_inspector.test import db_fixtures
from ironic_inspector.test import rpc_fixtures
from ironic_inspector.test.functional import concurrency_worker

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
        nodes = [uuidutils.generate_uuid() for _ in range(NODES)]
        with self.engine.begin() as conn:
            for node in nodes:
                conn.execute(sa.text("INSERT INTO nodes (uuid, state) "
                                     "VALUES (:uuid, 'finished')"),
                             {'uuid': node})
        return nodes

    def _run_workers(self, nodes):
        config_file = self._config_file()
        workers = []
        for process in range(PROCESSES):
            job = {'config_file': config_file, 'nodes': nodes,
                   'threads': THREADS, 'seconds': SECONDS,
                   'size': DOCUMENT_SIZE, 'process': 'p%d' % process,
                   'through_conductor': self.THROUGH_CONDUCTOR}
            worker = subprocess.Popen(
                [sys.executable, '-m', concurrency_worker.__name__],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True)
            worker.stdin.write(json.dumps(job))
            worker.stdin.close()
            workers.append(worker)
        reports = []
        for worker in workers:
            out = worker.stdout.read()
            err = worker.stderr.read()
            self.assertEqual(0, worker.wait(timeout=SECONDS * 10), err)
            reports.append(json.loads(out))
        return reports

    def test_concurrent_saves_and_reads(self):
        nodes = self._create_nodes()
        reports = self._run_workers(nodes)
        errors = [e for r in reports for e in r['errors']]
        saves = sum(r['saves'] for r in reports)
        reads = sum(r['reads'] for r in reports)
        self.addDetail('figures', testtools.content.text_content(
            '%d processes x %d threads x %d s%s: %d saves, %d reads, '
            '%d errors' % (PROCESSES, THREADS, SECONDS,
                           ' through %d conductors' % CONDUCTORS
                           if self.THROUGH_CONDUCTOR else '',
                           saves, reads, len(errors))))
        self.assertEqual([], errors[:5])
        self.assertGreater(saves, PROCESSES * THREADS)
        with self.engine.connect() as conn:
            rows = conn.execute(sa.text(
                'SELECT uuid, processed, data FROM introspection_data'
            )).all()
        keys = [(uuid, bool(processed)) for uuid, processed, _ in rows]
        self.assertEqual(len(keys), len(set(keys)))
        self.assertEqual({(n, p) for n in nodes for p in (True, False)},
                         set(keys))
        for _, _, data in rows:
            self.assertTrue(concurrency_worker.is_intact(json.loads(data)))


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
