"""ironic-inspector: storage of bare-metal introspection data.

Every entry point goes through this package first: the console scripts,
the WSGI application and library users of :mod:`ironic_inspector.objects`.
So it is here that oslo.service's backend is chosen, before anything
imports oslo.messaging (through oslo.versionedobjects): the threading one,
as ironic chose when it left eventlet. It is loaded when first used, not
by every command. An application that runs on eventlet imports it, or
chooses its backend, before it imports this package.
"""

import sys

from oslo_service import backend as _service_backend

if (_service_backend.get_backend_type() is None
        and 'eventlet' not in sys.modules):
    # NOTE: futurist, which oslo.messaging and the threading backend use,
    # imports eventlet whenever it is installed (oslo.service requires it),
    # and eventlet loads greenlet and dnspython, whose import warns on
    # recent cryptography releases. Nothing here runs on eventlet: it is
    # marked absent, so that such probes find it missing.
    sys.modules['eventlet'] = None
    _service_backend.register_backend_default_hook(
        lambda: _service_backend.BackendType.THREADING)
