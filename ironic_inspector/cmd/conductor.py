"""ironic-inspector-conductor: serve remotable object calls over RPC."""

import sys

from oslo_log import log
import oslo_messaging as messaging

from ironic_inspector.cmd import cli
from ironic_inspector.conductor import manager
from ironic_inspector.conductor import rpc
from ironic_inspector import conf
from ironic_inspector.introspection import periodic
from ironic_inspector import objects
from ironic_inspector.objects import base

CONF = conf.CONF
LOG = log.getLogger('ironic_inspector.conductor')
PROG = 'ironic-inspector-conductor'


def serve(stop_event):
    """Run the RPC server, and the periodic clean-up, until
    ``stop_event`` is set."""
    objects.register_all()
    target = messaging.Target(topic=CONF.conductor.topic, server=CONF.host)
    server = messaging.get_rpc_server(
        rpc.get_transport(), target, [manager.ConductorManager()],
        serializer=base.InspectorObjectSerializer())
    server.start()
    LOG.info('Conductor %s is ready on topic %s', CONF.host,
             CONF.conductor.topic)
    stop_clean_up = periodic.start(CONF)
    try:
        stop_event.wait()
    finally:
        LOG.info('Conductor %s is stopping', CONF.host)
        if stop_clean_up is not None:
            stop_clean_up()
        server.stop()
        server.wait()
        rpc.cleanup()
    LOG.info('Conductor %s stopped', CONF.host)


def main(argv=None):
    return cli.run_service(PROG, serve, argv)


if __name__ == '__main__':
    sys.exit(main())
