"""Exceptions of ironic-inspector.

Every error this project raises on purpose derives from
:class:`InspectorException`, so callers catch ours and never a driver's.
Each class formats its message from ``_msg_fmt`` and the keyword arguments
it is given.
"""


class InspectorException(Exception):
    """Base of the project's exceptions.

    :param message: a message that replaces the formatted ``_msg_fmt``.
    :param kwargs: values for ``_msg_fmt``; also kept as attributes.
    """

    _msg_fmt = 'An unknown error occurred.'
    code = 500

    def __init__(self, message=None, **kwargs):
        # NOTE: oslo.messaging rebuilds an exception raised on a conductor
        # as cls(message, **kwargs), from these.
        self.kwargs = kwargs
        for name, value in kwargs.items():
            setattr(self, name, value)
        if message is None:
            message = self._msg_fmt % self._format_values(kwargs)
        super().__init__(message)

    def _format_values(self, kwargs):
        """The values ``_msg_fmt`` is formatted with."""
        return kwargs


class ConfigInvalid(InspectorException):
    _msg_fmt = 'Invalid configuration: %(error)s'


class NodeNotFound(InspectorException):
    _msg_fmt = 'Node %(node_uuid)s was not found in the node cache.'
    code = 404


class NodeAlreadyExists(InspectorException):
    _msg_fmt = 'Node %(node_uuid)s is already in the node cache.'
    code = 409


class InvalidUUID(InspectorException):
    _msg_fmt = 'Expected a node UUID but received %(value)r.'
    code = 400


class InvalidRequestBody(InspectorException):
    """An HTTP request's body is not what the endpoint takes."""

    _msg_fmt = 'Invalid request body: %(reason)s'
    code = 400


class RequestBodyTooLarge(InspectorException):
    _msg_fmt = ('The request body is larger than the %(limit)d bytes '
                'allowed by [processing]max_data_size.')
    code = 413


class NotAuthenticated(InspectorException):
    """An API request without valid credentials, where they are needed."""

    _msg_fmt = 'Authentication required'
    code = 401


class AccessDenied(InspectorException):
    """The API's access policy does not allow the caller the request."""

    _msg_fmt = '%(rule)s is disallowed by policy'
    code = 403


class InvalidAPIVersion(InspectorException):
    _msg_fmt = ('Malformed API version %(version)r: expected X.Y or '
                'latest.')
    code = 400


class UnsupportedAPIVersion(InspectorException):
    _msg_fmt = ('Unsupported API version %(version)s, supported range is '
                '%(minimum)s to %(maximum)s.')
    code = 406


class InvalidLookupData(InspectorException):
    _msg_fmt = 'Expected %(expected)s but received %(value)r.'
    code = 400


class InvalidIntrospectionData(InspectorException):
    _msg_fmt = 'Invalid introspection data for node %(node_uuid)s: %(reason)s'
    code = 400


class IntrospectionDataTooLarge(InvalidIntrospectionData):
    """A document over ``[processing]max_data_size``."""

    code = 413


class IntrospectionDataNotFound(InspectorException):
    _msg_fmt = ('No %(kind)s introspection data is stored for node '
                '%(node_uuid)s.')
    code = 404

    def _format_values(self, kwargs):
        kind = 'processed' if kwargs['processed'] else 'unprocessed'
        return dict(kwargs, kind=kind)


class IntrospectionDataStoreDisabled(InspectorException):
    _msg_fmt = ('Introspection data is not stored: the storage backend is '
                '"none" ([processing]storage_backend).')
    code = 404


class NodeLookupFailed(InspectorException):
    """No node, or more than one, has the ramdisk's BMC address or MACs."""

    _msg_fmt = 'Could not find a node for %(lookup)s: %(reason)s'
    code = 404


class LookupDataInUse(InspectorException):
    """Another node has this BMC address or MAC already."""

    _msg_fmt = ('%(name)s %(value)s is already used by node %(node_uuid)s.')
    code = 409


class NodeStateInvalid(InspectorException):
    """The node is not in a state the operation starts from."""

    _msg_fmt = ('Node %(node_uuid)s is %(state)s; %(operation)s needs it '
                'to be %(expected)s.')
    code = 400


class NodeLocked(InspectorException):
    """Another processing of the node is under way."""

    _msg_fmt = ('Node %(node_uuid)s is locked: it is being processed '
                '(state %(state)s); try again later.')
    code = 409


class RamdiskError(InspectorException):
    """The ramdisk reported an error instead of (or beside) its data."""

    _msg_fmt = 'Ramdisk reported error: %(error)s'
    code = 400


class ProcessingFailed(InspectorException):
    """A processing hook refused the document."""

    _msg_fmt = 'Processing hook %(hook)s failed: %(reason)s'
    code = 400


class HookCrashed(ProcessingFailed):
    """A processing hook raised an exception it did not mean to."""

    _msg_fmt = ('Unexpected %(error_class)s in processing hook %(hook)s: '
                '%(reason)s')
    code = 500


class StorageBackendError(InspectorException):
    """A backend failed; wraps its own error without secrets.

    ``node_uuid`` is None for a failure that concerns no one node (a
    listing, a health check).
    """

    _msg_fmt = ('Storage backend %(backend)s failed to %(operation)s '
                '%(target)s: %(reason)s')
    code = 503

    def _format_values(self, kwargs):
        node_uuid = kwargs.get('node_uuid')
        target = ('introspection data of node %s' % node_uuid
                  if node_uuid else 'introspection data')
        return dict(kwargs, target=target)


class ConductorUnavailable(InspectorException):
    """No conductor answered a remotable call in time."""

    _msg_fmt = ('No conductor answered on topic %(topic)s: %(reason)s')
    code = 503


class SchemaRevisionError(InspectorException):
    """The database is at a revision the command cannot work from."""

    _msg_fmt = ('The database is at revision %(revision)s, %(what)s: '
                '%(advice)s Nothing was changed.')
    code = 409


class MigrationError(InspectorException):
    """Alembic refused a schema command (an unknown revision, say)."""

    _msg_fmt = 'Schema migration failed: %(reason)s'


class DatabaseDriverMissing(InspectorException):
    """The driver the database URL names is not installed."""

    _msg_fmt = ('The database driver %(module)s is not installed; install '
                'it with: pip install %(requirement)s')


class DatabaseError(InspectorException):
    """The database failed in a way that is not about one document."""

    _msg_fmt = 'Database error: %(reason)s'
    code = 503


class IronicNodeNotFound(InspectorException):
    _msg_fmt = 'Node %(node)s was not found in ironic.'
    code = 404


class IronicCallFailed(InspectorException):
    """ironic refused a call, or could not be reached, after retries;
    ``status_code`` is its answer's, None when there was none."""

    _msg_fmt = 'ironic refused to %(call)s for node %(node)s: %(reason)s'
    code = 502


class IronicNotConfigured(InspectorException):
    _msg_fmt = ('Introspection is started by ironic, and no ironic is '
                'configured ([ironic]auth_type is unset): in standalone mode '
                'add nodes with ironic-inspector-node add.')
    code = 400


class IntrospectionRefused(InspectorException):
    _msg_fmt = 'Introspection refused: %(reason)s'
    code = 400


class BadQuery(InspectorException):
    """A query argument of the API is not valid."""

    _msg_fmt = 'Bad request: %(reason)s'
    code = 400


class IronicInventoryError(InspectorException):
    """ironic's inventory storage failed, or cannot be written safely."""

    _msg_fmt = ("ironic's inventory storage (%(backend)s) failed to "
                "%(operation)s: %(reason)s")
    code = 503
