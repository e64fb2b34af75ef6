"""The processing pipeline: a ramdisk's document becomes a node's data.

:func:`process` handles what a ramdisk posts; :func:`reapply` processes a
node's stored unprocessed document again. Both go through the remotable
objects only, so they run alike with a database of their own or through
a conductor. With an ironic configured, the processed document is then
written back to ironic's node (:mod:`.ironic_update`); standalone, it is
only stored. Only one processing of a node runs at a time, across
processes: each starts with a conditional state change of the node in the
database (``Node.start_processing``/``start_reapply``), which a second
processing fails with NodeLocked.
"""

import logging

from oslo_utils import excutils

from ironic_inspector.clients import ironic
from ironic_inspector.common import exception
from ironic_inspector.common import states
from ironic_inspector import conf
from ironic_inspector import objects
from ironic_inspector.processing import hooks
from ironic_inspector.processing import ironic_update
from ironic_inspector.processing import lookup
from ironic_inspector.storage import base as storage_base

LOG = logging.getLogger(__name__)


def process(context, document):
    """Process the document a ramdisk posted.

    Finds the node by BMC address or MAC, locks it (it must be waiting)
    and stores the document unprocessed, runs the hooks, writes back to
    ironic, stores the processed document and releases the node: it is
    then finished, or in error with the reason when the ramdisk reported
    an error or a hook failed (the unprocessed document is kept, no
    processed one is written) or ironic refused the write-back (both are
    kept). With the database backend, that is two transactions: lock and
    store, then store and release.

    :param document: the parsed JSON object; the hooks extend it in place
        and its ``logs`` are dropped first, unread.
    :returns: the Node, finished.
    :raises: InvalidIntrospectionData, NodeLookupFailed, NodeLocked,
        NodeStateInvalid, RamdiskError, ProcessingFailed, ConfigInvalid,
        StorageBackendError, IronicCallFailed
    """
    _check_and_drop_logs(None, document)
    processing_hooks = hooks.get_hooks(conf.CONF)
    client = ironic.get_client(conf.CONF)
    node = objects.Node.lookup(context, **lookup.lookup_data(document))
    try:
        node.start_processing(unprocessed=document)
    except exception.InvalidIntrospectionData as exc:
        with excutils.save_and_reraise_exception():
            # NOTE: the storage refused the document; the node ends in
            # error all the same, saying why, for ironic and the operator
            # to see. With the database backend nothing was written and
            # the node still waits; other backends locked it first.
            if node.state == states.WAITING:
                node.start_processing()
            node.finish(error=str(exc))
    _process(node, processing_hooks, client, document, power_off=True)
    return node


def reapply(context, node_uuid, document=None):
    """Process a node's unprocessed document again.

    :param document: a new unprocessed document, stored in place of the
        old one as the node is locked; by default the stored one.
    :returns: the Node, finished.
    :raises: InvalidUUID, NodeNotFound, IntrospectionDataNotFound,
        InvalidIntrospectionData, NodeLocked, NodeStateInvalid,
        RamdiskError, ProcessingFailed, ConfigInvalid, StorageBackendError,
        IronicCallFailed
    """
    processing_hooks = hooks.get_hooks(conf.CONF)
    client = ironic.get_client(conf.CONF)
    node = objects.Node.get_by_uuid(context, node_uuid)
    if document is not None:
        _check_and_drop_logs(node.uuid, document)
        node.start_reapply(unprocessed=document)
    else:
        document = objects.IntrospectionData.get_by_node(
            context, node.uuid, processed=False).data
        node.start_reapply()
    _process(node, processing_hooks, client, document, power_off=False)
    return node


def _check_and_drop_logs(node_uuid, document):
    """Check that the document is a JSON object; drop its ``logs``.

    :raises: InvalidIntrospectionData
    """
    if not isinstance(document, dict):
        raise exception.InvalidIntrospectionData(
            node_uuid=node_uuid or '(not looked up yet)',
            reason='expected a JSON object, got %s'
                   % type(document).__name__)
    document.pop(storage_base.EXCLUDED_KEY, None)


def _process(node, processing_hooks, client, document, power_off):
    """Run the hooks on the locked node's document, write it back to
    ironic, and release the node, finished with its processed document,
    or in error with the reason of the exception that ended it (with the
    processed document when the hooks made one and it can be stored)."""
    processed = None
    releasing = False
    try:
        hooks.run(processing_hooks, node, document)
        processed = document
        if client is not None:
            ironic_update.update(client, node, document,
                                 conf.CONF.processing, power_off=power_off)
        releasing = True
        node.finish(processed=processed)
    except Exception as exc:
        with excutils.save_and_reraise_exception():
            LOG.error('Processing of node %s failed: %s', node.uuid, exc)
            # NOTE: when the release failed, the processed document may be
            # what could not be stored.
            node.finish(error=str(exc) or type(exc).__name__,
                        processed=None if releasing else processed)
    else:
        LOG.info('Processing of node %s finished', node.uuid)
