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

import contextlib
import logging

from oslo_utils import excutils

from ironic_inspector.clients import ironic
from ironic_inspector.common import exception
from ironic_inspector import conf
from ironic_inspector import objects
from ironic_inspector.processing import hooks
from ironic_inspector.processing import ironic_update
from ironic_inspector.processing import lookup
from ironic_inspector.storage import base as storage_base

LOG = logging.getLogger(__name__)


def process(context, document):
    """Process the document a ramdisk posted.

    Finds the node by BMC address or MAC, locks it (it must be waiting),
    stores the document unprocessed, runs the hooks, stores the processed
    document and writes it back to ironic; the node is then finished, or
    in error with the reason when the ramdisk reported an error, a hook
    failed (the unprocessed document is kept, no processed one is
    written) or ironic refused the write-back (both are kept).

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
    node.start_processing()
    with _finishing(node):
        _store(context, node, document, processed=False)
        hooks.run(processing_hooks, node, document)
        _store(context, node, document, processed=True)
        if client is not None:
            ironic_update.update(client, node, document,
                                 conf.CONF.processing, power_off=True)
    return node


def reapply(context, node_uuid, document=None):
    """Process a node's unprocessed document again.

    :param document: a new unprocessed document, stored in place of the
        old one before it is processed; by default the stored one.
    :returns: the Node, finished.
    :raises: InvalidUUID, NodeNotFound, IntrospectionDataNotFound,
        InvalidIntrospectionData, NodeLocked, NodeStateInvalid,
        RamdiskError, ProcessingFailed, ConfigInvalid, StorageBackendError,
        IronicCallFailed
    """
    processing_hooks = hooks.get_hooks(conf.CONF)
    client = ironic.get_client(conf.CONF)
    node = objects.Node.get_by_uuid(context, node_uuid)
    new_document = document is not None
    if new_document:
        _check_and_drop_logs(node.uuid, document)
    else:
        document = objects.IntrospectionData.get_by_node(
            context, node.uuid, processed=False).data
    node.start_reapply()
    with _finishing(node):
        if new_document:
            _store(context, node, document, processed=False)
        hooks.run(processing_hooks, node, document)
        _store(context, node, document, processed=True)
        if client is not None:
            ironic_update.update(client, node, document,
                                 conf.CONF.processing, power_off=False)
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


def _store(context, node, document, processed):
    objects.IntrospectionData(context, node_uuid=node.uuid,
                              processed=processed, data=document).save()


@contextlib.contextmanager
def _finishing(node):
    """Release the node's lock when the block ends: finished, or in
    error with the reason of the exception that ended it."""
    try:
        yield
    except Exception as exc:
        with excutils.save_and_reraise_exception():
            LOG.error('Processing of node %s failed: %s', node.uuid, exc)
            node.finish(error=str(exc) or type(exc).__name__)
    else:
        node.finish()
        LOG.info('Processing of node %s finished', node.uuid)
