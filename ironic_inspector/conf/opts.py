"""Options of every group, for oslo-config-generator."""

from ironic_inspector.conf import api
from ironic_inspector.conf import conductor
from ironic_inspector.conf import database
from ironic_inspector.conf import default
from ironic_inspector.conf import ironic
from ironic_inspector.conf import ironic_inventory
from ironic_inspector.conf import keystone_auth
from ironic_inspector.conf import processing
from ironic_inspector.conf import swift


def list_opts():
    return [
        ('DEFAULT', default.list_opts() + api.list_opts()),
        (conductor.GROUP, conductor.list_opts()),
        ('database', database.list_opts()),
        ('processing', processing.list_opts()),
        (ironic.GROUP, ironic.list_opts() + keystone_auth.list_opts()),
        (ironic_inventory.GROUP, ironic_inventory.list_opts()),
        (swift.GROUP, swift.list_opts() + keystone_auth.list_opts()),
    ]
