"""Configuration of ironic-inspector.

Importing this package registers every option of the project on ``CONF``;
console scripts load their command line and configuration files through
:func:`parse_args`.
"""

from oslo_config import cfg

from ironic_inspector.conf import conductor
from ironic_inspector.conf import database
from ironic_inspector.conf import default
from ironic_inspector.conf import processing
from ironic_inspector.conf import swift

CONF = cfg.CONF

conductor.register_opts(CONF)
default.register_opts(CONF)
database.register_opts(CONF)
processing.register_opts(CONF)
swift.register_opts(CONF)


def parse_args(argv, default_config_files=None):
    """Load command-line arguments and configuration files into ``CONF``.

    :param argv: the arguments, without the program name.
    :param default_config_files: files read when no ``--config-file`` is
        given; ``None`` looks in the usual places
        (``/etc/ironic-inspector/ironic-inspector.conf`` and so on).
    """
    CONF(argv,
         project='ironic-inspector',
         default_config_files=default_config_files)
