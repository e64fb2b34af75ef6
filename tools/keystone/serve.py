"""Serve Keystone's WSGI application with cheroot, in this one process.

    python serve.py PORT

Run with the Python of Keystone's virtualenv (tools/install-keystone.sh),
with ``OS_KEYSTONE_CONFIG_DIR`` naming the directory of its keystone.conf;
tools/keystone/start.sh does both. Listens on 127.0.0.1 only; SIGTERM
stops it.
"""

import signal
import sys

port = int(sys.argv[1])
# NOTE: Keystone parses sys.argv as its own command line when the
# application is built (oslo.config, from keystone.wsgi.api); this
# script's arguments are not Keystone's and would stop it there.
del sys.argv[1:]

from cheroot import wsgi  # noqa: E402
from keystone.wsgi import api  # noqa: E402


def _stop(signum, frame):
    # cheroot's safe_start stops the server cleanly on SystemExit.
    sys.exit(0)


server = wsgi.Server(('127.0.0.1', port), api.application, numthreads=4,
                     server_name='keystone')
signal.signal(signal.SIGTERM, _stop)
print('keystone is serving on http://127.0.0.1:%d/' % port, flush=True)
server.safe_start()
