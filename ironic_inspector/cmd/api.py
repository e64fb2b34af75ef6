"""ironic-inspector-api: serve the inspector HTTP API."""

import socket
import sys
import threading

from cheroot import wsgi
from oslo_log import log

from ironic_inspector.api import app
from ironic_inspector.cmd import cli
from ironic_inspector.common import exception
from ironic_inspector.conductor import rpc
from ironic_inspector import conf
from ironic_inspector.introspection import periodic

CONF = conf.CONF
LOG = log.getLogger('ironic_inspector.api')
PROG = 'ironic-inspector-api'


def serve(stop_event):
    """Serve the API until ``stop_event`` is set; with database access
(no ``use_conductor``), run the periodic clean-up too.

    :raises: ConfigInvalid when the authentication is not usable;
        InspectorException when the address cannot be listened on.
    """
    # NOTE: cheroot's default backlog, 5, resets connections when a rack
    # of ramdisks calls back at once; the kernel caps this one
    # (net.core.somaxconn).
    server = wsgi.Server((CONF.listen_address, CONF.listen_port),
                         app.create_app(CONF), server_name=PROG,
                         request_queue_size=socket.SOMAXCONN)
    try:
        server.prepare()
    except OSError as exc:
        raise exception.InspectorException(
            'cannot listen on %s:%d: %s' % (CONF.listen_address,
                                            CONF.listen_port, exc))
    thread = threading.Thread(target=server.serve, name='api-server')
    thread.start()
    host, port = server.bind_addr[:2]
    LOG.info('API is serving on http://%s:%d/',
             '[%s]' % host if ':' in host else host, port)
    stop_clean_up = None if CONF.use_conductor else periodic.start(CONF)
    try:
        stop_event.wait()
    finally:
        LOG.info('API is stopping')
        if stop_clean_up is not None:
            stop_clean_up()
        server.stop()
        thread.join()
        rpc.cleanup()
    LOG.info('API stopped')


def main(argv=None):
    return cli.run_service(PROG, serve, argv)


if __name__ == '__main__':
    sys.exit(main())
