"""The objects' base class, registry and RPC serializer.

Rolling upgrades: while ``[DEFAULT]pin_release_version`` names a release,
an object is converted to that release's version (see
:mod:`ironic_inspector.common.release_mappings`) before it is sent over RPC
and that version is recorded when it is written, so services still on the
pinned release can read both.
"""

from oslo_utils import versionutils
from oslo_versionedobjects import base as ovo_base

from ironic_inspector.common import release_mappings
from ironic_inspector import conf

remotable = ovo_base.remotable


def older_version(first, second):
    """The older of two object versions."""
    return min(first, second, key=versionutils.convert_version_to_tuple)


class InspectorObjectRegistry(ovo_base.VersionedObjectRegistry):

    def registration_hook(self, cls, index):
        # Expose the class as ironic_inspector.objects.<Name>; the newest
        # version registered wins.
        from ironic_inspector import objects
        current = getattr(objects, cls.obj_name(), None)
        if (current is None
                or older_version(current.VERSION, cls.VERSION)
                == current.VERSION):
            setattr(objects, cls.obj_name(), cls)


class InspectorObject(ovo_base.VersionedObject):
    """Base of every object of the project."""

    OBJ_SERIAL_NAMESPACE = 'ironic_inspector_object'
    OBJ_PROJECT_NAMESPACE = 'ironic_inspector'

    @classmethod
    def get_target_version(cls):
        """The version to send and write: the pinned release's, or ours."""
        return release_mappings.get_object_version(
            cls.obj_name(), conf.CONF.pin_release_version)

    def obj_to_target_primitive(self, known_version=None):
        """A primitive in the target version, or an older one.

        Never newer than this object's own version, nor than
        ``known_version``, the newest the receiver understands.
        """
        target = older_version(self.get_target_version(), self.VERSION)
        if known_version is not None:
            target = older_version(target, known_version)
        return self.obj_to_primitive(target_version=target)


class InspectorObjectSerializer(ovo_base.VersionedObjectSerializer):
    """Serializes objects for RPC in their target versions."""

    OBJ_BASE_CLASS = InspectorObject

    def serialize_entity(self, context, entity):
        if isinstance(entity, InspectorObject):
            return entity.obj_to_target_primitive()
        return super().serialize_entity(context, entity)
