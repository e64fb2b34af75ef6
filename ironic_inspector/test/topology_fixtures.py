"""The production topology of doc/reliability.rst, as tools/ start it.

tools/galera/start-galera.sh (a Galera cluster behind HAProxy),
tools/postgres/start-replica.sh (a PostgreSQL primary and its streaming
replica) and tools/swift/start-swift.sh with ``SWIFT_REPLICAS=3`` each
write an env file into their state directory. Tests find those
directories through ``GALERA_STATE_DIR``, ``PG_REPLICA_STATE_DIR`` and
``SWIFT_REPLICATED_STATE_DIR`` and skip, saying why, when one is not set
or its servers do not answer. Faults are caused for real: a server is
killed by the PID its script recorded, and restarted by the script.
"""

import os
import shlex
import signal
import subprocess
import time

import fixtures
from oslo_utils import uuidutils
import pymysql
import sqlalchemy as sa

from ironic_inspector.db import migration

TOOLS = os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..',
                                      'tools'))


def load_env(test, variable, script):
    """The variables of the env file in ``$variable``, or skip ``test``."""
    state = os.environ.get(variable)
    path = os.path.join(state or '', 'env')
    if not state or not os.path.exists(path):
        test.skipTest('%s does not name the state directory of a running '
                      'tools/%s' % (variable, script))
    return read_env_file(path)


def read_env_file(path):
    """``{name: value}`` of the ``export NAME=VALUE`` lines of ``path``."""
    env = {}
    with open(path) as env_file:
        for line in env_file:
            name, _, value = line.strip().partition('=')
            if name.startswith('export '):
                env[name[len('export '):]] = ' '.join(shlex.split(value))
    return env


def _run_script(script, env, *args):
    subprocess.run([os.path.join(TOOLS, script)] + list(args),
                   env=dict(os.environ, **env), check=True,
                   capture_output=True, timeout=300)


def _kill(pidfile):
    """SIGKILL the process of ``pidfile``, as a crash would; wait for it.

    :returns: the wall-clock time of the kill.
    """
    with open(pidfile) as source:
        pid = int(source.read().split()[0])
    killed = time.time()
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    return killed


def _answers(url):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text('SELECT 1'))
        return True
    except sa.exc.DBAPIError:
        return False
    finally:
        engine.dispose()


class GaleraCluster:
    """The three nodes and the HAProxy of tools/galera/start-galera.sh."""

    SCRIPT = 'galera/start-galera.sh'

    def __init__(self, test):
        self.env = load_env(test, 'GALERA_STATE_DIR', self.SCRIPT)
        self.haproxy_url = self.env['GALERA_HAPROXY_URL']
        self.node_urls = self.env['GALERA_NODE_URLS'].split(',')
        self.pids = os.path.join(self.env['GALERA_STATE_DIR'], 'pids')
        if not _answers(self.haproxy_url):
            test.skipTest('the Galera cluster of tools/%s does not answer '
                          'at its HAProxy' % self.SCRIPT)

    def node_of_port(self, port):
        for number, url in enumerate(self.node_urls, 1):
            if sa.engine.make_url(url).port == port:
                return number
        raise ValueError('no Galera node on port %s' % port)

    def active_node(self):
        """The node HAProxy sends new connections to (1-3)."""
        engine = sa.create_engine(self.haproxy_url,
                                  poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                return self.node_of_port(
                    conn.execute(sa.text('SELECT @@port')).scalar())
        finally:
            engine.dispose()

    def wait_failover(self, dead, timeout=60):
        """Until HAProxy sends new connections to another node than
        ``dead``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.active_node() != dead:
                    return
            except sa.exc.DBAPIError:
                time.sleep(0.2)
        raise AssertionError('HAProxy still sends to node %d after %d s'
                             % (dead, timeout))

    def wait_until_whole(self, timeout=120, active=1):
        """Until every node is synced and HAProxy sends to ``active``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if (all(self._synced(number) for number in (1, 2, 3))
                        and self.active_node() == active):
                    return
            except (pymysql.MySQLError, sa.exc.DBAPIError):
                pass
            time.sleep(0.5)
        raise AssertionError('the Galera cluster is not whole after %d s'
                             % timeout)

    def _status(self, number, name):
        return self._node_statement(number, "SHOW STATUS LIKE '%s'"
                                    % name)[1]

    def _synced(self, number):
        return self._status(number, 'wsrep_local_state_comment') == 'Synced'

    def _node_statement(self, number, statement):
        """Run ``statement`` on node ``number``; its first row.

        NOTE: PyMySQL itself, not SQLAlchemy: a node outside the cluster
        answers SHOW and SET only, and SQLAlchemy's first queries on a
        connection are neither.
        """
        url = sa.engine.make_url(self.node_urls[number - 1])
        connection = pymysql.connect(host=url.host, port=url.port,
                                     user=url.username,
                                     password=url.password,
                                     connect_timeout=10)
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchone()
        finally:
            connection.close()

    def isolate(self, number, isolated=True):
        """Cut node ``number`` off from the others, or let it back."""
        self._node_statement(number, "SET GLOBAL wsrep_provider_options = "
                                     "'gmcast.isolate=%d'" % int(isolated))

    def wait_out_of_cluster(self, number, timeout=30):
        """Until node ``number`` is outside the primary component."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._status(number, 'wsrep_cluster_status') != 'Primary':
                return
            time.sleep(0.2)
        raise AssertionError('Galera node %d is still in the cluster after '
                             '%d s' % (number, timeout))

    def kill(self, number):
        """SIGKILL node ``number``; returns the wall-clock time of it."""
        return _kill(os.path.join(self.pids, 'node%d.pid' % number))

    def restart(self, number):
        """Start node ``number`` again; returns once it is synced."""
        _run_script(self.SCRIPT, self.env, 'node', str(number))


class ScratchDatabase(fixtures.Fixture):
    """A database of a random name on the server of ``server_url`` (which
    names an existing database, or none where the server allows it),
    migrated to head, dropped at cleanup; ``url`` names it."""

    def __init__(self, server_url):
        super().__init__()
        self.server_url = server_url

    def _setUp(self):
        self.name = 'reliability_%s' % uuidutils.generate_uuid(dashed=False)
        server = sa.create_engine(self.server_url, poolclass=sa.pool.NullPool,
                                  isolation_level='AUTOCOMMIT')
        self.addCleanup(server.dispose)
        charset = (' CHARACTER SET utf8mb4'
                   if server.dialect.name == 'mysql' else '')
        with server.connect() as conn:
            conn.execute(sa.text('CREATE DATABASE %s%s'
                                 % (self.name, charset)))
        self.addCleanup(self._drop, server)
        self.url = self.url_at(self.server_url)
        self.engine = sa.create_engine(self.url)
        self.addCleanup(self.engine.dispose)
        migration.upgrade('head', engine=self.engine)

    def url_at(self, server_url):
        """The URL of this database on ``server_url``'s server (another
        node of its cluster, its replica)."""
        return sa.engine.make_url(server_url).set(
            database=self.name).render_as_string(hide_password=False)

    def _drop(self, server):
        self.engine.dispose()
        with server.connect() as conn:
            if server.dialect.name == 'postgresql':
                conn.execute(sa.text(
                    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
                    'WHERE datname = :name AND pid <> pg_backend_pid()'),
                    {'name': self.name})
            conn.execute(sa.text('DROP DATABASE IF EXISTS %s' % self.name))


class PostgresqlReplica:
    """The primary and replica of tools/postgres/start-replica.sh."""

    SCRIPT = 'postgres/start-replica.sh'

    def __init__(self, test):
        env = load_env(test, 'PG_REPLICA_STATE_DIR', self.SCRIPT)
        # Each server's own database, "postgres".
        self.primary_url = env['PG_PRIMARY_URL'] + 'postgres'
        self.replica_url = env['PG_REPLICA_URL'] + 'postgres'
        if not (_answers(self.primary_url) and _answers(self.replica_url)):
            test.skipTest('the PostgreSQL primary and replica of tools/%s '
                          'do not answer' % self.SCRIPT)

    def _scalar(self, url, statement):
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                value = conn.execute(sa.text(statement)).scalar()
                conn.commit()
                return value
        finally:
            engine.dispose()

    def wait_replayed(self, timeout=30):
        """Until the replica has replayed everything the primary wrote."""
        written = self._scalar(self.primary_url,
                               'SELECT pg_current_wal_insert_lsn()::text')
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._scalar(self.replica_url,
                            "SELECT pg_last_wal_replay_lsn() >= '%s'::pg_lsn"
                            % written):
                return
            time.sleep(0.1)
        raise AssertionError('the replica has not caught up after %d s'
                             % timeout)

    def pause_replay(self):
        """Stop the replica applying the primary's changes."""
        self._scalar(self.replica_url, 'SELECT pg_wal_replay_pause()')

    def resume_replay(self):
        self._scalar(self.replica_url, 'SELECT pg_wal_replay_resume()')


class ReplicatedSwift:
    """The Swift of tools/swift/start-swift.sh with SWIFT_REPLICAS=3."""

    SCRIPT = 'swift/start-swift.sh'

    def __init__(self, test):
        self.env = load_env(test, 'SWIFT_REPLICATED_STATE_DIR', self.SCRIPT)
        if self.env.get('SWIFT_REPLICAS') != '3':
            test.skipTest('the Swift in SWIFT_REPLICATED_STATE_DIR does '
                          'not keep three replicas')
        self.credentials = (self.env['SWIFT_TEST_AUTH_URL'],
                            self.env['SWIFT_TEST_USER'],
                            self.env['SWIFT_TEST_KEY'])
        self.pids = os.path.join(self.env['SWIFT_STATE_DIR'], 'pids')

    def kill_object_server(self, number):
        """SIGKILL object server ``number``; returns the time of it."""
        return _kill(os.path.join(self.pids, 'object%d.pid' % number))

    def restart_object_server(self, number):
        _run_script(self.SCRIPT, self.env, 'object', str(number))
