"""Introspection data storage: backends found by entry point.

Backends register in the ``ironic_inspector.introspection.storage_backend``
namespace; ``[processing]storage_backend`` names the one in use. Third
parties add theirs under the same namespace.
"""

import threading

import stevedore
from stevedore import exception as stevedore_exc

from ironic_inspector.common import exception
from ironic_inspector import conf

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
