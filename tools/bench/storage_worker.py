"""Time one implementation's storage operations; used by bench_storage.py.

    python storage_worker.py IMPL DATABASE_URL SAMPLE_FILE ITERATIONS WARMUP

IMPL is ``ours`` (IntrospectionData and Node), ``12.5.0`` (ironic-inspector
12.5.0's DatabaseStore and db api, run with that release's interpreter) or
``floor`` (the bare DB-API driver running the same SQL, one transaction per
operation, with orjson for the JSON work). Prints a JSON object mapping
each operation to its list of durations in seconds.

This file runs under both virtualenvs, so it imports nothing of the
project at module level.
"""

import datetime
import json
import sys
import time
import uuid

OPERATIONS = ('add node', 'first save', 'replacing save', 'get',
              'delete node')


def ours(url):
    from ironic_inspector.common import context
    from ironic_inspector import conf
    from ironic_inspector import objects
    conf.parse_args([], default_config_files=[])
    conf.CONF.set_override('connection', url, group='database')
    objects.register_all()
    ctx = context.RequestContext()

    def save(node_uuid, document):
        objects.IntrospectionData(ctx, node_uuid=node_uuid, processed=True,
                                  data=document).save()

    return {
        'add node': lambda u: objects.Node(ctx, uuid=u,
                                           state='finished').create(),
        'save': save,
        'get': lambda u: objects.IntrospectionData.get_by_node(
            ctx, u, processed=True).data,
        'delete node': lambda u: objects.Node(ctx, uuid=u,
                                              state='finished').destroy(),
    }


def release_12_5_0(url):
    import ironic_inspector.conf  # noqa: F401 (registers the options)
    from ironic_inspector.db import api as db
    from ironic_inspector.plugins import introspection_data
    from oslo_config import cfg
    cfg.CONF([], project='ironic-inspector', default_config_files=[])
    cfg.CONF.set_override('connection', url, group='database')
    store = introspection_data.DatabaseStore()
    return {
        'add node': lambda u: db.add_node(u, 'finished'),
        'save': lambda u, document: store.save(u, document, processed=True),
        # Its service asks for the dict; get_json=False would re-encode.
        'get': lambda u: store.get(u, processed=True, get_json=True),
        'delete node': db.delete_node,
    }


_UPSERTS = {
    'sqlite': 'ON CONFLICT (uuid, processed) DO UPDATE SET '
              'data = excluded.data, updated_at = excluded.updated_at, '
              'version = excluded.version',
    'postgresql': 'ON CONFLICT (uuid, processed) DO UPDATE SET '
                  'data = excluded.data, updated_at = excluded.updated_at, '
                  'version = excluded.version',
    'mysql': 'ON DUPLICATE KEY UPDATE data = VALUES(data), '
             'updated_at = VALUES(updated_at), version = VALUES(version)',
}


def _connect(url):
    """A DB-API connection and its parameter marker."""
    from sqlalchemy.engine import make_url
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == 'sqlite':
        import sqlite3
        connection = sqlite3.connect(parsed.database)
        connection.execute('PRAGMA foreign_keys = ON')
        return backend, connection, '?'
    if backend == 'mysql':
        import pymysql
        connection = pymysql.connect(
            host=parsed.host, port=parsed.port or 3306, user=parsed.username,
            password=parsed.password, database=parsed.database,
            charset='utf8mb4', max_allowed_packet=1024 ** 3)
        return backend, connection, '%s'
    import psycopg2
    connection = psycopg2.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username,
        password=parsed.password, dbname=parsed.database)
    return backend, connection, '%s'


def floor(url):
    import orjson
    backend, connection, mark = _connect(url)

    def run(sql, params, fetch=False):
        cursor = connection.cursor()
        cursor.execute(sql.replace('?', mark), params)
        row = cursor.fetchone() if fetch else None
        connection.commit()
        return row

    upsert = ('INSERT INTO introspection_data (uuid, processed, data, '
              'created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?) '
              + _UPSERTS[backend])

    def save(node_uuid, document):
        now = datetime.datetime.utcnow()
        run(upsert, (node_uuid, True, orjson.dumps(document).decode(), now,
                     now, '1.1'))

    def get(node_uuid):
        row = run('SELECT data FROM introspection_data '
                  'WHERE uuid = ? AND processed = ?', (node_uuid, True),
                  fetch=True)
        return orjson.loads(row[0])

    return {
        'add node': lambda u: run(
            "INSERT INTO nodes (uuid, state) VALUES (?, 'finished')", (u,)),
        'save': save,
        'get': get,
        'delete node': lambda u: run('DELETE FROM nodes WHERE uuid = ?',
                                     (u,)),
    }


IMPLEMENTATIONS = {'ours': ours, '12.5.0': release_12_5_0, 'floor': floor}


def main():
    impl, url, sample_file, iterations, warmup = sys.argv[1:6]
    with open(sample_file, 'rb') as sample:
        document = json.load(sample)
    calls = IMPLEMENTATIONS[impl](url)
    timings = {name: [] for name in OPERATIONS}
    for index in range(int(warmup) + int(iterations)):
        node_uuid = str(uuid.uuid4())
        steps = (('add node', lambda: calls['add node'](node_uuid)),
                 ('first save', lambda: calls['save'](node_uuid, document)),
                 ('replacing save',
                  lambda: calls['save'](node_uuid, document)),
                 ('get', lambda: calls['get'](node_uuid)),
                 ('delete node', lambda: calls['delete node'](node_uuid)))
        for name, step in steps:
            # Every document differs from the last one written.
            document['inventory']['hostname'] = '%s-%s' % (node_uuid, name)
            started = time.perf_counter()
            step()
            elapsed = time.perf_counter() - started
            if index >= int(warmup):
                timings[name].append(elapsed)
    json.dump(timings, sys.stdout)


if __name__ == '__main__':
    main()
