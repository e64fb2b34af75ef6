"""Time the lookup of a ramdisk's node among many, beside 12.5.0's.

For each database (SQLite, MariaDB, PostgreSQL) the benchmark makes a
database with ironic-inspector 12.5.0's own ``ironic-inspector-dbsync
upgrade`` and fills it with --nodes waiting nodes, each with a BMC address
and 6 MACs in 12.5.0's ``attributes`` table (written directly, a batch per
statement, as 12.5.0's ``add_node`` writes them). It then times, for the
same random nodes, each looked up by its BMC address and all its MACs as
a ramdisk reports them:

* ``12.5.0``: 12.5.0's ``node_cache.find_node`` (``release12_worker.py
  find-loop``, in 12.5.0's virtualenv) on its own schema;
* after this release's ``ironic-inspector-dbsync upgrade`` (adoption, and
  the lookup indexes): ``12.5.0 adopted`` (the same, on the upgraded
  database), ``ours`` (``objects.Node.lookup``: the search in one query,
  then the node and its lookup data), and ``floor`` (``Node.get_by_uuid``,
  which the lookup ends with)::

    python tools/bench/bench_lookup.py [--nodes 5000] [--lookups 200]
        [--databases sqlite mysql postgresql] [--json FILE]

MariaDB and PostgreSQL are reached as openstack_citest (see
tools/test-setup.sh); the scratch database bench_lookup is created and
dropped.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid

import sqlalchemy as sa

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, os.pardir))

import bench_storage  # noqa: E402
from ironic_inspector.common import context  # noqa: E402
from ironic_inspector import conf  # noqa: E402
from ironic_inspector import objects  # noqa: E402
from ironic_inspector.test import commands  # noqa: E402
from ironic_inspector.test import release12  # noqa: E402

IMPLS = ('floor', 'ours', '12.5.0 adopted', '12.5.0')
MACS_PER_NODE = 6
BATCH_NODES = 1000

NODES = sa.table('nodes', sa.column('uuid', sa.String),
                 sa.column('state', sa.String))
ATTRIBUTES = sa.table('attributes', sa.column('uuid', sa.String),
                      sa.column('node_uuid', sa.String),
                      sa.column('name', sa.String),
                      sa.column('value', sa.String))


def lookup_data(number):
    """The BMC address and MACs of node ``number``."""
    high, middle, low = number >> 16, (number >> 8) & 255, number & 255
    return ('10.%d.%d.%d' % (high, middle, low),
            ['52:54:%02x:%02x:%02x:%02x' % (high, middle, low, nic)
             for nic in range(MACS_PER_NODE)])


def fill(url, count):
    """``count`` waiting nodes with their attributes; their UUIDs."""
    node_uuids = [str(uuid.uuid4()) for _ in range(count)]
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for start in range(0, count, BATCH_NODES):
            batch = range(start, min(count, start + BATCH_NODES))
            conn.execute(NODES.insert(), [
                {'uuid': node_uuids[number], 'state': 'waiting'}
                for number in batch])
            rows = []
            for number in batch:
                bmc_address, macs = lookup_data(number)
                rows += [{'uuid': str(uuid.uuid4()),
                          'node_uuid': node_uuids[number], 'name': name,
                          'value': value}
                         for name, value in [('bmc_address', bmc_address)]
                         + [('mac', mac) for mac in macs]]
            conn.execute(ATTRIBUTES.insert(), rows)
    engine.dispose()
    return node_uuids


def time_release(workdir, url, lookups):
    config = release12.write_config(os.path.join(workdir, 'r12.conf'), url)
    path = os.path.join(workdir, 'lookups.json')
    with open(path, 'w') as out:
        json.dump(lookups, out)
    return release12.run_all(config, ['find-loop', path])[0]


def time_ours(node_uuids, numbers):
    ctx = context.RequestContext()
    ours, floor = [], []
    for number in numbers:
        bmc_address, macs = lookup_data(number)
        started = time.perf_counter()
        node = objects.Node.lookup(ctx, bmc_addresses=[bmc_address],
                                   macs=macs)
        ours.append(time.perf_counter() - started)
        if node.uuid != node_uuids[number]:
            raise RuntimeError('found %s for node %s'
                               % (node.uuid, node_uuids[number]))
        started = time.perf_counter()
        objects.Node.get_by_uuid(ctx, node_uuids[number])
        floor.append(time.perf_counter() - started)
    return ours, floor


def run(database, args, workdir):
    url = bench_storage.scratch_database(database, 'lookup', workdir)
    try:
        config = commands.CommandFixture(
            {'database': {'connection': url}})
        config.setUp()
        release12.dbsync(release12.write_config(
            os.path.join(workdir, 'r12.conf'), url), 'upgrade')
        node_uuids = fill(url, args.nodes)
        rng = random.Random(13)
        numbers = [rng.randrange(args.nodes) for _ in range(args.lookups)]
        lookups = [lookup_data(number) for number in numbers]
        results = {'12.5.0': time_release(workdir, url, lookups)}
        subprocess.run([sys.executable, '-m', 'ironic_inspector.cmd.dbsync',
                        '--config-file', config.config_file, 'upgrade'],
                       check=True, capture_output=True)
        results['12.5.0 adopted'] = time_release(workdir, url, lookups)
        config.use_database()
        results['ours'], results['floor'] = time_ours(node_uuids, numbers)
        config.cleanUp()
        return {impl: bench_storage.summarize(values)
                for impl, values in results.items()}
    finally:
        bench_storage.drop_database(database, url)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--nodes', type=int, default=5000)
    parser.add_argument('--lookups', type=int, default=200)
    parser.add_argument('--databases', nargs='+',
                        default=['sqlite', 'mysql', 'postgresql'])
    parser.add_argument('--json', metavar='FILE')
    args = parser.parse_args()
    release12.install()
    conf.parse_args([], default_config_files=[])
    objects.register_all()
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        for database in args.databases:
            if not bench_storage.available(database):
                print('%s: not available, skipped' % database)
                continue
            results[database] = run(database, args, workdir)
    print('Lookup of one node among %d (BMC address and %d MACs), %d '
          'lookups' % (args.nodes, MACS_PER_NODE, args.lookups))
    print('%-11s' % 'database' + ''.join('%27s' % ('%s med/p95 ms' % impl)
                                         for impl in IMPLS)
          + '%12s%14s' % ('ours/floor', '12.5.0/ours'))
    for database, found in results.items():
        print('%-11s' % database + ''.join(
            '%27s' % ('%.2f / %.2f' % (found[impl]['median_ms'],
                                       found[impl]['p95_ms']))
            for impl in IMPLS) + '%12.1f%14.1f' % (
            found['ours']['median_ms'] / found['floor']['median_ms'],
            found['12.5.0']['median_ms'] / found['ours']['median_ms']))
    if args.json:
        with open(args.json, 'w') as out:
            json.dump(results, out, indent=2)


if __name__ == '__main__':
    main()
