"""Versioned objects: the interface callers use for stored data.

Call :func:`register_all` once; the newest version of every object is
then an attribute of this package (``objects.IntrospectionData``).
Registering imports oslo.versionedobjects and, through it, oslo.messaging
(a quarter of a second); commands that do not use the objects leave it.
"""


def register_all():
    # NOTE: importing a module registers its objects.
    __import__('ironic_inspector.objects.introspection_data')
    __import__('ironic_inspector.objects.node')
