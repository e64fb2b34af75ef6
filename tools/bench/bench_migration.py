"""Time ironic-inspector-migrate-data from a real Swift into a database.

For each node count, the benchmark fills a fresh Swift container with
the processed and unprocessed documents of that many nodes (the 60 KB
sample, each copy made distinct). Then, for each implementation (this
project, and ironic-inspector 12.5.0 from PyPI in its own virtualenv, as
bench_storage.py makes it), it caches the nodes in a fresh database of
that implementation's schema, runs its migrate-data command in a process
of its own, checks that every document arrived, and reports wall time,
throughput, peak RSS and CPU time per document. Swift GETs alone, with as
many threads as --workers and no database, give the ceiling of any
migration out of this Swift on this machine.

    python tools/bench/bench_migration.py [--nodes 200 2000] \\
        [--backend sqlite|mysql|postgresql] [--impl ours 12.5.0] \\
        [--workers 4] [--json FILE]

Swift comes from the variables tools/swift/start-swift.sh writes
(SWIFT_TEST_AUTH_URL, SWIFT_TEST_USER, SWIFT_TEST_KEY); MariaDB and
PostgreSQL are the openstack_citest ones of tools/test-setup.sh.
12.5.0 reaches Swift through a keystoneauth session only, so it gets the
admin_token plugin with a token the proxy issued.
"""

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import sqlalchemy as sa
from swiftclient import client as swift_client

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, os.pardir))

import bench_storage  # noqa: E402
from ironic_inspector.common import json_codec  # noqa: E402
from ironic_inspector.storage import swift as swift_store  # noqa: E402
from ironic_inspector.test import release12  # noqa: E402
from ironic_inspector.test import samples  # noqa: E402

IMPLS = ('ours', bench_storage.RELEASE)

# Runs a command, then prints the peak RSS (KiB) of its process tree and the
# CPU seconds (user + system) it used.
_MEASURE = ('import resource, subprocess, sys; '
            'code = subprocess.run(sys.argv[1:]).returncode; '
            'usage = resource.getrusage(resource.RUSAGE_CHILDREN); '
            'print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime, '
            'file=sys.stderr); sys.exit(code)')


def swift_credentials():
    try:
        return (os.environ['SWIFT_TEST_AUTH_URL'],
                os.environ['SWIFT_TEST_USER'], os.environ['SWIFT_TEST_KEY'])
    except KeyError:
        sys.exit('Start Swift with tools/swift/start-swift.sh and source '
                 'its env file first.')


class SwiftConnections(threading.local):
    """One swiftclient connection per thread."""

    def __init__(self, credentials):
        auth_url, user, key = credentials
        self.connection = swift_client.Connection(
            authurl=auth_url, user=user, key=key, auth_version='1')


def fill_swift(credentials, container, node_uuids, threads=8):
    sample = samples.load('60k')
    local = SwiftConnections(credentials)

    def upload(node_uuid):
        inventory = dict(sample['inventory'], hostname=node_uuid)
        document = json_codec.dumps(dict(sample, inventory=inventory))
        for processed in (True, False):
            local.connection.put_object(
                container, swift_store.object_name(node_uuid, processed),
                document)

    local.connection.put_container(container)
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(upload, node_uuids))


def swift_read_floor(credentials, container, node_uuids, threads):
    """Only GET every document, with ``threads`` threads: the ceiling of
    any migration out of this Swift on this machine."""
    local = SwiftConnections(credentials)

    def download(node_uuid):
        for processed in (True, False):
            local.connection.get_object(
                container, swift_store.object_name(node_uuid, processed))

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(download, node_uuids))
    elapsed = time.monotonic() - started
    return {'impl': 'swift-get', 'nodes': len(node_uuids),
            'documents': 2 * len(node_uuids), 'seconds': round(elapsed, 2),
            'documents_per_second': round(2 * len(node_uuids) / elapsed, 1)}


def prepare_database(impl, url, node_uuids, workdir):
    """Create ``impl``'s schema at ``url`` and cache the nodes there."""
    bench_storage.create_schema(impl, url, workdir)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO nodes (uuid, state) "
                             "VALUES (:uuid, 'finished')"),
                     [{'uuid': u} for u in node_uuids])
    engine.dispose()


def count_documents(url):
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(
            sa.text('SELECT COUNT(*) FROM introspection_data')).scalar()
    engine.dispose()
    return count


def write_config(impl, path, url, credentials, container):
    """The configuration file of ``impl``'s migrate-data command."""
    auth_url, user, key = credentials
    if impl == 'ours':
        swift = ('auth_version = 1\nv1_auth_url = %s\nv1_user = %s\n'
                 'v1_key = %s\n' % (auth_url, user, key))
    else:
        storage_url, token = swift_client.get_auth(auth_url, user, key)
        swift = ('auth_type = admin_token\nendpoint = %s\ntoken = %s\n'
                 % (storage_url, token))
    with open(path, 'w') as config:
        config.write('[database]\nconnection = %s\n[swift]\n%s'
                     'container = %s\n' % (url, swift, container))


def migrate_command(impl, config_file, workers):
    if impl == 'ours':
        return [sys.executable, '-m', 'ironic_inspector.cmd.migrate_data',
                '--config-file', config_file, '--from', 'swift',
                '--to', 'database', '--workers', str(workers)]
    return [release12.command('ironic-inspector-migrate-data'),
            '--config-file', config_file, '--from', 'swift',
            '--to', 'database']


def run_migration(command):
    measured = [sys.executable, '-c', _MEASURE] + command
    started = time.monotonic()
    result = subprocess.run(measured, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if result.returncode:
        sys.exit('migration failed:\n%s%s' % (result.stdout, result.stderr))
    peak_kib, cpu_seconds = result.stderr.strip().splitlines()[-1].split()
    return elapsed, int(peak_kib), float(cpu_seconds)


def bench(impl, count, node_uuids, container, args, credentials, workdir):
    name = 'migration_%s_%d' % (impl, count)
    url = bench_storage.scratch_database(args.backend, name, workdir)
    try:
        prepare_database(impl, url, node_uuids, workdir)
        config_file = os.path.join(workdir, '%s.conf' % name)
        write_config(impl, config_file, url, credentials, container)
        elapsed, peak_kib, cpu_seconds = run_migration(
            migrate_command(impl, config_file, args.workers))
        stored = count_documents(url)
    finally:
        bench_storage.drop_database(args.backend, url)
    if stored != 2 * count:
        sys.exit('%s migrated %d of %d documents' % (impl, stored, 2 * count))
    return {'impl': impl, 'backend': args.backend, 'nodes': count,
            'documents': 2 * count, 'seconds': round(elapsed, 2),
            'documents_per_second': round(2 * count / elapsed, 1),
            'peak_rss_mib': round(peak_kib / 1024, 1),
            'cpu_ms_per_document': round(1000 * cpu_seconds / (2 * count),
                                         2)}


def print_table(results):
    print('%-8s %-10s %6s %9s %9s %9s %13s %12s'
          % ('impl', 'database', 'nodes', 'documents', 'seconds', 'docs/s',
             'peak RSS MiB', 'CPU ms/doc'))
    for r in results:
        print('%-8s %-10s %6d %9d %9.2f %9.1f %13.1f %12.2f'
              % (r['impl'], r['backend'], r['nodes'], r['documents'],
                 r['seconds'], r['documents_per_second'], r['peak_rss_mib'],
                 r['cpu_ms_per_document']))
    by_key = {(r['impl'], r['nodes']): r for r in results}
    for count in sorted({r['nodes'] for r in results}):
        ours = by_key.get(('ours', count))
        release = by_key.get((bench_storage.RELEASE, count))
        if ours and release:
            print('%d nodes: ours/%s throughput %.1fx'
                  % (count, bench_storage.RELEASE,
                     ours['documents_per_second']
                     / release['documents_per_second']))
    counts = sorted({r['nodes'] for r in results})
    if len(counts) > 1:
        for impl in IMPLS:
            low, high = by_key.get((impl, counts[0])), by_key.get(
                (impl, counts[-1]))
            if low and high:
                print('%s: peak RSS at %d nodes is %+.1f%% of that at %d'
                      % (impl, counts[-1],
                         100 * (high['peak_rss_mib'] / low['peak_rss_mib']
                                - 1), counts[0]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--nodes', type=int, nargs='+', default=[200, 2000])
    parser.add_argument('--backend', default='sqlite',
                        choices=('sqlite', 'mysql', 'postgresql'))
    parser.add_argument('--impl', nargs='+', choices=IMPLS, default=IMPLS)
    parser.add_argument('--workers', type=int, default=4,
                        help="this project's --workers")
    parser.add_argument('--json', help='also write the results here')
    args = parser.parse_args()
    credentials = swift_credentials()
    if bench_storage.RELEASE in args.impl:
        bench_storage.release_python()
    results, floors = [], []
    with tempfile.TemporaryDirectory() as workdir:
        for count in args.nodes:
            node_uuids = [str(uuid.uuid4()) for _ in range(count)]
            container = 'bench-%s' % uuid.uuid4()
            print('filling Swift with %d nodes (%d documents)...'
                  % (count, 2 * count), file=sys.stderr)
            fill_swift(credentials, container, node_uuids)
            floors.append(swift_read_floor(credentials, container,
                                           node_uuids, args.workers))
            for impl in args.impl:
                print('migrating with %s...' % impl, file=sys.stderr)
                results.append(bench(impl, count, node_uuids, container,
                                     args, credentials, workdir))
    print_table(results)
    for floor in floors:
        print('%d nodes: Swift GETs alone, %d threads, no database: %.2f s, '
              '%.1f docs/s' % (floor['nodes'], args.workers, floor['seconds'],
                               floor['documents_per_second']))
    if args.json:
        with open(args.json, 'w') as output:
            json.dump({'migrations': results, 'swift_get_floor': floors},
                      output, indent=2)


if __name__ == '__main__':
    main()
