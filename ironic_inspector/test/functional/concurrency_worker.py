"""One process of the concurrency suite: threads saving and reading.

Run as ``python -m ironic_inspector.test.functional.concurrency_worker``
with a JSON job on standard input; prints a JSON report on standard output.
The threads call the configured storage backend, or, when the job says
``through_conductor``, IntrospectionData objects whose calls go to the
conductors over RPC. Every document it writes carries a digest of its own
body, so any reader can tell an intact document from a torn or mixed one.
"""

import hashlib
import json
import random
import sys
import threading
import time

from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector.conductor import rpcapi
from ironic_inspector import conf
from ironic_inspector import objects
from ironic_inspector.objects import base as objects_base
from ironic_inspector import storage


def make_document(writer, seq, size):
    body = ('%s/%d;' % (writer, seq)) * (size // 16 + 1)
    return {'writer': writer, 'seq': seq, 'body': body,
            'digest': hashlib.sha256(body.encode()).hexdigest()}


def is_intact(document):
    if set(document) != {'writer', 'seq', 'body', 'digest'}:
        return False
    body = document['body']
    prefix = '%s/%d;' % (document['writer'], document['seq'])
    return (hashlib.sha256(body.encode()).hexdigest() == document['digest']
            and body.startswith(prefix))


def run_thread(job, writer, save, read, report, lock):
    rng = random.Random(writer)
    deadline = time.monotonic() + job['seconds']
    seq = 0
    while time.monotonic() < deadline:
        node = rng.choice(job['nodes'])
        processed = rng.random() < 0.5
        try:
            if rng.random() < 0.5:
                seq += 1
                save(node, make_document(writer, seq, job['size']),
                     processed)
                kind = 'saves'
            else:
                document = read(node, processed)
                if document is not None and not is_intact(document):
                    raise AssertionError('torn document of node %s' % node)
                kind = 'reads'
            with lock:
                report[kind] += 1
        except Exception as exc:
            with lock:
                report['errors'].append('%s: %s' % (type(exc).__name__,
                                                    exc))


def backend_calls():
    """Save and read through the configured storage backend."""
    backend = storage.get_backend()

    def read(node, processed):
        try:
            return backend.get(node, processed)
        except exception.IntrospectionDataNotFound:
            return None

    def save(node, document, processed):
        backend.save(node, document, processed)

    return save, read


def object_calls():
    """Save and read through IntrospectionData on a remote conductor."""
    objects.register_all()
    objects_base.InspectorObject.indirection_api = rpcapi.ConductorAPI()
    ctx = context.RequestContext()

    def read(node, processed):
        try:
            return objects.IntrospectionData.get_by_node(
                ctx, node, processed).data
        except exception.IntrospectionDataNotFound:
            return None

    def save(node, document, processed):
        objects.IntrospectionData(ctx, node_uuid=node, processed=processed,
                                  data=document).save()

    return save, read


def main():
    job = json.load(sys.stdin)
    conf.parse_args(['--config-file', job['config_file']],
                    default_config_files=[])
    save, read = (object_calls() if job.get('through_conductor')
                  else backend_calls())
    report = {'saves': 0, 'reads': 0, 'errors': []}
    lock = threading.Lock()
    threads = [threading.Thread(target=run_thread,
                                args=(job, '%s-%d' % (job['process'], i),
                                      save, read, report, lock))
               for i in range(job['threads'])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    json.dump(report, sys.stdout)


if __name__ == '__main__':
    main()
