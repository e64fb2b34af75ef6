"""Configuration of ironic-inspector.

Importing this package registers every option of the project on ``CONF``;
console scripts load their command line and configuration files through
:func:`parse_args`.
"""

import re

from oslo_config import cfg

from ironic_inspector.common import exception
from ironic_inspector.conf import api
from ironic_inspector.conf import conductor
from ironic_inspector.conf import database
from ironic_inspector.conf import default
from ironic_inspector.conf import ironic
from ironic_inspector.conf import ironic_inventory
from ironic_inspector.conf import processing
from ironic_inspector.conf import swift

CONF = cfg.CONF

api.register_opts(CONF)
conductor.register_opts(CONF)
default.register_opts(CONF)
ironic.register_opts(CONF)
ironic_inventory.register_opts(CONF)
database.register_opts(CONF)
processing.register_opts(CONF)
swift.register_opts(CONF)


def parse_args(argv, default_config_files=None, prog=None):
    """Load command-line arguments and configuration files into ``CONF``.

    Every option's value is checked here, so that a value of the wrong
    type fails at start rather than at the first call that reads it.

    :param argv: the arguments, without the program name.
    :param default_config_files: files read when no ``--config-file`` is
        given; ``None`` looks in the usual places
        (``/etc/ironic-inspector/ironic-inspector.conf`` and so on).
    :param prog: the program's name in usage messages.
    :raises: ConfigInvalid when a configuration file is missing or
        malformed, or an option's value is not valid.
    """
    try:
        CONF(argv,
             project='ironic-inspector', prog=prog,
             default_config_files=default_config_files)
    except cfg.ConfigFilesNotFoundError as exc:
        raise exception.ConfigInvalid(error=exc)
    except cfg.ConfigFileParseError as exc:
        # NOTE: oslo.config quotes the offending line, which may well be a
        # password without its "=".
        raise exception.ConfigInvalid(error='cannot parse %s: %s' % (
            exc.config_file, re.sub(r": '.*'$", '', exc.msg)))
    _check_values(CONF)


def _check_values(conf):
    """Read every registered option once; raise ConfigInvalid naming the
    first whose value is not valid."""
    sections = [(None, conf)] + [(name, conf[name])
                                 for name in sorted(conf.list_all_sections())
                                 if name in conf]
    for group, section in sections:
        for name in section:
            try:
                getattr(section, name)
            except cfg.ConfigFileValueError as exc:
                reason = str(exc).partition(' is not valid: ')[2]
                raise exception.ConfigInvalid(
                    error='[%s]%s: %s' % (group or 'DEFAULT', name,
                                          reason or exc))
