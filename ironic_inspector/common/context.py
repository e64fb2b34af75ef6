"""Request context, carried with remotable calls."""

from oslo_context import context


class RequestContext(context.RequestContext):
    """The context every object call is made in."""


def get_admin_context():
    """A context for internal work: commands, periodic tasks."""
    return RequestContext(is_admin=True)
