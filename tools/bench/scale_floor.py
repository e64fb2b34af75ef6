"""The floor of one operator task: the least any implementation must do.

Run by bench_scale.py in a process of its own, as the commands it is
compared with are: its start is the import of this module, which imports
the database drivers; its work is ``main``:

    python scale_floor.py list|purge|online_data_migrations URL [CUTOFF]
    python scale_floor.py ironic-insert URL IRONIC_URL
    python scale_floor.py swift-list|swift-purge|swift-put CONTAINER [URL]
    python scale_floor.py ironic-swift-put CONTAINER URL

Databases: the bare DB-API driver (sqlite3, PyMySQL, psycopg2) runs the
one set-based statement (a streamed SELECT for ``list``, one DELETE, one
UPDATE per table) in one transaction; for ``ironic-insert``, a streamed
SELECT of the processed documents, split as ironic keeps them, and
multi-row INSERTs into ironic's node_inventory, a transaction per 1,000
rows. Swift: swiftclient's bare requests,
the container listing paged as the commands page it, one bulk-delete
request per 10,000 objects, PUTs from as many threads as migrate-data's
default --workers.
"""

import concurrent.futures
import datetime
import os
import sqlite3
import sys
import threading
import urllib.parse

import orjson
import psycopg2
import pymysql
import pymysql.cursors

# Rows fetched per round trip by the streamed SELECT.
FETCH = 1000
# migrate-data's default --workers.
THREADS = 4
# The most objects Swift's bulk middleware deletes per request (its
# default max_deletes_per_request).
BULK = 10000


def connect(url):
    """A DB-API connection to a SQLAlchemy-style URL."""
    parsed = urllib.parse.urlsplit(url)
    scheme = parsed.scheme.split('+')[0]
    if scheme == 'sqlite':
        return sqlite3.connect(parsed.path[1:]), '?'
    kwargs = {'host': parsed.hostname, 'user': parsed.username,
              'password': parsed.password,
              'database': parsed.path.lstrip('/')}
    if scheme == 'mysql':
        return pymysql.connect(charset='utf8mb4', **kwargs), '%s'
    return psycopg2.connect(**kwargs), '%s'


def streamed_cursor(conn, url):
    """A server-side cursor where the driver has one, so that the floor's
    memory is flat too."""
    if 'postgresql' in url:
        return conn.cursor(name='listing')
    if 'mysql' in url:
        return conn.cursor(pymysql.cursors.SSCursor)
    return conn.cursor()


def list_documents(url):
    conn, _ = connect(url)
    cursor = streamed_cursor(conn, url)
    cursor.execute('SELECT uuid, processed, created_at, updated_at '
                   'FROM introspection_data ORDER BY uuid, processed')
    out = sys.stdout
    while True:
        rows = cursor.fetchmany(FETCH)
        if not rows:
            break
        for row in rows:
            out.write('%s %s %s %s\n' % row)
    conn.close()


def purge(url, cutoff):
    conn, param = connect(url)
    cursor = conn.cursor()
    cursor.execute('DELETE FROM introspection_data WHERE updated_at < %s'
                   % param, (cutoff,))
    conn.commit()
    print(cursor.rowcount)


def online_data_migrations(url, now):
    conn, param = connect(url)
    cursor = conn.cursor()
    for table, version in (('nodes', '1.0'), ('introspection_data', '1.1')):
        cursor.execute(
            'UPDATE %s SET version = %s, created_at = COALESCE(created_at, '
            '%s), updated_at = COALESCE(updated_at, %s) WHERE version IS NULL'
            % (table, param, param, param), (version, now, now))
    conn.commit()


def ironic_insert(url, ironic_url):
    """Write the processed documents of the database at ``url`` into the
    node_inventory table of ironic's database at ``ironic_url``."""
    source, _ = connect(url)
    target, param = connect(ironic_url)
    cursor = target.cursor()
    cursor.execute('SELECT uuid, id FROM nodes')
    node_ids = dict(cursor.fetchall())
    rows = streamed_cursor(source, url)
    rows.execute('SELECT uuid, data FROM introspection_data WHERE processed')
    now = datetime.datetime.utcnow()
    insert = ('INSERT INTO node_inventory (version, inventory_data, '
              'plugin_data, node_id, created_at) VALUES (%s)'
              % ', '.join([param] * 5))
    while True:
        page = rows.fetchmany(FETCH)
        if not page:
            break
        values = []
        for uuid, data in page:
            document = orjson.loads(data)
            inventory = document.pop('inventory')
            values.append(('1.1', orjson.dumps(inventory).decode(),
                           orjson.dumps(document).decode(), node_ids[uuid],
                           now))
        cursor.executemany(insert, values)
        target.commit()


def swift_connection():
    # NOTE: imported here, as the commands import it when they reach Swift.
    from swiftclient import client
    return client.Connection(authurl=os.environ['SWIFT_TEST_AUTH_URL'],
                             user=os.environ['SWIFT_TEST_USER'],
                             key=os.environ['SWIFT_TEST_KEY'],
                             auth_version='1')


def swift_names(conn, container):
    marker = ''
    while True:
        _, page = conn.get_container(container, marker=marker,
                                     prefix='inspector_data-')
        if not page:
            return
        for entry in page:
            yield entry['name'], entry['last_modified']
        marker = page[-1]['name']


def swift_list(container):
    out = sys.stdout
    for name, modified in swift_names(swift_connection(), container):
        out.write('%s %s\n' % (name, modified))


def swift_purge(container):
    conn = swift_connection()
    names = [name for name, _ in swift_names(conn, container)]
    for start in range(0, len(names), BULK):
        body = ''.join(urllib.parse.quote('/%s/%s' % (container, name))
                       + '\n' for name in names[start:start + BULK])
        conn.post_account(headers={'Accept': 'application/json',
                                   'Content-Type': 'text/plain'},
                          query_string='bulk-delete', data=body.encode())
    print(len(names))


def _put_rows(container, url, query, objects):
    """PUT, from THREADS threads, the objects ``objects(row)`` gives
    (``(name, body)`` pairs) for each row ``query`` reads at ``url``."""
    conn, _ = connect(url)
    cursor = conn.cursor()
    cursor.execute(query)
    local = threading.local()

    def put(row):
        if not hasattr(local, 'conn'):
            local.conn = swift_connection()
        for name, body in objects(row):
            local.conn.put_object(container, name, body,
                                  content_type='application/json')

    swift_connection().put_container(container)
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        while True:
            rows = cursor.fetchmany(FETCH)
            if not rows:
                break
            list(pool.map(put, rows))


def swift_put(container, url):
    """PUT every document of the database at ``url`` into Swift."""
    def objects(row):
        uuid, processed, data = row
        yield ('inspector_data-%s%s' % (uuid, '' if processed
                                        else '-UNPROCESSED'), data)

    _put_rows(container, url,
              'SELECT uuid, processed, data FROM introspection_data', objects)


def ironic_swift_put(container, url):
    """PUT the processed documents of the database at ``url`` into Swift
    as ironic keeps them, two objects a node."""
    def objects(row):
        uuid, data = row
        document = orjson.loads(data)
        inventory = document.pop('inventory')
        yield 'inspector_data-%s-inventory' % uuid, orjson.dumps(inventory)
        yield 'inspector_data-%s-plugin' % uuid, orjson.dumps(document)

    _put_rows(container, url, 'SELECT uuid, data FROM introspection_data '
              'WHERE processed', objects)


def main(argv=None):
    operation, target, *extra = sys.argv[1:] if argv is None else argv
    {'list': lambda: list_documents(target),
     'purge': lambda: purge(target, *extra),
     'online_data_migrations': lambda: online_data_migrations(target,
                                                              *extra),
     'ironic-insert': lambda: ironic_insert(target, *extra),
     'swift-list': lambda: swift_list(target),
     'swift-purge': lambda: swift_purge(target),
     'swift-put': lambda: swift_put(target, *extra),
     'ironic-swift-put': lambda: ironic_swift_put(target, *extra)
     }[operation]()


if __name__ == '__main__':
    main()
