from oslo_config import cfg

GROUP = 'conductor'

_OPTS = [
    cfg.StrOpt('topic',
               default='ironic_inspector.conductor',
               help='RPC topic the conductor serves remotable object calls '
                    'on.'),
]


def register_opts(conf):
    conf.register_opts(_OPTS, group=GROUP)


def list_opts():
    return _OPTS
