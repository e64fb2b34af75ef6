"""Benchmark the inspector API beside the objects it calls.

In one run, against one scratch database: POST /v1/continue (the ramdisk
callback: lookup, lock, unprocessed save, the standard hooks, processed
save, finish) and GET /v1/introspection/<uuid>/data on a real
ironic-inspector-api process, beside the bare IntrospectionData.save() and
IntrospectionData.get_by_node() in this process on the same nodes, with
the 60 KB and 8 MB samples, 1 and 8 concurrent clients. Prints requests
(or calls) per second, p50 and p99, each the median of ``--repeat`` runs,
and the ratio of the p50s.

    python tools/bench/bench_api.py [--quick] [--database postgresql]
        [--sizes 60k 8m] [--clients 1 8] [--requests-60k 200]
        [--requests-8m 16] [--repeat 3] [--json FILE]

MariaDB and PostgreSQL are reached as openstack_citest (see
tools/test-setup.sh); the scratch database bench_api is created and
dropped.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, os.pardir))

import bench_storage  # noqa: E402
from ironic_inspector.common import context  # noqa: E402
from ironic_inspector.common import json_codec  # noqa: E402
from ironic_inspector import conf  # noqa: E402
from ironic_inspector.db import engine as db_engine  # noqa: E402
from ironic_inspector.test import api_fixtures  # noqa: E402
from ironic_inspector.test import commands  # noqa: E402
from ironic_inspector.test import samples  # noqa: E402
from ironic_inspector import objects  # noqa: E402

PAIRS = (('POST /v1/continue', 'IntrospectionData.save'),
         ('GET .../data', 'IntrospectionData.get_by_node'))


def run_concurrently(make_call, items, clients):
    """Call ``make_call()(item)`` for every item, on ``clients`` threads
    (each with a call of its own), all starting together.

    :returns: ``{'per_second', 'p50_ms', 'p99_ms'}``.
    """
    latencies = []
    start = threading.Barrier(clients + 1)

    def work(share):
        call = make_call()
        start.wait()
        for item in share:
            began = time.perf_counter()
            call(item)
            latencies.append(time.perf_counter() - began)

    threads = [threading.Thread(target=work, args=(items[n::clients],))
               for n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if len(latencies) != len(items):
        raise RuntimeError('%d of %d calls failed'
                           % (len(items) - len(latencies), len(items)))
    return {'per_second': len(items) / elapsed,
            'p50_ms': statistics.median(latencies) * 1000,
            'p99_ms': bench_storage.percentile(latencies, 0.99) * 1000}


class Bench:
    """The served API and this process on the same database."""

    def __init__(self, api_url):
        self.api_url = api_url
        self.context = context.RequestContext()
        self.next_index = 0

    def register(self, size, count):
        """``count`` waiting nodes and the bodies their ramdisks post."""
        nodes = []
        for _ in range(count):
            document, bmc_address, macs = samples.ramdisk_document(
                size, self.next_index)
            self.next_index += 1
            node = objects.Node(self.context, uuid=_uuid(self.next_index),
                                state='waiting', bmc_addresses=[bmc_address],
                                macs=macs)
            node.create()
            nodes.append((node.uuid, json_codec.dumps(document)))
        return nodes

    def api_session(self):
        session = requests.Session()
        session.headers['Content-Type'] = 'application/json'
        return session

    def continue_call(self):
        session = self.api_session()

        def call(node):
            response = session.post(self.api_url + '/v1/continue',
                                    data=node[1], timeout=600)
            if response.status_code != 200:
                raise RuntimeError(response.text)
        return call

    def get_call(self):
        session = self.api_session()

        def call(node):
            response = session.get('%s/v1/introspection/%s/data'
                                   % (self.api_url, node[0]), timeout=600)
            if response.status_code != 200 or not response.content:
                raise RuntimeError(response.text)
        return call

    def save_call(self, document):
        def call(node):
            objects.IntrospectionData(self.context, node_uuid=node[0],
                                      processed=True, data=document).save()
        return lambda: call

    def get_by_node_call(self):
        def call(node):
            objects.IntrospectionData.get_by_node(self.context, node[0]).data
        return lambda: call

    def measure(self, size, clients, count):
        nodes = self.register(size, count)
        document = json_codec.loads(nodes[0][1])
        results = {
            PAIRS[0][0]: run_concurrently(self.continue_call, nodes,
                                          clients),
            PAIRS[1][0]: run_concurrently(self.get_call, nodes, clients),
            PAIRS[0][1]: run_concurrently(self.save_call(document), nodes,
                                          clients),
            PAIRS[1][1]: run_concurrently(self.get_by_node_call(), nodes,
                                          clients),
        }
        return [{'size': size, 'clients': clients, 'requests': count,
                 'api': api, 'bare': bare, api: results[api],
                 bare: results[bare]} for api, bare in PAIRS]


def median_rows(runs):
    """The rows of several runs of the same measurements, each figure the
    median of its runs."""
    rows = []
    for repeated in zip(*runs):
        row = dict(repeated[0], repeated=len(repeated))
        for name in (row['api'], row['bare']):
            row[name] = {figure: statistics.median(run[name][figure]
                                                   for run in repeated)
                         for figure in row[name]}
        rows.append(row)
    return rows


def _uuid(number):
    return '00000000-0000-4000-8000-%012d' % number


def print_table(rows):
    header = ('%-18s %-4s %7s | %9s %8s %8s | %-30s %9s %8s %8s | %8s'
              % ('API', 'doc', 'clients', 'req/s', 'p50 ms', 'p99 ms',
                 'bare', 'calls/s', 'p50 ms', 'p99 ms', 'API/bare'))
    print(header)
    print('-' * len(header))
    for row in rows:
        api, bare = row[row['api']], row[row['bare']]
        print('%-18s %-4s %7d | %9.1f %8.2f %8.2f | %-30s %9.1f %8.2f %8.2f '
              '| %8.2f' % (row['api'], row['size'], row['clients'],
                           api['per_second'], api['p50_ms'], api['p99_ms'],
                           row['bare'], bare['per_second'], bare['p50_ms'],
                           bare['p99_ms'], api['p50_ms'] / bare['p50_ms']))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', default='postgresql',
                        choices=['sqlite', 'mysql', 'postgresql'])
    parser.add_argument('--sizes', nargs='+', default=['60k', '8m'],
                        choices=['60k', '8m'])
    parser.add_argument('--clients', nargs='+', type=int, default=[1, 8])
    parser.add_argument('--requests-60k', type=int, default=200)
    parser.add_argument('--requests-8m', type=int, default=16)
    parser.add_argument('--repeat', type=int, default=3,
                        help='runs of each measurement; every figure shown '
                             'is the median of its runs')
    parser.add_argument('--quick', action='store_true',
                        help='a smoke run: 60 KB, 16 requests, once')
    parser.add_argument('--json', help='also write the results here')
    args = parser.parse_args()
    requests_per_size = {'60k': args.requests_60k, '8m': args.requests_8m}
    if args.quick:
        args.sizes, requests_per_size['60k'], args.repeat = ['60k'], 16, 1
    if not bench_storage.available(args.database):
        sys.exit('bench_api.py: error: %s is not reachable' % args.database)
    objects.register_all()
    started = time.monotonic()
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        url = bench_storage.scratch_database(args.database, 'api', workdir)
        bench_storage.create_schema('ours', url, workdir)
        command = commands.CommandFixture({'database': {'connection': url}})
        api = api_fixtures.ApiProcess(command)
        try:
            command.setUp()
            # This process's objects go to the same database, with the
            # same engine settings as the service's.
            conf.parse_args(['--config-file', command.config_file],
                            default_config_files=[])
            api.setUp()
            bench = Bench(api.url)
            # Untimed: the API loads its hooks and fills its pools.
            bench.measure(args.sizes[0], 1, 2)
            for size in args.sizes:
                for clients in args.clients:
                    count = max(requests_per_size[size], clients)
                    print('%s x%d, %d clients, %d times'
                          % (size, count, clients, args.repeat),
                          file=sys.stderr)
                    rows.extend(median_rows([
                        bench.measure(size, clients, count)
                        for _ in range(args.repeat)]))
        finally:
            api.cleanUp()
            command.cleanUp()
            db_engine.dispose()
            bench_storage.drop_database(args.database, url)
    print_table(rows)
    print('\n%s; %.0f s' % (args.database, time.monotonic() - started))
    if args.json:
        with open(args.json, 'w') as output:
            json.dump(rows, output, indent=2)


if __name__ == '__main__':
    main()
