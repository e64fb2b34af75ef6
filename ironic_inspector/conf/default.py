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
]


def register_opts(conf):
    conf.register_opts(_OPTS)


def list_opts():
    return _OPTS
