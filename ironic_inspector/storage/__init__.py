"""Introspection data storage: backends found by entry point.

Backends register in the ``ironic_inspector.introspection.storage_backend``
namespace; ``[processing]storage_backend`` names the one in use. Third
parties add theirs under the same namespace.
"""

import logging
import threading

import stevedore
from stevedore import exception as stevedore_exc

from ironic_inspector.common import exception
from ironic_inspector import conf

LOG = logging.getLogger(__name__)

NAMESPACE = 'ironic_inspector.introspection.storage_backend'

_backends = {}
_lock = threading.Lock()


def installed_backends():
    """Names of every backend installed in the namespace."""
    return sorted(stevedore.ExtensionManager(NAMESPACE).names())


def _load(name):
    try:
        manager = stevedore.DriverManager(NAMESPACE, name,
                                          invoke_on_load=True,
                                          invoke_args=(conf.CONF,))
    except stevedore_exc.NoMatches:
        raise exception.ConfigInvalid(
            error='unknown storage backend "%s" ([processing]'
                  'storage_backend); installed: %s'
                  % (name, ', '.join(installed_backends())))
    backend = manager.driver
    backend.name = name
    return backend


def get_backend(name=None):
    """The backend called ``name``, by default the configured one.

    One instance per name is built on first use, from the configuration
    at that time.

    :raises: ConfigInvalid when no backend of that name is installed.
    """
    name = name or conf.CONF.processing.storage_backend
    with _lock:
        if name not in _backends:
            _backends[name] = _load(name)
        return _backends[name]


def clear_cache():
    """Forget the backends built so far (after a configuration change)."""
    with _lock:
        _backends.clear()


def read_document(node_uuid, processed=True, version=None):
    """Read a document, falling back to other backends while switching.

    The configured backend is asked first; when it has no such document,
    each backend of ``[processing]storage_read_fallback`` in turn. With
    ``[processing]storage_migrate_on_read``, a document found in a
    fallback is copied into the configured backend (in ``version``); a
    failed copy is logged and the document returned all the same.

    :returns: a StoredDocument.
    :raises: like :meth:`StorageBackend.read` of the configured backend.
    """
    options = conf.CONF.processing
    backend = get_backend()
    try:
        return backend.read(node_uuid, processed)
    except exception.IntrospectionDataNotFound as not_found:
        missing = not_found
    for name in options.storage_read_fallback:
        if name == backend.name:
            continue
        try:
            stored = get_backend(name).read(node_uuid, processed)
        except exception.IntrospectionDataNotFound:
            continue
        LOG.info('Introspection data of node %s was read from the fallback '
                 'backend %s', node_uuid, name)
        if options.storage_migrate_on_read:
            try:
                backend.save(node_uuid, stored.data, processed,
                             version=version)
            except exception.InspectorException as exc:
                LOG.warning('Cannot copy introspection data of node %s from '
                            '%s to %s: %s', node_uuid, name, backend.name,
                            exc)
        return stored
    raise missing
