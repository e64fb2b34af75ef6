"""The interface every storage backend implements.

Callers use :meth:`StorageBackend.get`, :meth:`~StorageBackend.save` and
:meth:`~StorageBackend.delete`. Those check their input once, for every
backend, before anything is written: the node UUID is well-formed, the
document is a JSON object within ``[processing]max_data_size`` once
encoded, and its ``logs`` key (ramdisk logs, which may hold secrets) is
dropped. A backend implements only the underscored methods, which receive
checked values and the document already encoded.
"""

import abc
import collections
import logging
import uuid

from oslo_utils import uuidutils

from ironic_inspector.common import exception
from ironic_inspector.common import json_codec

LOG = logging.getLogger(__name__)

# The top-level key that is never stored.
EXCLUDED_KEY = 'logs'

StoredDocument = collections.namedtuple(
    'StoredDocument', ['data', 'created_at', 'updated_at'])
StoredDocument.__doc__ = """A document as a backend returns it.

``data`` is JSON text or bytes from the backend's ``_read`` and a dict from
:meth:`StorageBackend.read`; the timestamps are naive UTC datetimes, or
None where the backend does not keep them.
"""

DocumentInfo = collections.namedtuple(
    'DocumentInfo', ['node_uuid', 'processed', 'created_at', 'updated_at'])
DocumentInfo.__doc__ = 'What a listing says of one stored document.'

PurgeResult = collections.namedtuple('PurgeResult', ['deleted', 'undated'])
PurgeResult.__doc__ = """What :meth:`StorageBackend.purge` did: how many
documents it deleted, and how many it kept for want of a timestamp."""

# Documents a purge deletes at a time (in one statement or request where
# the backend can).
PURGE_BATCH = 1000


def check_node_uuid(node_uuid):
    """The UUID in its canonical form (lower case, with hyphens).

    :raises: InvalidUUID
    """
    if not isinstance(node_uuid, str) or not uuidutils.is_uuid_like(
            node_uuid):
        raise exception.InvalidUUID(value=node_uuid)
    return str(uuid.UUID(node_uuid))


def encode_document(node_uuid, data, max_size):
    """Check a document and encode it for storage.

    :returns: UTF-8 JSON bytes, without the top-level ``logs`` key.
    :raises: InvalidIntrospectionData
    """
    if not isinstance(data, dict):
        raise exception.InvalidIntrospectionData(
            node_uuid=node_uuid,
            reason='expected a JSON object, got %s' % type(data).__name__)
    if EXCLUDED_KEY in data:
        data = {k: v for k, v in data.items() if k != EXCLUDED_KEY}
    try:
        encoded = json_codec.dumps(data)
    except json_codec.EncodeError as exc:
        raise exception.InvalidIntrospectionData(
            node_uuid=node_uuid, reason='not serialisable as JSON: %s' % exc)
    if len(encoded) > max_size:
        raise exception.IntrospectionDataTooLarge(
            node_uuid=node_uuid,
            reason='%d bytes as JSON, more than the %d bytes allowed by '
                   '[processing]max_data_size' % (len(encoded), max_size))
    return encoded


class StorageBackend(metaclass=abc.ABCMeta):
    """A place to keep introspection documents.

    :param conf: the ``ConfigOpts`` to read the backend's options from.
    """

    #: The entry-point name, used in logs and errors.
    name = None

    #: Whether removing a node from the node cache removes its documents
    #: by itself (in the same transaction).
    deleted_with_node = False

    #: Whether the backend keeps what it is given (``none`` does not).
    keeps_data = True

    def __init__(self, conf):
        self.max_data_size = conf.processing.max_data_size

    def get(self, node_uuid, processed=True, may_be_stale=False):
        """A node's document.

        :param may_be_stale: the caller can do with a document that misses
            the latest change (copying documents in bulk), so a backend may
            read it from a replica; by default the read sees every save
            that has returned.
        :raises: InvalidUUID, IntrospectionDataNotFound,
            IntrospectionDataStoreDisabled, StorageBackendError
        """
        return self.read(node_uuid, processed, may_be_stale).data

    def read(self, node_uuid, processed=True, may_be_stale=False):
        """A node's document with its timestamps, as a StoredDocument.

        :raises: like :meth:`get`.
        """
        node_uuid = check_node_uuid(node_uuid)
        if may_be_stale:
            stored = self._read_stale(node_uuid, bool(processed))
        else:
            stored = self._read(node_uuid, bool(processed))
        return self._decode(node_uuid, stored)

    def save(self, node_uuid, data, processed=True, version=None):
        """Create or replace a node's document.

        A failed save leaves the previous document in place.

        :param version: the IntrospectionData object version the document
            is written in, kept where the backend can.
        :raises: InvalidUUID, InvalidIntrospectionData, NodeNotFound,
            StorageBackendError
        """
        node_uuid = check_node_uuid(node_uuid)
        encoded = encode_document(node_uuid, data, self.max_data_size)
        self._write(node_uuid, encoded, bool(processed), version)
        LOG.debug('Stored %s introspection data of node %s (%d bytes) '
                  'in %s', 'processed' if processed else 'unprocessed',
                  node_uuid, len(encoded), self.name)

    def delete(self, node_uuid, processed=None):
        """Delete a node's documents; ``processed=None`` deletes both.

        Deleting what is not there is not an error.

        :returns: how many documents were deleted, or None where the
            backend cannot tell.
        :raises: InvalidUUID, StorageBackendError
        """
        node_uuid = check_node_uuid(node_uuid)
        return self._delete(node_uuid,
                            None if processed is None else bool(processed))

    def purge(self, before):
        """Delete every document last written before ``before``.

        Documents are deleted in batches of PURGE_BATCH as the listing
        goes (see :meth:`_delete_many`), so memory stays flat however many
        there are. Documents without a timestamp are kept.

        :param before: a naive UTC datetime.
        :returns: a PurgeResult.
        :raises: StorageBackendError; NotImplementedError where the backend
            cannot list.
        """
        deleted = undated = 0
        old = []
        for info in self.list():
            if info.updated_at is None:
                undated += 1
            elif info.updated_at < before:
                old.append((info.node_uuid, info.processed))
                if len(old) == PURGE_BATCH:
                    deleted += self._delete_many(old)
                    old = []
        if old:
            deleted += self._delete_many(old)
        return PurgeResult(deleted, undated)

    def list(self):
        """Yield a DocumentInfo for every stored document.

        The listing goes on correctly while the documents it has yielded
        are deleted (a backend that pages through its listing pages by key,
        not by offset).

        :raises: StorageBackendError; NotImplementedError where the backend
            cannot list.
        """
        raise NotImplementedError(
            'the %s storage backend cannot list its documents' % self.name)

    def read_many(self, node_uuids, processed=True):
        """The documents of one kind of several nodes, if the backend
        reads them together more cheaply than one by one.

        For copies in bulk: the documents may be stale, as with
        ``may_be_stale``, and the caller keeps the list of nodes short
        enough for their documents to fit in memory.

        :param node_uuids: canonical node UUIDs.
        :returns: ``{node_uuid: StoredDocument}`` (its ``data`` a dict) of
            the nodes that have such a document, or None where the backend
            has no cheaper way than :meth:`read` for each.
        :raises: StorageBackendError
        """
        return None

    def held_documents(self, node_uuids):
        """Which documents of these nodes the backend holds, if it can tell.

        For callers that would otherwise read each document to find out
        (a migration skips copies already in place).

        :param node_uuids: canonical node UUIDs.
        :returns: a set of ``(node_uuid, processed)``, or None where the
            backend has no cheaper way than reading each document.
        :raises: StorageBackendError
        """
        return None

    def check(self):
        """Make sure the backend answers; for upgrade checks.

        :raises: StorageBackendError
        """

    def error(self, node_uuid, operation, reason):
        """A StorageBackendError of this backend."""
        return exception.StorageBackendError(
            backend=self.name, node_uuid=node_uuid, operation=operation,
            reason=reason)

    @abc.abstractmethod
    def _read(self, node_uuid, processed):
        """Return a StoredDocument whose ``data`` is the JSON text.

        :raises: IntrospectionDataNotFound, StorageBackendError
        """

    def _read_stale(self, node_uuid, processed):
        """Like :meth:`_read`, from a replica where the backend has one."""
        return self._read(node_uuid, processed)

    def _decode(self, node_uuid, stored):
        """``stored`` with its JSON text decoded."""
        try:
            data = json_codec.loads(stored.data)
        except ValueError as exc:
            raise self.error(node_uuid, 'read',
                             'the stored document is not JSON: %s' % exc)
        return stored._replace(data=data)

    @abc.abstractmethod
    def _write(self, node_uuid, document, processed, version):
        """Store the encoded ``document`` (bytes), replacing any old one.

        :raises: NodeNotFound (where the backend knows the node cache),
            StorageBackendError
        """

    @abc.abstractmethod
    def _delete(self, node_uuid, processed):
        """Delete one document, or both when ``processed`` is None.

        :returns: how many documents were deleted, or None where the
            backend cannot tell.
        :raises: StorageBackendError
        """

    def _delete_many(self, keys):
        """Delete the documents named by ``(node_uuid, processed)`` pairs.

        A backend that can delete several documents in one request
        overrides this; here, one :meth:`_delete` each.

        :returns: how many documents were deleted (all of them, where the
            backend cannot tell).
        :raises: StorageBackendError
        """
        deleted = 0
        for node_uuid, processed in keys:
            count = self._delete(node_uuid, processed)
            deleted += 1 if count is None else count
        return deleted
