"""The oslo.messaging transport of remotable object calls."""

import oslo_messaging as messaging

from ironic_inspector.common import exception
from ironic_inspector import conf

# Used when [DEFAULT]transport_url is unset: oslo.messaging's in-process
# driver, so that a single process needs no message broker.
IN_PROCESS_URL = 'fake://'

_transport = None


def register_opts():
    """Register oslo.messaging's [DEFAULT] options, with our defaults."""
    messaging.set_transport_defaults('ironic_inspector')
    # NOTE: parsing a URL registers [DEFAULT]transport_url and friends;
    # oslo.messaging's own default is a RabbitMQ on localhost, ours needs
    # no broker.
    messaging.TransportURL.parse(conf.CONF)
    conf.CONF.set_default('transport_url', IN_PROCESS_URL)


def get_transport():
    """The RPC transport of ``[DEFAULT]transport_url``, built once."""
    global _transport
    if _transport is None:
        register_opts()
        _transport = messaging.get_rpc_transport(
            conf.CONF, allowed_remote_exmods=[exception.__name__])
    return _transport


def cleanup():
    """Close the transport (at shutdown, or between tests)."""
    global _transport
    if _transport is not None:
        _transport.cleanup()
        _transport = None
