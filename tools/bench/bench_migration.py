"""Time ironic-inspector-migrate-data from a real Swift into a database.

For each node count, the benchmark fills a fresh Swift container with
the processed and unprocessed documents of that many nodes (the 60 KB
sample, each copy made distinct), caches the nodes in a fresh database,
then runs the command in its own process and reports its wall time,
throughput and peak RSS.

    python tools/bench/bench_migration.py --nodes 100 1000 \\
        [--database URL] [--workers 4] [--json FILE]

Swift comes from the variables tools/swift/start-swift.sh writes
(SWIFT_TEST_AUTH_URL, SWIFT_TEST_USER, SWIFT_TEST_KEY); the default
database is a SQLite file in a temporary directory.
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

from ironic_inspector.common import json_codec  # noqa: E402
from ironic_inspector.db import migration  # noqa: E402
from ironic_inspector.storage import swift as swift_store  # noqa: E402
from ironic_inspector.test import samples  # noqa: E402

# Runs a command and prints the peak RSS (KiB) of its process tree.
_MEASURE = ('import resource, subprocess, sys; '
            'code = subprocess.run(sys.argv[1:]).returncode; '
            'print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, '
            'file=sys.stderr); sys.exit(code)')


def swift_credentials():
    try:
        return (os.environ['SWIFT_TEST_AUTH_URL'],
                os.environ['SWIFT_TEST_USER'], os.environ['SWIFT_TEST_KEY'])
    except KeyError:
        sys.exit('Start Swift with tools/swift/start-swift.sh and source '
                 'its env file first.')


def fill_swift(credentials, container, node_uuids, threads=8):
    auth_url, user, key = credentials
    sample = samples.load('60k')
    local = threading.local()

    def connection():
        if not hasattr(local, 'connection'):
            local.connection = swift_client.Connection(
                authurl=auth_url, user=user, key=key, auth_version='1')
        return local.connection

    def upload(node_uuid):
        inventory = dict(sample['inventory'], hostname=node_uuid)
        document = json_codec.dumps(dict(sample, inventory=inventory))
        for processed in (True, False):
            connection().put_object(
                container, swift_store.object_name(node_uuid, processed),
                document)

    connection().put_container(container)
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(upload, node_uuids))


def prepare_database(url, node_uuids):
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        migration.upgrade('head', connection=conn)
        conn.execute(sa.text("INSERT INTO nodes (uuid, state) "
                             "VALUES (:uuid, 'finished')"),
                     [{'uuid': u} for u in node_uuids])
    engine.dispose()


def run_migration(config_file, workers):
    command = [sys.executable, '-c', _MEASURE, sys.executable, '-m',
               'ironic_inspector.cmd.migrate_data', '--config-file',
               config_file, '--from', 'swift', '--to', 'database',
               '--workers', str(workers)]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if result.returncode:
        sys.exit('migration failed:\n%s%s' % (result.stdout, result.stderr))
    peak_kib = int(result.stderr.strip().splitlines()[-1])
    return elapsed, peak_kib, result.stdout.strip().splitlines()[0]


def bench(count, args, credentials, workdir):
    node_uuids = [str(uuid.uuid4()) for _ in range(count)]
    container = 'bench-%s' % uuid.uuid4()
    url = args.database or 'sqlite:///%s' % os.path.join(
        workdir, 'bench-%d.db' % count)
    print('preparing %d nodes (%d documents)...' % (count, 2 * count),
          file=sys.stderr)
    fill_swift(credentials, container, node_uuids)
    prepare_database(url, node_uuids)
    config_file = os.path.join(workdir, 'bench-%d.conf' % count)
    auth_url, user, key = credentials
    with open(config_file, 'w') as config:
        config.write('[database]\nconnection = %s\n[swift]\n'
                     'auth_version = 1\nv1_auth_url = %s\nv1_user = %s\n'
                     'v1_key = %s\ncontainer = %s\n'
                     % (url, auth_url, user, key, container))
    elapsed, peak_kib, summary = run_migration(config_file, args.workers)
    return {'nodes': count, 'documents': 2 * count,
            'seconds': round(elapsed, 2),
            'documents_per_second': round(2 * count / elapsed, 1),
            'peak_rss_mib': round(peak_kib / 1024, 1),
            'summary': summary}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--nodes', type=int, nargs='+', default=[100, 1000])
    parser.add_argument('--database', help='SQLAlchemy URL of an empty '
                        'database (default: a temporary SQLite file)')
    parser.add_argument('--workers', type=int, default=4)
    parser.add_argument('--json', help='also write the results here')
    args = parser.parse_args()
    if args.database and len(args.nodes) > 1:
        parser.error('--database takes one --nodes count')
    credentials = swift_credentials()
    results = []
    with tempfile.TemporaryDirectory() as workdir:
        for count in args.nodes:
            results.append(bench(count, args, credentials, workdir))
    print('%6s %9s %9s %10s %13s  %s'
          % ('nodes', 'documents', 'seconds', 'docs/s', 'peak RSS MiB',
             'summary'))
    for r in results:
        print('%6d %9d %9.2f %10.1f %13.1f  %s'
              % (r['nodes'], r['documents'], r['seconds'],
                 r['documents_per_second'], r['peak_rss_mib'],
                 r['summary']))
    if args.json:
        with open(args.json, 'w') as output:
            json.dump(results, output, indent=2)


if __name__ == '__main__':
    main()
