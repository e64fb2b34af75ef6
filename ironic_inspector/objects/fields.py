"""Field types of the project's objects."""

import ipaddress

from oslo_utils import netutils
from oslo_versionedobjects import fields

from ironic_inspector.common import exception
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


class JsonObject(fields.FieldType):
    """A JSON object: a dict.

    Only the type is checked on assignment. Whether every value can be
    written as JSON, exactly, is checked when the document is saved: that
    check walks the whole document, and a value changed in place after
    assignment has to be caught there anyway.
    """

    @staticmethod
    def coerce(obj, attr, value):
        if not isinstance(value, dict):
            raise ValueError('%s must be a JSON object, not %s'
                             % (attr, type(value).__name__))
        return value


class JsonObjectField(fields.AutoTypedField):
    AUTO_TYPE = JsonObject()


class MACAddress(fields.FieldType):
    """A MAC address, stored in lower case; anything else is
    InvalidLookupData."""

    @staticmethod
    def coerce(obj, attr, value):
        if not isinstance(value, str) or not netutils.is_valid_mac(value):
            raise exception.InvalidLookupData(
                expected='a MAC address like 52:54:00:12:34:56', value=value)
        return value.lower()


class IPAddress(fields.FieldType):
    """An IPv4 or IPv6 address, in its compressed form; anything else is
    InvalidLookupData."""

    @staticmethod
    def coerce(obj, attr, value):
        try:
            if isinstance(value, str):
                return ipaddress.ip_address(value).compressed
        except ValueError:
            pass
        raise exception.InvalidLookupData(expected='an IPv4 or IPv6 address',
                                          value=value)


class ListOfMACAddressesField(fields.AutoTypedField):
    AUTO_TYPE = fields.List(MACAddress())


class ListOfIPAddressesField(fields.AutoTypedField):
    AUTO_TYPE = fields.List(IPAddress())
