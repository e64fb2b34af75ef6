"""Processing hooks, loaded by stevedore in the configured order.

``[processing]processing_hooks`` names entry points of the
``ironic_inspector.hooks.processing`` namespace (ironic-inspector 12.x's);
third parties add theirs there. An unknown name, a hook that fails to
load, or a hook listed before one of its ``dependencies`` is a
configuration error, found when the hooks load (at a service's start).
"""

import logging
import threading

import stevedore

from ironic_inspector.common import exception

LOG = logging.getLogger(__name__)

NAMESPACE = 'ironic_inspector.hooks.processing'

_loaded = {}
_lock = threading.Lock()


def configured_names(conf):
    """The hook names of ``[processing]processing_hooks``, in order."""
    names = conf.processing.processing_hooks.split(',')
    return [name.strip() for name in names if name.strip()]


def load(conf):
    """The configured hooks, built and checked, in order.

    :raises: ConfigInvalid
    """
    names = configured_names(conf)
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise _invalid('%s listed more than once' % ', '.join(duplicates))
    missing = []

    def refuse(manager, entrypoint, exc):
        if isinstance(exc, exception.ConfigInvalid):
            raise exc
        raise _invalid('hook %s failed to load: %s' % (entrypoint.name, exc))

    manager = stevedore.NamedExtensionManager(
        NAMESPACE, names, name_order=True, invoke_on_load=True,
        invoke_args=(conf,), on_load_failure_callback=refuse,
        on_missing_entrypoints_callback=missing.extend)
    if missing:
        installed = sorted(stevedore.ExtensionManager(NAMESPACE).names())
        raise _invalid('unknown hook %s; installed: %s'
                       % (', '.join(sorted(missing)), ', '.join(installed)))
    hooks = []
    for extension in manager:
        hook = extension.obj
        hook.name = extension.name
        before = {earlier.name for earlier in hooks}
        for needed in hook.dependencies:
            if needed not in before:
                raise _invalid('hook %s needs %s before it'
                               % (hook.name, needed))
        hooks.append(hook)
    return hooks


def _invalid(reason):
    return exception.ConfigInvalid(
        error='[processing]processing_hooks: %s' % reason)


def get_hooks(conf):
    """The configured hooks, loaded on first use and kept.

    :raises: ConfigInvalid
    """
    with _lock:
        if 'hooks' not in _loaded:
            _loaded['hooks'] = load(conf)
        return _loaded['hooks']


def clear_cache():
    """Forget the hooks loaded so far (after a configuration change)."""
    with _lock:
        _loaded.clear()


def run(hooks, node, document):
    """Run every hook's preprocess step, then every hook, in order.

    :raises: the InspectorException a hook raised; HookCrashed for any
        other exception, naming the hook.
    """
    for step in ('preprocess', '__call__'):
        for hook in hooks:
            LOG.debug('Running %s of processing hook %s for node %s',
                      step, hook.name, node.uuid)
            try:
                getattr(hook, step)(node, document)
            except exception.InspectorException:
                raise
            except Exception as exc:
                LOG.exception('Processing hook %s failed on node %s',
                              hook.name, node.uuid)
                raise exception.HookCrashed(
                    hook=hook.name, error_class=type(exc).__name__,
                    reason=str(exc))
