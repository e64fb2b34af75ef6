"""Options of [ironic_inventory]: where ironic 33 and later keep the
inspections they serve, for ``ironic-inspector-migrate-data --to ironic``.

They describe ironic's own ``[inventory]`` settings: set them to the
values of ironic's configuration.
"""

from oslo_config import cfg

GROUP = 'ironic_inventory'

_OPTS = [
    cfg.StrOpt('data_backend',
               default='database',
               choices=[('database', "rows of the node_inventory table of "
                                     "ironic's database, [ironic_inventory]"
                                     "connection"),
                        ('swift', 'objects of the Swift container '
                                  '[ironic_inventory]swift_data_container, '
                                  'reached as [swift] says')],
               help="ironic's [inventory]data_backend."),
    cfg.StrOpt('connection',
               secret=True,
               help="ironic's [database]connection: the SQLAlchemy URL of "
                    "ironic's database, for data_backend = database."),
    cfg.StrOpt('swift_data_container',
               default='introspection_data_container',
               help="ironic's [inventory]swift_data_container, for "
                    "data_backend = swift."),
]


def register_opts(conf):
    conf.register_opts(_OPTS, group=GROUP)


def list_opts():
    return _OPTS
