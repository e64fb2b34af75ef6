"""Object versions of every release, for rolling upgrades.

Each release maps object names to the version that release writes and
sends. While ``[DEFAULT]pin_release_version`` names a release, objects are
converted to that release's versions before they leave the process, so
services of the previous release can still read them.

When an object's version is bumped, update ``master`` here; when a release
is cut, copy ``master`` under the release's name.
"""

RELEASE_MAPPING = {
    '1.0': {
        'objects': {
            'IntrospectionData': '1.0',
            'Node': '1.0',
        },
    },
    'master': {
        'objects': {
            'IntrospectionData': '1.1',
            'Node': '1.2',
        },
    },
}


def pinnable_releases():
    """Names of the releases ``pin_release_version`` may name."""
    return sorted(name for name in RELEASE_MAPPING if name != 'master')


def get_object_version(object_name, release=None):
    """The version of an object in a release (``None``: the latest)."""
    return RELEASE_MAPPING[release or 'master']['objects'][object_name]
