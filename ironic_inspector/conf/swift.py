"""Options of [swift]; the keystoneauth1 ones are in keystone_auth."""

from oslo_config import cfg

GROUP = 'swift'
SERVICE_TYPE = 'object-store'

_OPTS = [
    cfg.StrOpt('container',
               default='ironic-inspector',
               help='Swift container that holds introspection data.'),
    cfg.IntOpt('delete_after',
               default=0,
               min=0,
               help='Seconds after which Swift deletes a stored document '
                    '(X-Delete-After); 0 keeps documents until they are '
                    'deleted.'),
    cfg.StrOpt('auth_version',
               default='3',
               choices=[('3', 'a keystoneauth1 session built from the '
                              'auth and session options of this group'),
                        ('1', "Swift's own v1 auth, as tempauth and "
                              'radosgw offer it, from v1_auth_url, v1_user '
                              'and v1_key')],
               help='How to authenticate to Swift.'),
    cfg.URIOpt('v1_auth_url',
               help='v1 auth endpoint, e.g. http://127.0.0.1:8080/auth/v1.0; '
                    'used when auth_version is 1.'),
    cfg.StrOpt('v1_user',
               help='v1 auth user ("account:user"); used when auth_version '
                    'is 1.'),
    cfg.StrOpt('v1_key',
               secret=True,
               help='v1 auth key; used when auth_version is 1.'),
    cfg.IntOpt('max_retries',
               default=2,
               min=0,
               help='How many times a failed Swift request is retried, with '
                    'a growing back-off, before the operation fails.'),
]


def register_opts(conf):
    conf.register_opts(_OPTS, group=GROUP)


def list_opts():
    return _OPTS
