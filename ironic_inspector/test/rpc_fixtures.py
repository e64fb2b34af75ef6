"""A conductor RPC server in the test process, on a real transport."""

import fixtures
import oslo_messaging as messaging

from ironic_inspector.common import rpc
from ironic_inspector.conductor import manager
from ironic_inspector.conductor import rpcapi
from ironic_inspector.objects import base


class ConductorFixture(fixtures.Fixture):
    """Serves ConductorManager on ``topic`` and routes object calls to it.

    While the fixture is up, remotable calls of every object go over the
    transport of ``[DEFAULT]transport_url`` (the in-process driver unless
    the test configures another) to the server thread.
    """

    def __init__(self, topic, timeout=10):
        super().__init__()
        self.topic = topic
        self.timeout = timeout

    def _setUp(self):
        self.addCleanup(rpc.cleanup)
        target = messaging.Target(topic=self.topic, server='test-conductor')
        server = messaging.get_rpc_server(
            rpc.get_transport(), target, [manager.ConductorManager()],
            serializer=base.InspectorObjectSerializer())
        server.start()
        self.addCleanup(server.wait)
        self.addCleanup(server.stop)
        self.useFixture(fixtures.MonkeyPatch(
            'ironic_inspector.objects.base.InspectorObject.indirection_api',
            rpcapi.ConductorAPI(topic=self.topic, timeout=self.timeout)))
