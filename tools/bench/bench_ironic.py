"""Benchmark introspection driven by the real ironic: ours beside 12.5.0.

In one run, each inspector in turn served where the test ironic calls it
(tools/ironic/start-ironic.sh; ``IRONIC_STATE_DIR`` names its state), on
a scratch PostgreSQL database of its own: this project's API, then
ironic-inspector 12.5.0's service (API and conductor in one process).
Each node is a node of ironic, started as ironic starts it when it boots
the node itself (``POST /v1/introspection/<uuid>?manage_boot=false``);
then its ramdisk posts a 60 KB document:

* latency: one node after another, from the POST /v1/continue to
  ironic's node having the properties the processing wrote (p50, p99);
* throughput: ``--nodes`` nodes waiting, ``--clients`` ramdisks posting
  at once: documents per second, until ironic has every node's
  properties;
* transactions: what PostgreSQL committed in the inspector's database
  per document during the throughput run (pg_stat_database.xact_commit).

    python tools/bench/bench_ironic.py [--quick] [--latency-nodes 20]
        [--nodes 50] [--clients 8]
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time

import requests
import sqlalchemy as sa

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, os.pardir))

import bench_storage  # noqa: E402
from ironic_inspector.test import api_fixtures  # noqa: E402
from ironic_inspector.test import commands  # noqa: E402
from ironic_inspector.test.functional import test_api_release12  # noqa
from ironic_inspector.test import ironic_fixtures  # noqa: E402
from ironic_inspector.test import release12  # noqa: E402
from ironic_inspector.test import samples  # noqa: E402


class _Skip(Exception):
    pass


class Inspector:
    """What the benchmark does with one inspector at ``url``."""

    def __init__(self, url, ironic, database_url):
        self.url = url
        self.ironic = ironic
        self.engine = sa.create_engine(database_url)
        self.session = requests.Session()
        self.session.headers['Content-Type'] = 'application/json'

    def waiting_nodes(self, count, first_index):
        """``count`` nodes of ironic, started and waiting here.

        :returns: ``[(uuid, document), ...]``.
        """
        nodes = []
        for index in range(first_index, first_index + count):
            document, bmc_address, _ = samples.ramdisk_document('60k', index)
            pxe_mac = document['boot_interface'][3:].replace('-', ':')
            uuid = self.ironic.create(bmc_address, [pxe_mac])
            response = self.session.post(
                '%s/v1/introspection/%s?manage_boot=false' % (self.url, uuid))
            if response.status_code != 202:
                raise RuntimeError(response.text)
            nodes.append((uuid, document))
        for uuid, _ in nodes:
            self._wait(lambda: self.session.get(
                '%s/v1/introspection/%s' % (self.url, uuid)).json().get(
                    'state') == 'waiting')
        return nodes

    def _wait(self, done, timeout=120):
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                raise RuntimeError('timed out')
            time.sleep(0.005)

    def has_properties(self, uuid):
        return 'cpus' in self.ironic.get(uuid)['properties']

    def post(self, session, document):
        response = session.post(self.url + '/v1/continue', json=document,
                                timeout=600)
        if response.status_code != 200:
            raise RuntimeError(response.text)

    def latencies(self, nodes):
        """Seconds from each POST /v1/continue to ironic's properties."""
        found = []
        for uuid, document in nodes:
            began = time.perf_counter()
            self.post(self.session, document)
            self._wait(lambda: self.has_properties(uuid))
            found.append(time.perf_counter() - began)
        return found

    def commits(self):
        with self.engine.connect() as conn:
            return conn.execute(sa.text(
                'SELECT xact_commit FROM pg_stat_database '
                'WHERE datname = current_database()')).scalar()

    def throughput(self, nodes, clients):
        """Documents per second, and transactions per document."""
        before = self.commits()
        threads = []

        def ramdisks(share):
            session = requests.Session()
            for _, document in share:
                self.post(session, document)

        began = time.perf_counter()
        for n in range(clients):
            threads.append(threading.Thread(target=ramdisks,
                                            args=(nodes[n::clients],)))
            threads[-1].start()
        for thread in threads:
            thread.join()
        for uuid, _ in nodes:
            self._wait(lambda: self.has_properties(uuid))
        elapsed = time.perf_counter() - began
        # NOTE: an idle backend reports its counts to pg_stat_database
        # within 10 s (PostgreSQL 15).
        time.sleep(11)
        return len(nodes) / elapsed, (self.commits() - before) / len(nodes)


def ours(workdir, ironic_url, port, database_url):
    """This project's API where ironic calls; returns a stop function."""
    bench_storage.create_schema('ours', database_url, workdir)
    command = commands.CommandFixture({
        'database': {'connection': database_url},
        'ironic': {'auth_type': 'none', 'endpoint_override': ironic_url}})
    command.setUp()
    api = api_fixtures.ApiProcess(command, port=port)
    api.setUp()

    def stop():
        api.cleanUp()
        command.cleanUp()
    return stop


def theirs(workdir, ironic_url, port, database_url):
    """12.5.0's service where ironic calls; returns a stop function."""
    release12.install()
    bench_storage.create_schema(bench_storage.RELEASE, database_url, workdir)
    service = test_api_release12.Release12Api(
        workdir, database_url, port=port, ironic_url=ironic_url)
    service.wait()
    return service.stop


class _Test:
    """What the fixtures' skipTest needs: a reason to stop."""

    def skipTest(self, reason):
        raise _Skip(reason)


def measure(name, serve, args, ironic_url, port, first_index):
    with tempfile.TemporaryDirectory() as workdir:
        url = bench_storage.scratch_database('postgresql', name, workdir)
        ironic = ironic_fixtures.IronicNodes(ironic_url)
        stop = None
        try:
            ironic.setUp()
            stop = serve(workdir, ironic_url, port, url)
            inspector = Inspector('http://127.0.0.1:%d' % port, ironic, url)
            # Untimed: pools filled, hooks loaded.
            inspector.latencies(inspector.waiting_nodes(2, first_index))
            latencies = inspector.latencies(inspector.waiting_nodes(
                args.latency_nodes, first_index + 2))
            per_second, commits = inspector.throughput(
                inspector.waiting_nodes(args.nodes,
                                        first_index + 2 + args.latency_nodes),
                args.clients)
            inspector.engine.dispose()
        finally:
            if stop is not None:
                stop()
            ironic.cleanUp()
            bench_storage.drop_database('postgresql', url)
    return {'p50_ms': statistics.median(latencies) * 1000,
            'p99_ms': bench_storage.percentile(latencies, 0.99) * 1000,
            'per_second': per_second, 'commits': commits}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--latency-nodes', type=int, default=20)
    parser.add_argument('--nodes', type=int, default=50)
    parser.add_argument('--clients', type=int, default=8)
    parser.add_argument('--quick', action='store_true',
                        help='a smoke run: 3 and 8 nodes')
    args = parser.parse_args()
    if args.quick:
        args.latency_nodes, args.nodes = 3, 8
    try:
        ironic_url, port = ironic_fixtures.settings(_Test())
        reason = release12.missing()
        if reason:
            raise _Skip(reason)
    except _Skip as exc:
        sys.exit('bench_ironic.py: error: %s' % exc)
    if not bench_storage.available('postgresql'):
        sys.exit('bench_ironic.py: error: PostgreSQL is not reachable')
    started = time.monotonic()
    # Indexes far apart: the two runs' nodes have BMC addresses and MACs
    # of their own, which ironic requires.
    results = {'ours': measure('ironic_ours', ours, args, ironic_url, port,
                               1000),
               '12.5.0': measure('ironic_release12', theirs, args,
                                 ironic_url, port, 3000)}
    header = '%-40s %10s %10s %8s' % ('', 'ours', '12.5.0', 'ratio')
    print(header)
    print('-' * len(header))
    for label, figure, lower_is_better in (
            ('continue -> ironic properties p50 ms', 'p50_ms', True),
            ('continue -> ironic properties p99 ms', 'p99_ms', True),
            ('documents/s, %d ramdisks, %d nodes' % (args.clients,
                                                     args.nodes),
             'per_second', False),
            ('transactions committed per document', 'commits', True)):
        mine, theirs_ = results['ours'][figure], results['12.5.0'][figure]
        print('%-40s %10.2f %10.2f %8.2f%s' % (
            label, mine, theirs_, mine / theirs_,
            '' if (mine <= theirs_) == lower_is_better else '  (12.5.0 '
            'better)'))
    print('\npostgresql; %.0f s' % (time.monotonic() - started))


if __name__ == '__main__':
    main()
