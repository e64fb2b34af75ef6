"""API microversions, negotiated as ironic-inspector 12.5.0 does.

The server announces the range it serves in two response headers; a
client names the version it wants in a request header, or nothing for the
newest. The range is 12.5.0's, so its clients see the server they know.
"""

from ironic_inspector.common import exception

MINIMUM = (1, 0)
MAXIMUM = (1, 18)

REQUEST_HEADER = 'X-OpenStack-Ironic-Inspector-API-Version'
MINIMUM_HEADER = 'X-OpenStack-Ironic-Inspector-API-Minimum-Version'
MAXIMUM_HEADER = 'X-OpenStack-Ironic-Inspector-API-Maximum-Version'


def format_version(version):
    return '%d.%d' % version


def range_headers():
    """The headers that announce the versions served."""
    return {MINIMUM_HEADER: format_version(MINIMUM),
            MAXIMUM_HEADER: format_version(MAXIMUM)}


def negotiate(requested):
    """The version a request is served in.

    :param requested: the value of the request header, or None.
    :returns: ``(major, minor)``; the newest when none or ``latest`` is
        requested.
    :raises: InvalidAPIVersion when it is not ``X.Y`` or ``latest``;
        UnsupportedAPIVersion when it is outside the range served.
    """
    if not requested or requested.strip().lower() == 'latest':
        return MAXIMUM
    try:
        major, minor = (int(part) for part in requested.strip().split('.'))
    except ValueError:
        raise exception.InvalidAPIVersion(version=requested)
    if not MINIMUM <= (major, minor) <= MAXIMUM:
        raise exception.UnsupportedAPIVersion(
            version=format_version((major, minor)),
            minimum=format_version(MINIMUM),
            maximum=format_version(MAXIMUM))
    return major, minor
