"""The ``database`` backend: documents in the inspector's own database."""

from ironic_inspector.common import exception
from ironic_inspector.db import batching
from ironic_inspector.db import documents as db_documents
from ironic_inspector.db import engine as db_engine
from ironic_inspector.storage import base

# What a statement carries besides the document (the SQL and the other
# values), generously rounded up.
_STATEMENT_OVERHEAD = 4096


class DatabaseStore(base.StorageBackend):
    """Keeps documents in the ``introspection_data`` table.

    A document can only be saved for a node in the node cache; deleting
    the node deletes its documents in the same transaction. Reads that
    must see earlier saves use the primary database; listings and reads
    asked for with ``may_be_stale`` use ``[database]slave_connection``
    when one is configured.
    """

    deleted_with_node = True

    def _read(self, node_uuid, processed, may_be_stale=False):
        try:
            row = db_documents.get_introspection_data(node_uuid, processed,
                                                      may_be_stale)
        except exception.DatabaseError as exc:
            raise self.error(node_uuid, 'read', exc)
        return base.StoredDocument(row['data'], row['created_at'],
                                   row['updated_at'])

    def _read_stale(self, node_uuid, processed):
        """Read from ``[database]slave_connection`` where configured."""
        return self._read(node_uuid, processed, may_be_stale=True)

    def _write(self, node_uuid, document, processed, version):
        try:
            self._check_statement_size(node_uuid, document)
            db_documents.store_introspection_data(node_uuid, document,
                                                  processed, version)
        except exception.DatabaseError as exc:
            raise self.error(node_uuid, 'save', exc)

    def _check_statement_size(self, node_uuid, document):
        limit = db_engine.max_statement_size()
        # NOTE: escaping at most doubles a document; only one near the
        # limit is worth counting (some 5 ms at 8 MB).
        if limit is None or 2 * len(document) + _STATEMENT_OVERHEAD <= limit:
            return
        # The driver escapes quotes and backslashes, one byte each.
        size = (len(document) + document.count(b'"')
                + document.count(b'\\') + _STATEMENT_OVERHEAD)
        if size > limit:
            raise exception.IntrospectionDataTooLarge(
                node_uuid=node_uuid,
                reason='%d bytes as JSON, more than the database server '
                       'accepts in one statement (max_allowed_packet = %d); '
                       'raise max_allowed_packet on the server'
                       % (len(document), limit))

    def _delete(self, node_uuid, processed):
        try:
            return db_documents.delete_introspection_data(node_uuid, processed)
        except exception.DatabaseError as exc:
            raise self.error(node_uuid, 'delete', exc)

    def purge(self, before):
        """One DELETE per batch of documents, each in a transaction of its
        own, so that no lock is held for long; each batch continues along
        the key after the one before. The first batch has PURGE_BATCH
        documents, the others are sized by time (see ``db.batching``)."""
        deleted, after = 0, None
        sizes = batching.BatchSize(base.PURGE_BATCH)
        try:
            while True:
                with sizes.timed() as size:
                    count, after = (
                        db_documents.delete_introspection_data_before(
                            before, size, after))
                deleted += count
                if after is None:
                    break
            undated = db_documents.count_undated_introspection_data()
        except exception.DatabaseError as exc:
            raise self.error(None, 'purge', exc)
        return base.PurgeResult(deleted, undated)

    def list(self):
        try:
            # The rows' first columns are DocumentInfo's fields.
            for row in db_documents.iter_introspection_data():
                yield base.DocumentInfo._make(row[:4])
        except exception.DatabaseError as exc:
            raise self.error(None, 'list', exc)

    def read_many(self, node_uuids, processed=True):
        try:
            rows = db_documents.get_many_introspection_data(
                node_uuids, bool(processed))
        except exception.DatabaseError as exc:
            raise self.error(None, 'read', exc)
        return {node_uuid: self._decode(node_uuid, base.StoredDocument(
                    row.data, row.created_at, row.updated_at))
                for node_uuid, row in rows.items()}

    def held_documents(self, node_uuids):
        try:
            return db_documents.document_keys(node_uuids)
        except exception.DatabaseError as exc:
            raise self.error(None, 'list', exc)

    def check(self):
        try:
            db_engine.ping()
        except exception.DatabaseError as exc:
            raise self.error(None, 'reach', exc)
