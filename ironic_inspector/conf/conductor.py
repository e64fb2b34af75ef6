from oslo_config import cfg

GROUP = 'conductor'

_OPTS = [
    cfg.StrOpt('topic',
               default='ironic_inspector.conductor',
               help='RPC topic the conductor serves remotable object calls '
                    'on.'),
    cfg.IntOpt('send_retries',
               default=3,
               min=0,
               help='How many times a remotable call tries again to reach '
                    'the message broker before it fails with '
                    'ConductorUnavailable. oslo.messaging alone would wait '
                    'for the broker forever.'),
]


def register_opts(conf):
    conf.register_opts(_OPTS, group=GROUP)


def list_opts():
    return _OPTS
