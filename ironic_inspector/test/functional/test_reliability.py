"""The concurrency suite on the production topology, with faults.

Several processes of several threads save, replace, read and delete the
documents of a few shared nodes (60 KB, and 8 MB now and then), directly
or through two conductors over the real RabbitMQ, while:

(a) the writers are spread over the three nodes of a Galera cluster, so
    that writes to the same rows on different nodes fail certification
    (a deadlock error at commit), to be retried;
(b) they go through HAProxy, whose active Galera node is killed (SIGKILL)
    in the middle of the run and later restarted;
(c) they use a Swift with three replicas, one of whose object servers is
    killed in the middle of the run and later restarted.

No error may reach a caller, every document read must be whole, and no
acknowledged write may be lost: each thread also writes a node of its own,
reads every write back at once and reports its last one, which must be
what is stored after the run. Each run records its line of the table of
doc/reliability.rst (see ironic_inspector.test.concurrency).
"""

import json
import threading
import time

import fixtures
from oslo_utils import uuidutils
import sqlalchemy as sa

from ironic_inspector.common import exception
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import storage
from ironic_inspector.test import base
from ironic_inspector.test import commands
from ironic_inspector.test import concurrency
from ironic_inspector.test import rpc_fixtures
from ironic_inspector.test import swift_fixtures
from ironic_inspector.test import topology_fixtures
from ironic_inspector.test.functional import concurrency_worker

PROCESSES = 3
THREADS = 4
NODES = 3
CONDUCTORS = 2
DOCUMENT_SIZE = 60 * 1024
LARGE_DOCUMENT_SIZE = 8 * 1024 * 1024
# Every this many operations of a thread saves an 8 MB document.
LARGE_EVERY = 25
# The longest a run the test stops may last.
MAX_SECONDS = 180
# Conductors log oslo.db's retries (at debug level), for the table.
CONDUCTOR_LOG_LEVELS = ('oslo_db.api=DEBUG,amqp=WARN,amqplib=WARN,'
                        'oslo.messaging=INFO,oslo_messaging=INFO,'
                        'stevedore=WARN,urllib3=WARN')


class ScenarioTestCase(base.TestCase):
    """Runs the worker processes on ``self.nodes``; subclasses set the
    storage up and say where each process and conductor connects."""

    SECONDS = 6
    THROUGH_CONDUCTOR = False

    def setUp(self):
        if self.THROUGH_CONDUCTOR:
            rpc_fixtures.skip_without_rabbit(self)
        super().setUp()
        self.nodes = [uuidutils.generate_uuid() for _ in range(NODES)]
        self.private_nodes = [[uuidutils.generate_uuid()
                               for _ in range(THREADS)]
                              for _ in range(PROCESSES)]
        self.topic = 'ironic-inspector-test-%s' % uuidutils.generate_uuid()

    def _config_file(self, options):
        return self.useFixture(commands.CommandFixture(options)).config_file

    def storage_options(self, number):
        """``{group: {name: value}}`` of process or conductor ``number``."""
        raise NotImplementedError()

    def _start_conductors(self):
        self.conductors = []
        for number in range(CONDUCTORS):
            options = self.storage_options(number)
            options['DEFAULT'] = {'transport_url': rpc_fixtures.TRANSPORT_URL,
                                  'host': 'conductor-%d' % number,
                                  'default_log_levels': CONDUCTOR_LOG_LEVELS}
            options['conductor'] = {'topic': self.topic}
            self.conductors.append(self.useFixture(
                rpc_fixtures.ConductorProcess(self._config_file(options))))

    def totals(self, reports):
        """The reports added up, with the conductors' retries."""
        totals = concurrency.Totals(reports)
        if self.THROUGH_CONDUCTOR:
            for conductor in self.conductors:
                conductor.stop()
                totals.retries += sum(
                    concurrency_worker.RETRY_MESSAGE in line
                    for line in conductor.output)
        return totals

    def _client_options(self, number):
        if not self.THROUGH_CONDUCTOR:
            return self.storage_options(number)
        # No storage the client could open: every call goes over RPC, and
        # waits out the conductors' database retries.
        return {'DEFAULT': {'transport_url': rpc_fixtures.TRANSPORT_URL,
                            'rpc_response_timeout': '60'},
                'conductor': {'topic': self.topic},
                'database': {'connection':
                             'sqlite:////nonexistent/forbidden.sqlite'}}

    def start_workers(self, controlled=False):
        """Start the worker processes.

        :param controlled: the test says when they stop (and they run at
            most ``MAX_SECONDS``) and can wait until they work; otherwise
            they run ``SECONDS``.
        """
        if self.THROUGH_CONDUCTOR:
            self._start_conductors()
        jobs = [{'config_file': self._config_file(
                     self._client_options(number)),
                 'nodes': self.nodes, 'threads': THREADS,
                 'seconds': MAX_SECONDS if controlled else self.SECONDS,
                 'size': DOCUMENT_SIZE,
                 'large_size': LARGE_DOCUMENT_SIZE,
                 'large_every': LARGE_EVERY, 'deletes': True,
                 'private_nodes': self.private_nodes[number],
                 'process': 'p%d' % number,
                 'through_conductor': self.THROUGH_CONDUCTOR}
                for number in range(PROCESSES)]
        control_dir = None
        if controlled:
            control_dir = self.useFixture(fixtures.TempDir()).path
        workers = concurrency.Workers(jobs, control_dir)
        if controlled:
            self.addCleanup(workers.stop)
        return workers

    @property
    def scenario_suffix(self):
        return ' via %d conductors' % CONDUCTORS if self.THROUGH_CONDUCTOR \
            else ''


class GaleraTestCase(ScenarioTestCase):
    """A database of the test's own on the Galera cluster."""

    def setUp(self):
        super().setUp()
        self.cluster = topology_fixtures.GaleraCluster(self)
        self.cluster.wait_until_whole()
        self.database = self.useFixture(topology_fixtures.ScratchDatabase(
            self.cluster.node_urls[0]))
        with self.database.engine.begin() as conn:
            for node in self.nodes + sum(self.private_nodes, []):
                conn.execute(sa.text("INSERT INTO nodes (uuid, state) "
                                     "VALUES (:uuid, 'finished')"),
                             {'uuid': node})

    def check_rows(self, totals):
        """Read what is left through HAProxy, the cluster whole again."""
        engine = sa.create_engine(
            self.database.url_at(self.cluster.haproxy_url),
            connect_args={'init_command': 'SET SESSION wsrep_sync_wait = 1'})
        self.addCleanup(engine.dispose)
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                'SELECT uuid, processed, data FROM introspection_data'
            )).all()
        keys = [(uuid, bool(processed)) for uuid, processed, _ in rows]
        self.assertEqual(len(keys), len(set(keys)))
        stored = {(uuid, bool(processed)): data
                  for uuid, processed, data in rows}

        def read(node, processed):
            data = stored.get((node, processed))
            return None if data is None else json.loads(data)

        totals.check_left_behind(read)


class GaleraConflictTestCase(GaleraTestCase):
    """(a) Writers on all three nodes: certification conflicts."""

    def storage_options(self, number):
        node_url = self.cluster.node_urls[number % len(self.cluster.node_urls)]
        return {'database': {'connection': self.database.url_at(node_url)}}

    def test_conflicts_are_retried(self):
        totals = self.totals(
            self.start_workers().reports(self, timeout=self.SECONDS * 10))
        self.check_rows(totals)
        totals.record(self, '(a) Galera, writers on 3 nodes'
                      + self.scenario_suffix)
        totals.assert_nothing_lost(self)
        self.assertGreater(totals.retries, 0,
                           'no certification conflict happened')


class GaleraConflictConductorTestCase(GaleraConflictTestCase):
    THROUGH_CONDUCTOR = True


class GaleraFailoverTestCase(GaleraTestCase):
    """(b) Through HAProxy; the active node dies, then comes back.

    Once every worker is working, the active node is killed; HAProxy finds
    it dead some 10 s later (a check every 2 s, down after 5 failures) and
    sends new connections to a backup. The node is restarted while the
    backup serves, joins again, and HAProxy sends connections to it once
    it is synced; the workers stop a little after that.
    """

    # Seconds of calls before the kill, on the backup before the restart,
    # and after the failback.
    BEFORE_KILL = 1
    ON_BACKUP = 2
    AFTER_FAILBACK = 2

    def storage_options(self, number):
        return {'database': {'connection': self.database.url_at(
            self.cluster.haproxy_url)}}

    def test_failover(self):
        active = self.cluster.active_node()
        # Whatever happens, leave the cluster whole for the next test.
        self.addCleanup(self.cluster.wait_until_whole)
        self.addCleanup(self.cluster.restart, active)
        workers = self.start_workers(controlled=True)
        workers.wait_working()
        time.sleep(self.BEFORE_KILL)
        killed = self.cluster.kill(active)
        self.cluster.wait_failover(active)
        time.sleep(self.ON_BACKUP)
        self.cluster.restart(active)
        back = time.time()
        self.cluster.wait_until_whole(active=active)
        time.sleep(self.AFTER_FAILBACK)
        workers.stop()
        totals = self.totals(workers.reports(self, timeout=120))
        self.check_rows(totals)
        in_flight = totals.in_flight_at(killed)
        while_down = totals.succeeded_between(killed, back)
        totals.record(self, '(b) Galera via HAProxy, active node killed'
                      + self.scenario_suffix, calls_in_flight=in_flight,
                      done_while_down=while_down)
        totals.assert_nothing_lost(self)
        self.assertGreater(in_flight, 0,
                           'no call was in flight when the node was killed')
        self.assertGreater(while_down, 0)


class GaleraFailoverConductorTestCase(GaleraFailoverTestCase):
    THROUGH_CONDUCTOR = True


class GaleraNodeCutOffTestCase(base.TestCase):
    """The node a service uses leaves the cluster in the middle of a call.

    Cut off, a node refuses writes ("Not connected to Primary Component",
    then "WSREP has not yet prepared node for application use") until it
    is back; calls wait it out.
    """

    NODE = 3
    CUT_OFF_FOR = 4

    def setUp(self):
        super().setUp()
        self.cluster = topology_fixtures.GaleraCluster(self)
        self.cluster.wait_until_whole()
        database = self.useFixture(topology_fixtures.ScratchDatabase(
            self.cluster.node_urls[0]))
        self.useFixture(commands.CommandFixture({'database': {
            'connection': database.url_at(
                self.cluster.node_urls[self.NODE - 1])}})).use_database()
        self.backend = storage.get_backend('database')
        self.node = uuidutils.generate_uuid()
        db_nodes.create_node(self.node, 'finished')

    def test_saves_wait_for_the_node_to_come_back(self):
        self.addCleanup(self.cluster.wait_until_whole)
        self.addCleanup(self.cluster.isolate, self.NODE, False)
        self.cluster.isolate(self.NODE, True)
        back = threading.Timer(self.CUT_OFF_FOR, self.cluster.isolate,
                               (self.NODE, False))
        back.start()
        # Saves one after the other, from the moment the node is cut off
        # until it is let back: one fails at commit while the node still
        # thinks itself in the cluster, the next ones while it knows it
        # is not, until it is back.
        generation = 0
        while back.is_alive():
            generation += 1
            self.backend.save(self.node, {'generation': generation})
            time.sleep(0.1)
        self.assertIn('Not connected to Primary Component', self.logs.output)
        self.assertIn('WSREP has not yet prepared node', self.logs.output)
        self.assertEqual({'generation': generation},
                         self.backend.get(self.node))


class SwiftScenarioMixin:
    """The processes and conductors keep the documents in the Swift
    container of ``self.container`` (a swift_fixtures fixture)."""

    def storage_options(self, number):
        return {'processing': {'storage_backend': 'swift'},
                'swift': self.container.options(), 'database': {}}

    def read_stored(self, node, processed):
        """What the container holds after the run, or None."""
        try:
            return storage.get_backend('swift').get(node, processed)
        except exception.IntrospectionDataNotFound:
            return None


class SwiftObjectServerFailureTestCase(SwiftScenarioMixin, ScenarioTestCase):
    """(c) Three replicas; one object server dies, then comes back."""

    # Seconds of calls before the kill and while the server is down.
    BEFORE_KILL = 1
    WHILE_DOWN = 4
    VICTIM = 2

    def setUp(self):
        super().setUp()
        self.swift = topology_fixtures.ReplicatedSwift(self)
        self.container = self.useFixture(swift_fixtures.SwiftContainerFixture(
            self.config, self.swift.credentials))

    def test_object_server_failure(self):
        self.addCleanup(self.swift.restart_object_server, self.VICTIM)
        workers = self.start_workers(controlled=True)
        workers.wait_working()
        time.sleep(self.BEFORE_KILL)
        killed = self.swift.kill_object_server(self.VICTIM)
        time.sleep(self.WHILE_DOWN)
        # NOTE: stopped before the server is back, so that what it missed
        # is not written again: the reads after the run must still find
        # the latest documents, not the copies it kept.
        workers.stop()
        reports = workers.reports(self, timeout=120)
        stopped = time.time()
        self.swift.restart_object_server(self.VICTIM)
        totals = self.totals(reports)
        totals.check_left_behind(self.read_stored)
        while_down = totals.succeeded_between(killed, stopped)
        totals.record(self, '(c) Swift, 3 replicas, object server killed'
                      + self.scenario_suffix, done_while_down=while_down)
        totals.assert_nothing_lost(self)
        self.assertGreater(while_down, 0)


class SwiftObjectServerFailureConductorTestCase(
        SwiftObjectServerFailureTestCase):
    THROUGH_CONDUCTOR = True
