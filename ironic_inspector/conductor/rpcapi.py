"""The client side of the conductor: an indirection API for objects.

A service that has no storage of its own installs it::

    InspectorObject.indirection_api = ConductorAPI()

and every remotable object call then runs on a conductor.
"""

import oslo_messaging as messaging
from oslo_versionedobjects import base as ovo_base

from ironic_inspector.common import exception
from ironic_inspector.conductor import rpc
from ironic_inspector import conf
from ironic_inspector.objects import base


class ConductorAPI(ovo_base.VersionedObjectIndirectionAPI):
    """Sends remotable object calls to a conductor over RPC.

    :param topic: the conductor's topic (``[conductor]topic`` by default).
    :param timeout: seconds to wait for an answer
        (``[DEFAULT]rpc_response_timeout`` by default).
    """

    RPC_API_VERSION = '1.0'

    def __init__(self, topic=None, timeout=None):
        target = messaging.Target(topic=topic or conf.CONF.conductor.topic,
                                  version=self.RPC_API_VERSION)
        self.client = messaging.get_rpc_client(
            rpc.get_transport(), target,
            serializer=base.InspectorObjectSerializer(), timeout=timeout,
            retry=conf.CONF.conductor.send_retries)

    def _call(self, context, method, **kwargs):
        """Call ``method`` on a conductor; transport failures become ours.

        :raises: ConductorUnavailable when no conductor answers within the
            timeout or the broker stays unreachable through
            ``[conductor]send_retries`` attempts.
        """
        try:
            return self.client.prepare().call(context, method, **kwargs)
        except (messaging.MessagingTimeout,
                messaging.MessageDeliveryFailure) as exc:
            raise exception.ConductorUnavailable(
                topic=self.client.target.topic,
                reason='%s: %s' % (type(exc).__name__, exc))

    def object_class_action_versions(self, context, objname, objmethod,
                                     object_versions, args, kwargs):
        return self._call(context, 'object_class_action_versions',
                          objname=objname, objmethod=objmethod,
                          object_versions=object_versions, args=args,
                          kwargs=kwargs)

    def object_action(self, context, objinst, objmethod, args, kwargs):
        return self._call(context, 'object_action', objinst=objinst,
                          objmethod=objmethod, args=args, kwargs=kwargs)

    def object_backport_versions(self, context, objinst, object_versions):
        return self._call(context, 'object_backport_versions',
                          objinst=objinst, object_versions=object_versions)

    def object_class_action(self, context, objname, objmethod, objver,
                            args, kwargs):
        # NOTE: superseded by object_class_action_versions, which every
        # conductor of this project serves.
        raise NotImplementedError()
