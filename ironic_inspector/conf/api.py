"""Options of the HTTP API service, in [DEFAULT] as ironic-inspector 12.x
has them."""

from oslo_config import cfg

_OPTS = [
    cfg.HostAddressOpt('listen_address',
                       default='::',
                       help='IP address the API listens on; "::", as in '
                            'ironic-inspector 12.x, listens on every IPv6 '
                            'and IPv4 address.'),
    cfg.PortOpt('listen_port',
                default=5050,
                help='TCP port the API listens on.'),
    cfg.StrOpt('auth_strategy',
               default='noauth',
               choices=[('noauth', 'no authentication: anyone who reaches '
                                   'the port may read introspection data'),
                        ('http_basic', 'HTTP basic authentication against '
                                       'the users of '
                                       'http_basic_auth_user_file'),
                        ('keystone', 'Keystone tokens, checked by '
                                     'keystonemiddleware as '
                                     '[keystone_authtoken] configures it; '
                                     'the access policy ([oslo_policy]) '
                                     'then decides what each caller may '
                                     'do')],
               help='How the API authenticates its callers. The ramdisk '
                    'callback (POST /v1/continue) and the version '
                    'documents are open to everyone with any.'),
    cfg.StrOpt('http_basic_auth_user_file',
               default='/etc/ironic-inspector/htpasswd',
               help='Apache-style htpasswd file of the API users, with '
                    'bcrypt password hashes ("htpasswd -B"); used when '
                    'auth_strategy is http_basic. Changes are picked up '
                    'without a restart.'),
    cfg.IntOpt('api_max_limit',
               default=1000,
               min=1,
               help='The most introspection statuses one GET '
                    '/v1/introspection returns, and its default limit.'),
    cfg.BoolOpt('can_manage_boot',
                default=True,
                help='Whether this installation may boot nodes into the '
                     'ramdisk itself: set the boot device to PXE and '
                     'reboot through ironic (an introspection started '
                     'with manage_boot=true, the default). With false, '
                     'only manage_boot=false is accepted: ironic, or the '
                     'operator, boots the node.'),
    cfg.BoolOpt('use_conductor',
                default=False,
                help='Send every object call of the API to a conductor '
                     '(ironic-inspector-conductor) over '
                     '[DEFAULT]transport_url, instead of using the database '
                     'and the storage backend directly: for an API host '
                     'that has no access to them.'),
]


def register_opts(conf):
    conf.register_opts(_OPTS)


def list_opts():
    return _OPTS
