"""Several processes of several threads on the same few nodes.

No error may reach a caller (deadlocks and lock timeouts are retried),
every document read or left behind must be one that was written, whole,
and no row may be lost or duplicated.
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
from ironic_inspector.test import db_fixtures
from ironic_inspector.test.functional import concurrency_worker

PROCESSES = 3
THREADS = 4
SECONDS = 6
NODES = 3
DOCUMENT_SIZE = 4096


class MySQLConcurrencyTestCase(test_fixtures.OpportunisticDBTestMixin,
                               base.TestCase):

    FIXTURE = db_fixtures.MySQLFixture

    def setUp(self):
        super().setUp()
        self.engine = self._get_default_provisioned_db().engine
        self.tempdir = self.useFixture(fixtures.TempDir()).path
        self.url = self.engine.url.render_as_string(hide_password=False)

    def _config_file(self):
        path = os.path.join(self.tempdir, 'inspector.conf')
        with open(path, 'w') as config:
            config.write('[database]\nconnection = %s\n' % self.url)
        return path

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
                   'size': DOCUMENT_SIZE, 'process': 'p%d' % process}
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
            '%d processes x %d threads x %d s: %d saves, %d reads, '
            '%d errors' % (PROCESSES, THREADS, SECONDS, saves, reads,
                           len(errors))))
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
        with self.engine.begin() as conn:
            migration.upgrade('head', connection=conn)
