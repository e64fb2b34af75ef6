"""Options of [ironic]: how the inspector reaches ironic's API.

keystoneauth1's session, auth and adapter options, as ironic-inspector
12.x has them (registered by :mod:`ironic_inspector.conf.keystone_auth`
when the client is first built), and 12.x's retries of a call that ironic
refuses for a while, the defaults of the adapter's
``status_code_retries``, ``connect_retries`` and their delays.

With ``auth_type`` unset no ironic is used: the node cache is managed by
``ironic-inspector-node`` (standalone mode).
``auth_type = none`` with ``endpoint_override`` reaches an ironic without
authentication.
"""

from oslo_config import cfg

GROUP = 'ironic'
SERVICE_TYPE = 'baremetal'

_OPTS = [
    cfg.IntOpt('retry_interval',
               default=2,
               min=0,
               help='Seconds between two tries of a call that ironic '
                    'refused for a while: the node is locked (409), the '
                    'service is unavailable (503) or the connection '
                    'failed.'),
    cfg.IntOpt('max_retries',
               default=30,
               min=0,
               help='How many times such a call is tried again.'),
]


def register_opts(conf):
    conf.register_opts(_OPTS, group=GROUP)


def list_opts():
    return _OPTS
