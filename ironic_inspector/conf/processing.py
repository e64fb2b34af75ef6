from oslo_config import cfg

# 16 MiB documents must fit, with room for the JSON encoding of a document
# that was measured as 16 MiB elsewhere.
DEFAULT_MAX_DATA_SIZE = 32 * 1024 * 1024

_OPTS = [
    cfg.StrOpt('storage_backend',
               default='database',
               deprecated_name='store_data',
               help='Where introspection data is kept: the name of an '
                    'entry point in the '
                    '"ironic_inspector.introspection.storage_backend" '
                    'namespace. Installed: "none" (nothing is kept), '
                    '"database" and "swift".'),
    cfg.IntOpt('max_data_size',
               default=DEFAULT_MAX_DATA_SIZE,
               min=1,
               help='Largest introspection document accepted, in bytes of '
                    'its JSON encoding.'),
    cfg.ListOpt('storage_read_fallback',
                default=[],
                help='Backends to read from, in order, when the configured '
                     'backend has no document for a node. Used while '
                     'switching backends without downtime.'),
    cfg.BoolOpt('storage_migrate_on_read',
                default=False,
                help='Copy a document found in a fallback backend into the '
                     'configured backend when it is read.'),
]


def register_opts(conf):
    conf.register_opts(_OPTS, group='processing')


def list_opts():
    return _OPTS
