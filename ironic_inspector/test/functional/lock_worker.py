"""One process racing others to lock the same node.

Run as ``python -m ironic_inspector.test.functional.lock_worker CONFIG
NODE START [conductor]``: at the wall-clock time START it calls
``Node.start_processing`` on NODE (through the conductors over RPC when
``conductor`` is given) and prints ``won``, or the name of the exception
it got with its HTTP code (a remote exception arrives as a subclass of
the project's, whose name it prints).
"""

import sys
import time

from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector.conductor import rpcapi
from ironic_inspector import conf
from ironic_inspector import objects
from ironic_inspector.objects import base as objects_base


def main():
    config_file, node_uuid, start = sys.argv[1:4]
    conf.parse_args(['--config-file', config_file], default_config_files=[])
    objects.register_all()
    if sys.argv[4:] == ['conductor']:
        objects_base.InspectorObject.indirection_api = rpcapi.ConductorAPI()
    node = objects.Node.get_by_uuid(context.RequestContext(), node_uuid)
    time.sleep(max(0, float(start) - time.time()))
    try:
        node.start_processing()
    except exception.InspectorException as exc:
        ours = next(cls for cls in type(exc).__mro__
                    if cls.__module__ == exception.__name__)
        print(ours.__name__, exc.code)
    else:
        print('won')


if __name__ == '__main__':
    main()
