"""The periodic clean-up of the services with database access.

Every ``[DEFAULT]clean_up_period`` seconds, as ironic-inspector 12.x:

* introspections that have waited for their ramdisk, or been processed,
  longer than ``[DEFAULT]timeout`` end in error "Introspection timeout"
  (a processing whose process died is freed so);
* with an ironic, the nodes ironic no longer has leave the node cache,
  with their data.

Each step is set-based, in batches, and safe while other services run it
too: a batch of timeouts is one UPDATE of rows no other service holds,
and a node is deleted only if it was added before ironic was asked which
nodes it has.
"""

import datetime
import logging
import threading

from futurist import periodics
from oslo_utils import timeutils

from ironic_inspector.clients import ironic
from ironic_inspector.common import context as inspector_context
from ironic_inspector.common import exception
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import objects

LOG = logging.getLogger(__name__)

BATCH_SIZE = 1000


def time_out(context, timeout):
    """End the introspections older than ``timeout`` seconds.

    :returns: how many ended.
    """
    started_before = timeutils.utcnow() - datetime.timedelta(seconds=timeout)
    total = 0
    while True:
        uuids = objects.Node.time_out(context, started_before, BATCH_SIZE)
        for uuid in uuids:
            LOG.error('Introspection of node %s timed out', uuid)
        total += len(uuids)
        if len(uuids) < BATCH_SIZE:
            return total


def forget_deleted_nodes(context, client):
    """Remove the nodes of the cache that ironic no longer has.

    :returns: how many were removed.
    :raises: IronicCallFailed when ironic cannot list its nodes (nothing
        is removed then).
    """
    asked_at = timeutils.utcnow()
    in_ironic = set(client.node_uuids())
    batch, total = [], 0
    for uuid in db_nodes.iter_node_uuids(BATCH_SIZE):
        if uuid not in in_ironic:
            batch.append(uuid)
        if len(batch) == BATCH_SIZE:
            total += objects.Node.destroy_many(context, batch, asked_at)
            batch = []
    if batch:
        total += objects.Node.destroy_many(context, batch, asked_at)
    if total:
        LOG.info('%d nodes deleted in ironic left the node cache', total)
    return total


def clean_up(conf):
    """One run of the clean-up; failures are logged, never raised."""
    context = inspector_context.get_admin_context()
    try:
        if conf.timeout:
            time_out(context, conf.timeout)
        client = ironic.get_client(conf)
        if client is not None:
            forget_deleted_nodes(context, client)
    except exception.InspectorException as exc:
        LOG.error('The periodic clean-up failed: %s', exc)


def start(conf):
    """Run :func:`clean_up` every ``[DEFAULT]clean_up_period`` seconds in
    a thread of its own.

    :returns: a function that stops it and waits for it, or None when
        the period is 0.
    """
    if not conf.clean_up_period:
        return None
    task = periodics.periodic(spacing=conf.clean_up_period,
                              run_immediately=False)(
        lambda: clean_up(conf))
    worker = periodics.PeriodicWorker([(task, (), {})])
    thread = threading.Thread(target=worker.start, name='clean-up',
                              daemon=True)
    thread.start()

    def stop():
        worker.stop()
        worker.wait()
        thread.join()
    return stop
