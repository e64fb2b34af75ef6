"""The keystoneauth1 options of [swift] (session, auth, adapter).

The Swift backend registers them when it is imported, so that commands
that never reach Swift do not import keystoneauth1 and requests.
"""

from keystoneauth1 import loading as ks_loading

from ironic_inspector.conf import swift

SERVICE_TYPE = 'object-store'


def register_opts(conf):
    ks_loading.register_session_conf_options(conf, swift.GROUP)
    ks_loading.register_auth_conf_options(conf, swift.GROUP)
    ks_loading.register_adapter_conf_options(conf, swift.GROUP)
    conf.set_default('service_type', SERVICE_TYPE, group=swift.GROUP)


def list_opts():
    # The auth plugin options shown are those of the password plugin, the
    # one most deployments use.
    return (ks_loading.get_session_conf_options()
            + ks_loading.get_auth_common_conf_options()
            + ks_loading.get_auth_plugin_conf_options('password')
            + ks_loading.get_adapter_conf_options(include_deprecated=False))
