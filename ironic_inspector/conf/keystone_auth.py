"""keystoneauth1's options (session, auth, adapter) for a group of ours.

``[swift]`` and ``[ironic]`` take them, so that both services are reached
as every OpenStack service reaches another. Each group registers them
when its client is first built, so that commands that reach neither do
not import keystoneauth1 and requests.
"""

from keystoneauth1 import loading as ks_loading


def register_opts(conf, group, service_type):
    """Register the options on ``[group]``, for ``service_type``'s
    endpoint in the service catalog."""
    ks_loading.register_session_conf_options(conf, group)
    ks_loading.register_auth_conf_options(conf, group)
    ks_loading.register_adapter_conf_options(conf, group)
    conf.set_default('service_type', service_type, group=group)


def load_auth(conf, group):
    """The auth plugin of ``[group]``, or None when auth_type is unset."""
    return ks_loading.load_auth_from_conf_options(conf, group)


def load_session(conf, group, auth):
    """A keystoneauth1 session from ``[group]``'s options."""
    return ks_loading.load_session_from_conf_options(conf, group, auth=auth)


def list_opts():
    # The auth plugin options shown are those of the password plugin, the
    # one most deployments use.
    return (ks_loading.get_session_conf_options()
            + ks_loading.get_auth_common_conf_options()
            + ks_loading.get_auth_plugin_conf_options('password')
            + ks_loading.get_adapter_conf_options(include_deprecated=False))
