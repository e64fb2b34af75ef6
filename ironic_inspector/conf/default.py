import socket

from oslo_config import cfg

from ironic_inspector.common import release_mappings

_OPTS = [
    cfg.StrOpt('host',
               default=socket.gethostname(),
               sample_default='localhost',
               help='Name of this host, used as the RPC server name of the '
                    'conductor.'),
    cfg.StrOpt('pin_release_version',
               choices=release_mappings.pinnable_releases(),
               mutable=True,
               help='During a rolling upgrade, the release whose object '
                    'versions this service sends and writes, so that '
                    'services still running that release can read them. '
                    'Unset it once every service runs the new release.'),
    cfg.IntOpt('timeout',
               default=3600,
               min=0,
               help='Seconds after which an introspection still waiting for '
                    'its ramdisk, or still being processed, ends in error '
                    '"Introspection timeout"; 0 never times out.'),
    cfg.ListOpt('ipmi_address_fields',
                default=['redfish_address', 'ilo_address', 'drac_host',
                         'drac_address', 'ibmc_address'],
                help="Fields of a node's driver_info in ironic that hold "
                     'its BMC address, besides ipmi_address, in the order '
                     'they are looked at; the first with a value is the '
                     "node's BMC (an address, a host name or a URL), by "
                     'which its ramdisk finds it.'),
    cfg.IntOpt('clean_up_period',
               default=60,
               min=0,
               help='Seconds between two runs of the periodic clean-up of '
                    'the services with database access: timeouts, and the '
                    'nodes deleted in ironic leaving the node cache; 0 '
                    'turns it off.'),
]


def register_opts(conf):
    conf.register_opts(_OPTS)


def list_opts():
    return _OPTS
