"""The console scripts.

Python warnings, a dependency's deprecations mostly, are for developers,
not operators: every console script sends them to its log at DEBUG level
(logger ``py.warnings``, each once per place, as Python's default filters
have it), never as raw text on standard error, where they would bury a
command's one-line error. ``--debug`` (``-v -v`` for the commands with
sub-commands) or ``[DEFAULT]debug`` shows them.
"""

import logging
import warnings

_LOG = logging.getLogger('py.warnings')


def _log_warning(message, category, filename, lineno, file=None, line=None):
    _LOG.debug('%s', warnings.formatwarning(message, category, filename,
                                            lineno, line).rstrip())


warnings.showwarning = _log_warning
