"""Operator tools at fleet scale, each beside its floor, in one run.

For each database and size, the benchmark fills a fresh database with
that many small documents (half as many nodes, a processed and an
unprocessed document each, written 30 days ago by a release that stamped
no object version) with multi-row INSERTs, then times, each in a process
of its own, wall time and peak RSS of:

``list``
    ``ironic-inspector-data list`` (its default table) against a streamed
    ``SELECT`` of the same columns;
``online_data_migrations``
    ``ironic-inspector-dbsync online_data_migrations`` against one
    ``UPDATE`` per table;
``purge``
    ``ironic-inspector-data purge --older-than 0`` against one ``DELETE``;
``move_to_ironic``
    ``ironic-inspector-migrate-data --from database --to ironic`` into the
    ``node_inventory`` table of a database that ironic 39.0.0's own
    ``ironic-dbsync`` made (with a node of ironic for each of ours),
    against a streamed ``SELECT`` and multi-row ``INSERT`` s; the ironic
    39.0.0 virtualenv comes from tools/install-ironic39.sh.

On Swift (10,000 documents by default): ``list`` against the bare
container listing, ``purge`` against the listing and one bulk-delete
request, and ``migrate-data --from database --to swift`` against bare
PUTs from as many threads, and ``migrate-data --from database --to
ironic`` into ironic's objects (the Swift-backed ironic 39.0.0 of
IRONIC39_SWIFT_STATE_DIR, given a node for each of ours) against bare
PUTs of two objects a node. The floors are in ``scale_floor.py``.

    python tools/bench/bench_scale.py [--sizes 10000 100000] \\
        [--backends sqlite mysql postgresql swift] [--swift-size 10000] \\
        [--operations list purge online_data_migrations migrate_data \\
                      move_to_ironic] \\
        [--repeat 3] [--json FILE]

Each runs its module's ``main`` in a process of its own, which reports
its start (importing the module: the interpreter's libraries) apart from
its work (all the rest: reading the configuration, connecting, the
statements). The start does not grow with the fleet; the ratio of the
work is what each document costs us beside what it costs the floor.
Database runs are the median of --repeat runs (the documents written
again before each); Swift's run once.

MariaDB and PostgreSQL are the openstack_citest ones of
tools/test-setup.sh; Swift comes from the variables
tools/swift/start-swift.sh writes. To time another checkout's commands
(before/after), put it first on PYTHONPATH.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

import requests
import sqlalchemy as sa

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, os.pardir))

import bench_storage  # noqa: E402
from ironic_inspector.db import migration  # noqa: E402
from ironic_inspector.test import topology_fixtures  # noqa: E402

OPERATIONS = ('list', 'online_data_migrations', 'purge', 'migrate_data',
              'move_to_ironic')
DATABASE_OPERATIONS = ('list', 'online_data_migrations', 'purge',
                       'move_to_ironic')
# Rows per INSERT statement of the fill.
FILL_CHUNK = 5000
AGE = datetime.timedelta(days=30)


def document(node_uuid, processed):
    return '{"inventory": {"cpu": {"count": 8}, "memory": {"physical_mb": ' \
           '16384}}, "cpus": 8, "memory_mb": 16384, "local_gb": 930, ' \
           '"hostname": "%s", "processed": %s}' % (
               node_uuid, 'true' if processed else 'false')


def fill(engine, count):
    """``count`` documents of ``count // 2`` nodes, unversioned, old."""
    written = datetime.datetime.utcnow() - AGE
    nodes = [str(uuid.UUID(int=i + 1)) for i in range(count // 2)]
    with engine.begin() as conn:
        for start in range(0, len(nodes), FILL_CHUNK):
            chunk = nodes[start:start + FILL_CHUNK]
            conn.execute(sa.text(
                "INSERT INTO nodes (uuid, state, created_at, updated_at) "
                "VALUES (:uuid, 'finished', :at, :at)"),
                [{'uuid': u, 'at': written} for u in chunk])
    refill_documents(engine, nodes, written)
    return nodes


def refill_documents(engine, nodes, written=None):
    written = written or datetime.datetime.utcnow() - AGE
    table = sa.table('introspection_data', sa.column('uuid'),
                     sa.column('processed'), sa.column('data'),
                     sa.column('created_at'), sa.column('updated_at'))
    with engine.begin() as conn:
        conn.execute(sa.text('DELETE FROM introspection_data'))
        for start in range(0, len(nodes), FILL_CHUNK // 2):
            conn.execute(table.insert().values([
                {'uuid': u, 'processed': p, 'data': document(u, p),
                 'created_at': written, 'updated_at': written}
                for u in nodes[start:start + FILL_CHUNK // 2]
                for p in (True, False)]))


def unversion(engine):
    """Make every row wait for the online data migrations again."""
    with engine.begin() as conn:
        for table in ('nodes', 'introspection_data'):
            conn.execute(sa.text('UPDATE %s SET version = NULL' % table))
    vacuum(engine)


def vacuum(engine):
    if engine.dialect.name == 'postgresql':
        with engine.connect().execution_options(
                isolation_level='AUTOCOMMIT') as conn:
            conn.execute(sa.text('VACUUM ANALYZE'))


def count_rows(engine, where='1 = 1'):
    with engine.connect() as conn:
        return conn.execute(sa.text(
            'SELECT COUNT(*) FROM introspection_data WHERE %s'
            % where)).scalar()


# Runs the ``main`` of module argv[1] with the arguments after it, then
# prints, last on standard error, the seconds its import took, the
# seconds main took and the peak RSS (KiB) of the process: VmHWM, which
# starts anew with the program (getrusage's would start at the peak of
# the process this one was forked from).
_MEASURE = """
import importlib, sys, time
sys.path.append(%r)
started = time.monotonic()
module = importlib.import_module(sys.argv[1])
imported = time.monotonic()
try:
    code = module.main(sys.argv[2:])
except SystemExit as exc:
    code = exc.code
done = time.monotonic()
with open('/proc/self/status') as status:
    peak = [line.split()[1] for line in status if line.startswith('VmHWM')]
print(imported - started, done - imported, peak[0], file=sys.stderr)
sys.exit(code)
""" % HERE


def measure(command, repeat=1, prepare=None):
    """Run ``command`` (a module and its arguments) ``repeat`` times,
    calling ``prepare`` before each.

    :returns: a dict of the median wall time, start and work (seconds)
        and the highest peak RSS (MiB) of its process.
    """
    runs = []
    for _ in range(repeat):
        if prepare is not None:
            prepare()
        started = time.monotonic()
        run = subprocess.run([sys.executable, '-c', _MEASURE] + command,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
        wall = time.monotonic() - started
        if run.returncode:
            sys.exit('%s failed (%d):\n%s' % (' '.join(command),
                                              run.returncode, run.stderr))
        start, work, rss = run.stderr.split()[-3:]
        runs.append({'s': wall, 'start_s': float(start),
                     'work_s': float(work), 'rss_mib': int(rss) / 1024})
    return {key: (max if key == 'rss_mib' else statistics.median)(
                run[key] for run in runs)
            for key in runs[0]}


def command(config_file, module, *args):
    return ['ironic_inspector.cmd.%s' % module,
            '--config-file', config_file] + list(args)


def floor(*args):
    return ['scale_floor'] + [str(arg) for arg in args]


def table_rows(backend, size, runs):
    """The rows of ``runs``, ``{operation: (floor run, our run)}``."""
    rows = []
    for operation, (floor_run, ours_run) in runs.items():
        row = {'backend': backend, 'documents': size,
               'operation': operation}
        for name, run in (('floor', floor_run), ('ours', ours_run)):
            row.update(('%s_%s' % (name, key), round(value, 3))
                       for key, value in run.items())
        row['ratio'] = round(ours_run['s'] / floor_run['s'], 2)
        row['work_ratio'] = round(ours_run['work_s'] / floor_run['work_s'],
                                  2)
        rows.append(row)
    return rows


def database_runs(backend, size, operations, workdir, repeat):
    """``{operation: (floor run, our run)}`` on ``size`` documents."""
    url = bench_storage.scratch_database(backend, 'scale_%d' % os.getpid(),
                                         workdir)
    config_file = os.path.join(workdir, '%s.conf' % backend)
    with open(config_file, 'w') as config:
        config.write('[database]\nconnection = %s\n' % url)
    engine = sa.create_engine(url)
    runs = {}
    try:
        migration.upgrade('head', engine=engine)
        print('%s: %d documents...' % (backend, size), file=sys.stderr)
        nodes = fill(engine, size)
        vacuum(engine)
        if 'list' in operations:
            runs['list'] = (
                measure(floor('list', url), repeat),
                measure(command(config_file, 'data', 'list'), repeat))
        if 'online_data_migrations' in operations:
            now = datetime.datetime.utcnow().isoformat(sep=' ')
            runs['online_data_migrations'] = (
                measure(floor('online_data_migrations', url, now), repeat,
                        lambda: unversion(engine)),
                measure(command(config_file, 'dbsync',
                                'online_data_migrations'), repeat,
                        lambda: unversion(engine)))
            assert count_rows(engine, 'version IS NULL') == 0

        def refill():
            refill_documents(engine, nodes)
            vacuum(engine)

        if 'purge' in operations:
            cutoff = datetime.datetime.utcnow().isoformat(sep=' ')
            runs['purge'] = (
                measure(floor('purge', url, cutoff), repeat, refill),
                measure(command(config_file, 'data', 'purge',
                                '--older-than', '0'), repeat, refill))
            assert count_rows(engine) == 0
        if 'move_to_ironic' in operations and ironic39_missing() is None:
            refill()
            runs['move_to_ironic'] = ironic_runs(backend, url, config_file,
                                                 nodes, workdir, repeat)
    finally:
        engine.dispose()
        bench_storage.drop_database(backend, url)
    return runs


def ironic39_missing(state_variable=None):
    """Why move_to_ironic cannot run (and says so), or None: ironic
    39.0.0 is not installed, or the ironic that ``state_variable`` names
    (tools/ironic/start-ironic.sh's state directory) does not answer."""
    reason = None
    try:
        ironic39_venv()
    except subprocess.CalledProcessError:
        reason = 'ironic 39.0.0 cannot be installed'
    if reason is None and state_variable is not None:
        try:
            requests.get(ironic39_env(state_variable)['IRONIC_TEST_URL'],
                         timeout=10).raise_for_status()
        except (KeyError, OSError, requests.RequestException) as exc:
            reason = 'no ironic 39.0.0 in $%s (%s)' % (
                state_variable, type(exc).__name__)
    if reason is not None:
        print('move_to_ironic: skipped, %s' % reason, file=sys.stderr)
    return reason


def ironic39_env(state_variable):
    """The variables of the env file tools/ironic/start-ironic.sh wrote
    in the state directory ``state_variable`` names."""
    return topology_fixtures.read_env_file(
        os.path.join(os.environ[state_variable], 'env'))


def ironic39_venv():
    """ironic 39.0.0's virtualenv (tools/install-ironic39.sh's)."""
    install = os.path.join(HERE, os.pardir, 'install-ironic39.sh')
    return subprocess.run([install], check=True, capture_output=True,
                          text=True).stdout.strip()


def add_ironic_nodes(engine, nodes, template=None):
    """A row of ironic's nodes table for each UUID of ``nodes``: a copy of
    the row of node ``template`` (one made through ironic's API, whose
    rows the API can read), or the least ironic's schema takes."""
    rows = [{'driver': 'fake-hardware'}]
    if template is not None:
        with engine.connect() as conn:
            rows = conn.execute(sa.text('SELECT * FROM nodes WHERE uuid = '
                                        ':uuid'), {'uuid': template}
                                ).mappings().all()
    values = {name: value for name, value in rows[0].items()
              if name not in ('id', 'uuid', 'name', 'instance_uuid')}
    table = sa.table('nodes', *(sa.column(name) for name in
                                list(values) + ['uuid']))
    with engine.begin() as conn:
        for start in range(0, len(nodes), FILL_CHUNK):
            conn.execute(table.insert(), [
                dict(values, uuid=u) for u in nodes[start:start + FILL_CHUNK]])


def ironic_database(backend, nodes, workdir):
    """The URL of a database made by ironic 39.0.0's ironic-dbsync, with
    a node of ironic for each of ``nodes``."""
    venv = ironic39_venv()
    url = bench_storage.scratch_database(backend, 'ironic_%d' % os.getpid(),
                                         workdir)
    config_file = os.path.join(workdir, 'ironic-%s.conf' % backend)
    with open(config_file, 'w') as config:
        config.write('[database]\nconnection = %s\n' % url)
    # NOTE: ironic's migrations cannot run on SQLite from an empty
    # database; create_schema makes its tables from its models.
    subprocess.run([os.path.join(venv, 'bin', 'ironic-dbsync'),
                    '--config-file', config_file,
                    'create_schema' if backend == 'sqlite' else 'upgrade'],
                   check=True, capture_output=True)
    engine = sa.create_engine(url)
    add_ironic_nodes(engine, nodes)
    return url, engine


def ironic_runs(backend, url, config_file, nodes, workdir, repeat):
    """(floor run, our run) of moving every node into ironic's table."""
    ironic_url, ironic = ironic_database(backend, nodes, workdir)
    ironic_config = config_file + '.ironic'
    with open(config_file) as config, open(ironic_config, 'w') as out:
        out.write(config.read() + '[ironic_inventory]\nconnection = %s\n'
                  % ironic_url)

    def empty():
        with ironic.begin() as conn:
            conn.execute(sa.text('DELETE FROM node_inventory'))
        vacuum(ironic)

    def moved():
        with ironic.connect() as conn:
            return conn.execute(sa.text(
                'SELECT COUNT(DISTINCT node_id) FROM node_inventory')
            ).scalar()

    try:
        floor_run = measure(floor('ironic-insert', url, ironic_url), repeat,
                            empty)
        assert moved() == len(nodes)
        ours_run = measure(command(ironic_config, 'migrate_data', '--from',
                                   'database', '--to', 'ironic'), repeat,
                           empty)
        assert moved() == len(nodes)
    finally:
        ironic.dispose()
        bench_storage.drop_database(backend, ironic_url)
    return floor_run, ours_run


def swift_runs(size, operations, workdir):
    """``{operation: (floor run, our run)}`` on ``size`` documents."""
    container = 'bench-scale-%s' % uuid.uuid4()
    url = bench_storage.scratch_database('sqlite', 'scale_swift', workdir)
    config_file = os.path.join(workdir, 'swift.conf')
    with open(config_file, 'w') as config:
        config.write(
            '[database]\nconnection = %s\n[processing]\nstorage_backend = '
            'swift\n[swift]\ncontainer = %s\nauth_version = 1\n'
            'v1_auth_url = %s\nv1_user = %s\nv1_key = %s\n'
            % (url, container, os.environ['SWIFT_TEST_AUTH_URL'],
               os.environ['SWIFT_TEST_USER'], os.environ['SWIFT_TEST_KEY']))
    engine = sa.create_engine(url)
    migration.upgrade('head', engine=engine)
    print('swift: %d documents...' % size, file=sys.stderr)
    nodes = fill(engine, size)
    engine.dispose()
    runs = {}
    if set(operations) & {'list', 'purge', 'migrate_data'}:
        # The bare PUTs fill the container for list and the bare purge
        # empties it; migrate-data fills it again for our purge.
        put_run = measure(floor('swift-put', container, url))
        if 'list' in operations:
            runs['list'] = (measure(floor('swift-list', container)),
                            measure(command(config_file, 'data', 'list')))
        purge_floor = measure(floor('swift-purge', container))
        migrate_run = measure(command(config_file, 'migrate_data', '--from',
                                      'database', '--to', 'swift'))
        if 'migrate_data' in operations:
            runs['migrate_data'] = (put_run, migrate_run)
        purge_run = measure(command(config_file, 'data', 'purge',
                                    '--older-than', '0'))
        if 'purge' in operations:
            runs['purge'] = (purge_floor, purge_run)
    if 'move_to_ironic' in operations and ironic39_missing(
            'IRONIC39_SWIFT_STATE_DIR') is None:
        runs['move_to_ironic'] = ironic_swift_runs(config_file, url, nodes)
    return runs


def ironic_swift_runs(config_file, url, nodes):
    """(floor run, our run) of moving every node into ironic's objects,
    ironic being the Swift-backed ironic 39.0.0 whose state directory
    IRONIC39_SWIFT_STATE_DIR names (tools/ironic/start-ironic.sh), which
    is given a node for each of ours in its database."""
    env = ironic39_env('IRONIC39_SWIFT_STATE_DIR')
    api = requests.Session()
    api.headers['X-OpenStack-Ironic-API-Version'] = '1.81'
    template = api.post(env['IRONIC_TEST_URL'] + '/v1/nodes',
                        json={'driver': 'fake-hardware'}).json()['uuid']
    ironic = sa.create_engine(env['IRONIC_TEST_DATABASE_URL'])
    add_ironic_nodes(ironic, nodes, template)
    container = 'bench-ironic-%s' % uuid.uuid4()
    ironic_config = config_file + '.ironic'
    with open(config_file) as config, open(ironic_config, 'w') as out:
        out.write(config.read() + '[ironic_inventory]\ndata_backend = swift'
                  '\nswift_data_container = %s\n[ironic]\nauth_type = none'
                  '\nendpoint_override = %s\n'
                  % (container, env['IRONIC_TEST_URL']))
    try:
        floor_run = measure(floor('ironic-swift-put', container, url))
        ours_run = measure(command(ironic_config, 'migrate_data', '--from',
                                   'database', '--to', 'ironic'))
    finally:
        with ironic.begin() as conn:
            conn.execute(sa.text('DELETE FROM nodes WHERE uuid IN :uuids')
                         .bindparams(sa.bindparam('uuids', expanding=True)),
                         {'uuids': nodes})
        ironic.dispose()
        api.delete(env['IRONIC_TEST_URL'] + '/v1/nodes/' + template)
    return floor_run, ours_run


def print_table(results):
    print('%-10s %9s %-22s %15s %15s %6s %13s %6s'
          % ('backend', 'documents', 'operation', 'floor s / MiB',
             'ours s / MiB', 'ratio', 'work s fl/ours', 'ratio'))
    for r in results:
        print('%-10s %9d %-22s %7.2f / %5.0f %7.2f / %5.0f %6.2f '
              '%6.2f/%6.2f %6.2f'
              % (r['backend'], r['documents'], r['operation'], r['floor_s'],
                 r['floor_rss_mib'], r['ours_s'], r['ours_rss_mib'],
                 r['ratio'], r['floor_work_s'], r['ours_work_s'],
                 r['work_ratio']))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', type=int, nargs='+',
                        default=[10000, 100000])
    parser.add_argument('--swift-size', type=int, default=10000)
    parser.add_argument('--backends', nargs='+',
                        default=['sqlite', 'mysql', 'postgresql', 'swift'],
                        choices=['sqlite', 'mysql', 'postgresql', 'swift'])
    parser.add_argument('--operations', nargs='+', default=OPERATIONS,
                        choices=OPERATIONS)
    parser.add_argument('--repeat', type=int, default=3,
                        help='database runs per measurement (the median)')
    parser.add_argument('--json', help='also write the results here')
    args = parser.parse_args()
    results = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as workdir:
        # NOTE: the commands run with ``python -c``, which looks for
        # modules in the working directory first.
        os.chdir(workdir)
        for backend in args.backends:
            if backend == 'swift':
                if 'SWIFT_TEST_AUTH_URL' not in os.environ:
                    print('swift: skipped, start it with tools/swift/'
                          'start-swift.sh and source its env file',
                          file=sys.stderr)
                    continue
                results += table_rows('swift', args.swift_size, swift_runs(
                    args.swift_size, args.operations, workdir))
                continue
            if not bench_storage.available(backend):
                print('%s: skipped, the server does not answer' % backend,
                      file=sys.stderr)
                continue
            operations = [op for op in args.operations
                          if op in DATABASE_OPERATIONS]
            for size in args.sizes:
                results += table_rows(backend, size, database_runs(
                    backend, size, operations, workdir, args.repeat))
    print_table(results)
    print('(%.0f s in all)' % (time.monotonic() - started))
    if args.json:
        with open(args.json, 'w') as output:
            json.dump(results, output, indent=2)


if __name__ == '__main__':
    main()
