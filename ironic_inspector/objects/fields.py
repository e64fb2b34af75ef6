"""Field types of the project's objects."""

from oslo_versionedobjects import fields

from ironic_inspector.common import json_codec
from ironic_inspector.storage import base as storage_base

BooleanField = fields.BooleanField
DateTimeField = fields.DateTimeField
StringField = fields.StringField


class NodeUUID(fields.FieldType):
    """A node UUID in canonical form; anything else is InvalidUUID."""

    @staticmethod
    def coerce(obj, attr, value):
        return storage_base.check_node_uuid(value)


class NodeUUIDField(fields.AutoTypedField):
    AUTO_TYPE = NodeUUID()


class DecodedDocument(dict):
    """A document the JSON codec has just decoded from storage.

    It is a JSON object by construction, so the field takes it without
    the value-by-value check a new document gets (which would double the
    cost of a read). Saving checks every document whole, so a change made
    to it afterwards still cannot reach storage unchecked.
    """


class JsonObject(fields.FieldType):
    """A JSON object: a dict of values JSON can carry, exactly."""

    @staticmethod
    def coerce(obj, attr, value):
        if type(value) is DecodedDocument:
            return value
        if not isinstance(value, dict):
            raise ValueError('%s must be a JSON object, not %s'
                             % (attr, type(value).__name__))
        try:
            json_codec.dumps(value)
        except json_codec.EncodeError as exc:
            raise ValueError('%s is not serialisable as JSON: %s'
                             % (attr, exc))
        return value


class JsonObjectField(fields.AutoTypedField):
    AUTO_TYPE = JsonObject()
