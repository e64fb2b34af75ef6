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
    cfg.StrOpt('default_processing_hooks',
               default='ramdisk_error,root_disk_selection,scheduler,'
                       'validate_interfaces,lldp_basic',
               help='The standard processing hooks, comma-separated, in the '
                    'order they run. Change processing_hooks, not this.'),
    cfg.StrOpt('processing_hooks',
               default='$default_processing_hooks',
               help='The processing hooks to run, comma-separated, in '
                    'order: names of entry points in the '
                    '"ironic_inspector.hooks.processing" namespace. Add '
                    'yours to the standard ones with '
                    '"$default_processing_hooks,my_hook". An unknown name, '
                    'or a hook before one it needs, is refused when the '
                    'hooks load.'),
    cfg.StrOpt('add_ports',
               default='pxe',
               choices=[('all', 'every interface with a MAC address'),
                        ('active', 'interfaces with an IP address'),
                        ('pxe', 'the interface the node booted from (the '
                                'ramdisk\'s "boot_interface"), or the '
                                'active ones if it is not known'),
                        ('disabled', 'as "active"')],
               help='Which interfaces validate_interfaces lists under '
                    '"interfaces" and "macs" (every interface with a valid '
                    'MAC is under "all_interfaces").'),
    cfg.StrOpt('keep_ports',
               default='all',
               choices=[('all', 'delete no port'),
                        ('present', 'delete the ports whose MAC the ramdisk '
                                    'did not report'),
                        ('added', 'delete the ports whose MAC is not among '
                                  'those add_ports selected')],
               help='Which of the ports a node already has in ironic stay '
                    'after its introspection.'),
    cfg.BoolOpt('power_off',
                default=True,
                help='Whether to power a node off through ironic once its '
                     'data is processed, when this installation booted it '
                     '(manage_boot).'),
    cfg.BoolOpt('disk_partitioning_spacing',
                default=True,
                help='Whether root_disk_selection leaves 1 GiB of the root '
                     'disk for partitioning: "local_gb" is then its size in '
                     'GiB minus 1.'),
]


def register_opts(conf):
    conf.register_opts(_OPTS, group='processing')


def list_opts():
    return _OPTS
