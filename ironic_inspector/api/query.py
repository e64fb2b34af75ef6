"""The query arguments of the API, checked as ironic-inspector 12.5.0
checks them; a bad value is a 400 naming it."""

from oslo_utils import strutils
from oslo_utils import uuidutils

from ironic_inspector.common import exception
from ironic_inspector.common import states

_STATES = (states.STARTING, states.WAITING, states.PROCESSING,
           states.REAPPLYING, states.FINISHED, states.ERROR)


def manage_boot(args):
    """``manage_boot``, true unless the request says otherwise."""
    value = args.get('manage_boot', 'True')
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise exception.BadQuery(
            reason='invalid boolean value for manage_boot: %s' % value)


def marker(args):
    value = args.get('marker')
    if value is not None and not uuidutils.is_uuid_like(value):
        raise exception.BadQuery(reason='marker not UUID-like')
    return value


def limit(args, max_limit):
    """``limit``, ``max_limit`` when absent or 0."""
    value = args.get('limit')
    if value is None:
        return max_limit
    try:
        value = int(value) or max_limit
    except ValueError:
        raise exception.BadQuery(
            reason='invalid literal for int(): %r' % value)
    if value < 0:
        raise exception.BadQuery(reason='limit cannot be negative')
    if value > max_limit:
        raise exception.BadQuery(reason='limit over %d' % max_limit)
    return value


def state(args):
    """``state``: None, or the states of a comma-separated list."""
    value = args.get('state')
    if value is None:
        return None
    wanted = value.split(',')
    invalid = [name for name in wanted if name not in _STATES]
    if invalid:
        raise exception.BadQuery(
            reason='state(s) "%s" are not valid' % ', '.join(invalid))
    return wanted
