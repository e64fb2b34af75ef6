"""The RPC endpoint that runs remotable object calls for other services.

A service without access to storage sets ``ConductorAPI`` as the objects'
indirection API; its remotable calls arrive here and run with this
conductor's database and storage backend. Results go back in the version
the caller understands (or older, while this conductor is pinned).
"""

import oslo_messaging as messaging

from ironic_inspector.common import exception
from ironic_inspector.objects import base

# The project's own exceptions are answers for the caller, not failures
# of the conductor: they go back without a traceback in the log.
_answers = messaging.expected_exceptions(exception.InspectorException)


class ConductorManager:
    """Executes remotable methods of the project's objects."""

    target = messaging.Target(version='1.0')

    @_answers
    def object_class_action_versions(self, context, objname, objmethod,
                                     object_versions, args, kwargs):
        """Run a remotable classmethod.

        Objects it returns come back in the caller's versions
        (``object_versions``, a manifest of name -> version).
        """
        objclass = base.InspectorObject.obj_class_from_name(
            objname, object_versions[objname])
        result = _local(objclass, objmethod)(objclass, context, *args,
                                             **kwargs)
        if isinstance(result, base.InspectorObject):
            result._context = context
        return _backport(result, object_versions)

    @_answers
    def object_action(self, context, objinst, objmethod, args, kwargs):
        """Run a remotable method on ``objinst``.

        :returns: ``(updates, result)``: the fields the call changed, as
            primitives, and its return value.
        """
        before = objinst.obj_clone()
        result = _local(objinst, objmethod)(objinst, *args, **kwargs)
        updates = {}
        for name, field in objinst.fields.items():
            if not objinst.obj_attr_is_set(name):
                continue
            value = getattr(objinst, name)
            if (not before.obj_attr_is_set(name)
                    or getattr(before, name) != value):
                updates[name] = field.to_primitive(objinst, name, value)
        updates['obj_what_changed'] = objinst.obj_what_changed()
        return updates, result

    def object_backport_versions(self, context, objinst, object_versions):
        """``objinst`` in the versions of ``object_versions``."""
        return _backport(objinst, object_versions)


def _local(owner, name):
    """The implementation of a remotable method, without its wrapper.

    A conductor runs the calls it receives itself; it never forwards
    them, even in a process where an indirection API is set.
    """
    method = getattr(owner, name)
    if not getattr(method, 'remotable', False):
        raise AttributeError('%s is not a remotable method' % name)
    return method.original_fn


def _backport(result, object_versions):
    """Objects in ``result`` as primitives the caller can read."""
    if isinstance(result, base.InspectorObject):
        return result.obj_to_target_primitive(
            known_version=object_versions.get(result.obj_name()))
    if isinstance(result, (list, tuple)):
        return type(result)(_backport(item, object_versions)
                            for item in result)
    return result
