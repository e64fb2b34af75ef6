"""Benchmark storage operations: this project, 12.5.0 and the driver floor.

In one run, on the same database servers, times the same operations (add
node, first save, replacing save, get, delete node with its data) through
this project's IntrospectionData and Node, through ironic-inspector
12.5.0's DatabaseStore and db api (installed from PyPI into a virtualenv
of its own), and through the bare DB-API driver (the floor), on SQLite,
MariaDB and PostgreSQL with the 60 KB, 1 MB and 8 MB samples. Prints the
median and p95 of each, and the ratios ours/floor and 12.5.0/ours.

    python tools/bench/bench_storage.py [--quick] [--json FILE]
        [--databases sqlite mysql postgresql] [--sizes 60k 1m 8m]
        [--iterations-60k 500] [--iterations-1m 50] [--iterations-8m 10]

MariaDB and PostgreSQL are reached as openstack_citest (see
tools/test-setup.sh); scratch databases bench_<impl> are created and
dropped.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import sqlalchemy as sa

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.join(HERE, os.pardir, os.pardir)
sys.path.insert(0, REPO)

from ironic_inspector.db import migration  # noqa: E402
from ironic_inspector.test import release12  # noqa: E402
from ironic_inspector.test import samples  # noqa: E402

WORKER = os.path.join(HERE, 'storage_worker.py')
OPERATIONS = ('add node', 'first save', 'replacing save', 'get',
              'delete node')
IMPLS = ('floor', 'ours', '12.5.0')
RELEASE = release12.RELEASE
SERVERS = {
    'mysql': 'mysql+pymysql://openstack_citest:openstack_citest@127.0.0.1',
    'postgresql': 'postgresql+psycopg2://openstack_citest:openstack_citest'
                  '@127.0.0.1',
}


def release_python():
    """The interpreter of the 12.5.0 virtualenv, made on first use."""
    release12.install()
    return release12.command('python')


def scratch_database(backend, impl, workdir):
    """A URL of an empty database for ``impl``, created anew."""
    name = 'bench_%s' % impl.replace('.', '_')
    if backend == 'sqlite':
        path = os.path.join(workdir, '%s.sqlite' % name)
        if os.path.exists(path):
            os.unlink(path)
        return 'sqlite:///%s' % path
    admin_db = '/postgres' if backend == 'postgresql' else '/'
    engine = sa.create_engine(SERVERS[backend] + admin_db,
                              isolation_level='AUTOCOMMIT')
    with engine.connect() as conn:
        conn.execute(sa.text('DROP DATABASE IF EXISTS %s' % name))
        charset = (' CHARACTER SET utf8mb4' if backend == 'mysql' else '')
        conn.execute(sa.text('CREATE DATABASE %s%s' % (name, charset)))
    engine.dispose()
    return '%s/%s' % (SERVERS[backend], name)


def drop_database(backend, url):
    if backend == 'sqlite':
        return
    name = url.rsplit('/', 1)[1]
    admin_db = '/postgres' if backend == 'postgresql' else '/'
    engine = sa.create_engine(SERVERS[backend] + admin_db,
                              isolation_level='AUTOCOMMIT')
    with engine.connect() as conn:
        conn.execute(sa.text('DROP DATABASE IF EXISTS %s' % name))
    engine.dispose()


def create_schema(impl, url, workdir):
    if impl == RELEASE:
        config = os.path.join(workdir, 'release.conf')
        with open(config, 'w') as conf_file:
            conf_file.write('[database]\nconnection = %s\n' % url)
        dbsync = release12.command('ironic-inspector-dbsync')
        subprocess.run([dbsync, '--config-file', config, 'upgrade'],
                       check=True, capture_output=True)
        return
    engine = sa.create_engine(url)
    migration.upgrade('head', engine=engine)
    engine.dispose()


def run_worker(impl, url, size, iterations, warmup):
    python = release_python() if impl == RELEASE else sys.executable
    result = subprocess.run(
        [python, WORKER, impl, url, samples.path(size), str(iterations),
         str(warmup)], capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError('%s worker failed:\n%s' % (impl, result.stderr))
    return json.loads(result.stdout)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction
                                                   * (len(ordered) - 1))))]


def summarize(values):
    return {'median_ms': statistics.median(values) * 1000,
            'p95_ms': percentile(values, 0.95) * 1000}


def available(backend):
    if backend == 'sqlite':
        return True
    try:
        engine = sa.create_engine(SERVERS[backend] + (
            '/postgres' if backend == 'postgresql' else '/'))
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.SQLAlchemyError:
        return False


def print_table(results):
    header = ('%-10s %-4s %-15s' % ('database', 'doc', 'operation')
              + ''.join('%21s' % ('%s med/p95 ms' % impl) for impl in IMPLS)
              + '%12s%13s' % ('ours/floor', '12.5.0/ours'))
    print(header)
    print('-' * len(header))
    for row in results:
        cells = ''.join(
            '%21s' % ('%.2f / %.2f' % (row[impl]['median_ms'],
                                       row[impl]['p95_ms'])
                      if impl in row else '-') for impl in IMPLS)
        ours = row['ours']['median_ms']
        vs_floor = ours / row['floor']['median_ms']
        vs_release = ('%.2f' % (row[RELEASE]['median_ms'] / ours)
                      if RELEASE in row else '-')
        print('%-10s %-4s %-15s%s%12.2f%13s' % (
            row['database'], row['size'], row['operation'], cells,
            vs_floor, vs_release))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--databases', nargs='+',
                        default=['sqlite', 'mysql', 'postgresql'])
    parser.add_argument('--sizes', nargs='+', default=list(samples.SIZES))
    parser.add_argument('--iterations-60k', type=int, default=500)
    parser.add_argument('--iterations-1m', type=int, default=50)
    parser.add_argument('--iterations-8m', type=int, default=10)
    parser.add_argument('--quick', action='store_true',
                        help='a smoke run: a few iterations of each')
    parser.add_argument('--without-release', action='store_true',
                        help='skip 12.5.0 (no virtualenv is made)')
    parser.add_argument('--json', help='also write the results here')
    args = parser.parse_args()
    iterations = {'60k': args.iterations_60k, '1m': args.iterations_1m,
                  '8m': args.iterations_8m}
    if args.quick:
        iterations = {'60k': 20, '1m': 5, '8m': 2}
    impls = [i for i in IMPLS if not (args.without_release
                                      and i == RELEASE)]
    started = time.monotonic()
    results = []
    with tempfile.TemporaryDirectory() as workdir:
        for backend in args.databases:
            if not available(backend):
                print('%s is not reachable; skipped' % backend,
                      file=sys.stderr)
                continue
            urls = {}
            for impl in impls:
                if impl == RELEASE:
                    release_python()
                urls[impl] = scratch_database(backend, impl, workdir)
                create_schema(impl, urls[impl], workdir)
            for size in args.sizes:
                count = iterations[size]
                warmup = max(2, count // 20)
                timings = {}
                for impl in impls:
                    print('%s %s %s x%d' % (backend, size, impl, count),
                          file=sys.stderr)
                    timings[impl] = run_worker(impl, urls[impl], size,
                                               count, warmup)
                for operation in OPERATIONS:
                    row = {'database': backend, 'size': size,
                           'operation': operation, 'iterations': count}
                    for impl in impls:
                        row[impl] = summarize(timings[impl][operation])
                    results.append(row)
            for impl in impls:
                drop_database(backend, urls[impl])
    print_table(results)
    elapsed = time.monotonic() - started
    print('\n%d results in %.0f s' % (len(results), elapsed))
    if args.json:
        with open(args.json, 'w') as output:
            json.dump(results, output, indent=2)


if __name__ == '__main__':
    main()
