"""Time adopting a big 12.5.0 database while 12.5.0 keeps saving into it.

For each database (SQLite, MariaDB, PostgreSQL), the benchmark creates
ironic-inspector 12.5.0's schema with 12.5.0's own
``ironic-inspector-dbsync upgrade`` (12.5.0 from PyPI in its own
virtualenv, as bench_storage.py makes it) and fills it with --nodes
finished nodes and both of their documents (processed and unprocessed,
the 60 KB sample, each copy made distinct by its ``inventory.hostname``).
To save time those rows are written directly into 12.5.0's ``nodes`` and
``introspection_data`` tables, a batch of rows per statement; they are
what 12.5.0's DatabaseStore writes (the document as JSON text). The fill,
which ends by flushing the written pages to disk, is timed apart and is
not part of the results.

On MariaDB and PostgreSQL, a 12.5.0 process then saves the sample for a
few of those nodes in a loop (``release12_worker.py save-loop``, 12.5.0's
DatabaseStore); after a baseline of a few seconds of its saves, this
project's ``ironic-inspector-dbsync upgrade`` adopts the database in a
process of its own, and the saves go on for at least a few seconds after
it. A 12.5.0 save that raises stops the saver and fails the benchmark:
the other databases are still measured, then it exits non-zero, naming
the error. SQLite is adopted with 12.5.0 stopped, as the README says it
must be there (the adoption copies three tables, holding the database's
one write lock meanwhile). The benchmark checks that the command says it
adopted the database, that every document is still there and that
``ironic-inspector-dbsync version`` gives the head revision.

For each database it reports the wall time of the upgrade command, the
12.5.0 saves that overlapped it and the longest of them (the longest
stall 12.5.0 saw), beside the longest and the median save outside that
window (the normal save time)::

    python tools/bench/bench_adoption.py [--nodes 5000] [--json FILE]
        [--databases sqlite mysql postgresql] [--saver-seconds S]

``--nodes 50`` is a smoke run of a minute or so. MariaDB and PostgreSQL
are reached as openstack_citest (see tools/test-setup.sh); the scratch
database bench_adoption is created and dropped.
"""

import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

import sqlalchemy as sa

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, os.pardir))

import bench_migration  # noqa: E402
import bench_storage  # noqa: E402
from ironic_inspector.db import migration  # noqa: E402
from ironic_inspector.test import release12  # noqa: E402
from ironic_inspector.test import samples  # noqa: E402

# 12.5.0 saves this long before the upgrade starts, and at least this long
# after it ends.
BASELINE_SECONDS = 3
TAIL_SECONDS = 3
# Nodes written per transaction: one statement for their nodes rows, one
# for their 2 documents each (200 rows of 60 KB, some 12 MB; MariaDB's
# max_allowed_packet is 64 MiB).
BATCH_NODES = 100
# How many nodes the 12.5.0 saver saves in turn.
SAVER_NODES = 5
# How long the saver's run allows for the upgrade, by default (it changes
# no row on the servers).
UPGRADE_SECONDS = 8

# 12.5.0's tables, as far as the fill writes them.
NODES = sa.table('nodes', sa.column('uuid', sa.String),
                 sa.column('state', sa.String),
                 sa.column('version_id', sa.String),
                 sa.column('started_at', sa.DateTime),
                 sa.column('finished_at', sa.DateTime),
                 sa.column('manage_boot', sa.Boolean))
DOCUMENTS = sa.table('introspection_data', sa.column('uuid', sa.String),
                     sa.column('processed', sa.Boolean),
                     sa.column('data', sa.Text))


def release_schema(url, workdir):
    """12.5.0's schema at ``url``; returns the config file of 12.5.0."""
    bench_storage.create_schema(bench_storage.RELEASE, url, workdir)
    return release12.write_config(os.path.join(workdir, 'release12.conf'),
                                  url, store='database')


def node_rows(node_uuids):
    finished = datetime.datetime.now(
        datetime.timezone.utc).replace(tzinfo=None)
    started = finished - datetime.timedelta(minutes=5)
    return [{'uuid': node_uuid, 'state': 'finished', 'version_id': '',
             'started_at': started, 'finished_at': finished,
             'manage_boot': True} for node_uuid in node_uuids]


def document_rows(sample, node_uuids):
    """Both documents of each node, as 12.5.0 stores them: JSON text."""
    rows = []
    for node_uuid in node_uuids:
        for processed in (True, False):
            hostname = '%s-%s' % (node_uuid, 'processed' if processed
                                  else 'unprocessed')
            inventory = dict(sample['inventory'], hostname=hostname)
            rows.append({'uuid': node_uuid, 'processed': processed,
                         'data': json.dumps(dict(sample,
                                                 inventory=inventory))})
    return rows


def fill(url, node_uuids):
    """Write the nodes and their documents; returns the seconds it took.

    The fill ends by flushing the machine's dirty pages to disk: the
    kernel would otherwise write the fill back some seconds later, and
    every commit (fsync) of that moment waits for it, which has nothing
    to do with the upgrade measured then.
    """
    sample = samples.load('60k')
    engine = sa.create_engine(url)
    started = time.monotonic()
    for first in range(0, len(node_uuids), BATCH_NODES):
        batch = node_uuids[first:first + BATCH_NODES]
        with engine.begin() as conn:
            conn.execute(NODES.insert(), node_rows(batch))
            conn.execute(DOCUMENTS.insert(), document_rows(sample, batch))
    engine.dispose()
    os.sync()
    return time.monotonic() - started


def start_saver(config_file, seconds, node_uuids, workdir):
    """12.5.0 saving the 60 KB sample for the nodes in turn, in the
    background; its output goes to files of ``workdir``."""
    stdout = open(os.path.join(workdir, 'saver.out'), 'w+')
    stderr = open(os.path.join(workdir, 'saver.err'), 'w+')
    process = subprocess.Popen(
        [release12.command('python'), release12.WORKER, config_file],
        stdin=subprocess.PIPE, stdout=stdout, stderr=stderr, text=True)
    process.stdin.write(json.dumps(
        [['save-loop', str(seconds), samples.path('60k')] + node_uuids]))
    process.stdin.close()
    return process, stdout, stderr


def wait_for_first_save(url, node_uuid, saver, timeout=120):
    """Wait until the saver has replaced the node's processed document
    (the filled copy has another hostname than the sample).

    :returns: False if the saver ended or the time ran out first.
    """
    hostname = samples.load('60k')['inventory']['hostname']
    query = sa.text('SELECT data FROM introspection_data '
                    'WHERE uuid = :uuid AND processed = :processed')
    query = query.bindparams(sa.bindparam('processed', type_=sa.Boolean))
    engine = sa.create_engine(url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and saver.poll() is None:
            with engine.connect() as conn:
                data = conn.execute(query, {'uuid': node_uuid,
                                            'processed': True}).scalar()
            if json.loads(data)['inventory']['hostname'] == hostname:
                return True
            time.sleep(0.1)
    finally:
        engine.dispose()
    return False


def exception_line(traceback):
    """The ``module.SomeError: message`` line of a traceback."""
    lines = traceback.strip().splitlines() or ['no error output']
    for line in reversed(lines):
        if re.match(r'[\w.]+(Error|Exception): ', line):
            return line
    return lines[-1]


class SaverFailed(Exception):
    """A save of 12.5.0 raised; the saver stopped there."""


def finish_saver(process, stdout, stderr, timeout):
    """The saver's ``[[start, seconds], ...]``.

    :raises: SaverFailed, with the last line of its error output.
    """
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    stdout.seek(0)
    stderr.seek(0)
    output, errors = stdout.read(), stderr.read()
    stdout.close()
    stderr.close()
    if process.returncode:
        raise SaverFailed('exit code %s: %s' % (process.returncode,
                                                exception_line(errors)))
    return json.loads(output)[0]


def our_dbsync(config_file, *args):
    """This project's ironic-inspector-dbsync: (start, end, stdout)."""
    start = time.time()
    result = subprocess.run(
        [sys.executable, '-m', 'ironic_inspector.cmd.dbsync',
         '--config-file', config_file] + list(args),
        capture_output=True, text=True)
    end = time.time()
    if result.returncode:
        sys.exit('ironic-inspector-dbsync %s failed (exit code %d):\n%s%s'
                 % (' '.join(args), result.returncode, result.stdout,
                    result.stderr))
    return start, end, result.stdout


def write_our_config(path, url):
    with open(path, 'w') as config:
        config.write('[database]\nconnection = %s\n' % url)
    return path


def split_saves(saves, start, end):
    """The save times (s) overlapping [start, end] and those outside it."""
    inside, outside = [], []
    for save_start, seconds in saves:
        overlaps = save_start < end and save_start + seconds > start
        (inside if overlaps else outside).append(seconds)
    return inside, outside


def saver_seconds(args):
    """--saver-seconds, or the baseline, the upgrade and the tail."""
    return args.saver_seconds or (BASELINE_SECONDS + UPGRADE_SECONDS
                                  + TAIL_SECONDS)


def adopt_while_saving(url, release_config, node_uuids, seconds, workdir):
    """Upgrade with ours while 12.5.0 saves.

    :returns: a dict: the upgrade's wall-clock ``start`` and ``end``, and
        either the 12.5.0 ``saves`` after the first one the benchmark saw
        (the first ones open connections) or the ``error`` that stopped
        the saver.
    """
    our_config = write_our_config(os.path.join(workdir, 'ours.conf'), url)
    saver_uuids = node_uuids[:SAVER_NODES]
    saver = start_saver(release_config, seconds, saver_uuids, workdir)
    try:
        if not wait_for_first_save(url, saver_uuids[0], saver[0]):
            saver[2].seek(0)
            sys.exit('the 12.5.0 saver made no save:\n%s'
                     % saver[2].read()[-4000:])
        warm = time.time()
        time.sleep(BASELINE_SECONDS)
        start, end, output = our_dbsync(our_config, 'upgrade')
        try:
            saves = finish_saver(*saver, timeout=seconds + 120)
            run = {'saves': [s for s in saves if s[0] >= warm]}
        except SaverFailed as exc:
            run = {'error': str(exc)}
    finally:
        if saver[0].poll() is None:
            saver[0].kill()
            saver[0].wait()
    if 'Adopted' not in output:
        sys.exit('ironic-inspector-dbsync upgrade did not adopt the '
                 'database:\n%s' % output)
    if 'saves' in run and not any(s >= end for s, _ in run['saves']):
        sys.exit('the upgrade outlasted the 12.5.0 saver; run again with '
                 'a larger --saver-seconds')
    run.update(start=start, end=end)
    return run


def adopt_stopped(url, workdir):
    """Upgrade with ours, 12.5.0 stopped (SQLite: the README says to)."""
    our_config = write_our_config(os.path.join(workdir, 'ours.conf'), url)
    start, end, output = our_dbsync(our_config, 'upgrade')
    if 'Adopted' not in output:
        sys.exit('ironic-inspector-dbsync upgrade did not adopt the '
                 'database:\n%s' % output)
    return {'start': start, 'end': end, 'stopped': True}


def check_after(url, workdir, documents):
    stored = bench_migration.count_documents(url)
    if stored != documents:
        sys.exit('%d documents after the upgrade, expected %d'
                 % (stored, documents))
    _, _, output = our_dbsync(os.path.join(workdir, 'ours.conf'),
                              'version')
    if output.strip() != migration.head():
        sys.exit('ironic-inspector-dbsync version says %r, not the head '
                 '%s' % (output.strip(), migration.head()))


def summarize(run):
    """The figures of one run: upgrade time, stall and normal saves."""
    result = {'upgrade_seconds': round(run['end'] - run['start'], 2)}
    if 'stopped' in run:
        result['saver'] = 'stopped'
        return result
    if 'error' in run:
        result['saver_error'] = run['error']
        return result
    inside, outside = split_saves(run['saves'], run['start'], run['end'])
    result.update(
        saves_overlapping=len(inside),
        longest_stall_ms=round(max(inside, default=0) * 1000, 1),
        saves_outside=len(outside),
        longest_outside_ms=round(max(outside) * 1000, 1),
        median_outside_ms=round(statistics.median(outside) * 1000, 2),
        tail_seconds=round(max(s for s, _ in run['saves']) - run['end'],
                           1))
    return result


def bench(backend, args, workdir):
    url = bench_storage.scratch_database(backend, 'adoption', workdir)
    try:
        release_config = release_schema(url, workdir)
        node_uuids = [str(uuid.uuid4()) for _ in range(args.nodes)]
        print('%s: filling %d nodes...' % (backend, args.nodes),
              file=sys.stderr)
        fill_seconds = fill(url, node_uuids)
        if backend == 'sqlite':
            run = adopt_stopped(url, workdir)
        else:
            print('%s: upgrading while 12.5.0 saves...' % backend,
                  file=sys.stderr)
            run = adopt_while_saving(url, release_config, node_uuids,
                                     saver_seconds(args), workdir)
        check_after(url, workdir, 2 * args.nodes)
    finally:
        bench_storage.drop_database(backend, url)
    result = {'database': backend, 'nodes': args.nodes,
              'documents': 2 * args.nodes,
              'fill_seconds': round(fill_seconds, 1)}
    result.update(summarize(run))
    return result


def print_table(results):
    header = ('%-10s %6s %9s %7s %10s %8s %11s %12s %12s'
              % ('database', 'nodes', 'documents', 'fill s', 'upgrade s',
                 'overlap', 'stall ms', 'outside max', 'outside med'))
    print(header)
    print('-' * len(header))
    for r in results:
        row = '%-10s %6d %9d %7.1f %10.2f' % (
            r['database'], r['nodes'], r['documents'], r['fill_seconds'],
            r['upgrade_seconds'])
        if 'saver_error' in r:
            print('%s  a 12.5.0 save failed (below)' % row)
            continue
        if r.get('saver') == 'stopped':
            print('%s  12.5.0 stopped first, as on SQLite it must be' % row)
            continue
        print('%s %8d %11.1f %12.1f %12.2f' % (
            row, r['saves_overlapping'], r['longest_stall_ms'],
            r['longest_outside_ms'], r['median_outside_ms']))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--databases', nargs='+',
                        default=['sqlite', 'mysql', 'postgresql'],
                        choices=('sqlite', 'mysql', 'postgresql'))
    parser.add_argument('--nodes', type=int, default=5000)
    parser.add_argument('--saver-seconds', type=float,
                        help='how long 12.5.0 saves: the baseline, the '
                             'upgrade and the tail (default: %d s)'
                             % (BASELINE_SECONDS + UPGRADE_SECONDS
                                + TAIL_SECONDS))
    parser.add_argument('--json', help='also write the results here')
    args = parser.parse_args()
    bench_storage.release_python()
    started = time.monotonic()
    results = []
    with tempfile.TemporaryDirectory() as workdir:
        for backend in args.databases:
            if not bench_storage.available(backend):
                print('%s is not reachable; skipped' % backend,
                      file=sys.stderr)
                continue
            results.append(bench(backend, args, workdir))
    print_table(results)
    print('\nstall ms: the longest 12.5.0 save overlapping the upgrade; '
          'outside max/med:\nthe longest and the median 12.5.0 save '
          'before and after it.')
    for r in results:
        if 'saver_error' in r:
            print('%s: a 12.5.0 save failed during the upgrade, %s'
                  % (r['database'], r['saver_error']))
    print('%d databases in %.0f s' % (len(results),
                                      time.monotonic() - started))
    if args.json:
        with open(args.json, 'w') as output:
            json.dump(results, output, indent=2)
    failed = [r['database'] for r in results if 'saver_error' in r]
    if failed:
        sys.exit('FAILED: 12.5.0 could not save during the upgrade on %s'
                 % ', '.join(failed))


if __name__ == '__main__':
    main()
