"""The WSGI application of the inspector API."""

import functools
import time

import flask
from oslo_log import log

from ironic_inspector.api import auth
from ironic_inspector.api import errors
from ironic_inspector.api import policy
from ironic_inspector.api import routes
from ironic_inspector.api import versions
from ironic_inspector.common import exception
from ironic_inspector.conductor import rpc
from ironic_inspector.conductor import rpcapi
from ironic_inspector import objects
from ironic_inspector.objects import base

LOG = log.getLogger(__name__)


def _check_version():
    flask.g.started = time.monotonic()
    # NOTE: every endpoint answers alike in all the versions served; a
    # version outside them, or malformed, is refused.
    versions.negotiate(flask.request.headers.get(versions.REQUEST_HEADER))


def _finish_response(response):
    response.headers.update(versions.range_headers())
    # NOTE: the path only: it carries no more than a node UUID.
    LOG.info('%s %s %d in %.1f ms', flask.request.method,
             flask.request.path, response.status_code,
             (time.monotonic() - flask.g.started) * 1000)
    return response


def create_app(conf):
    """A WSGI application configured from ``conf``.

    With ``[DEFAULT]use_conductor``, every object call of this process
    goes to a conductor from then on.

    With ``[DEFAULT]auth_strategy = keystone``, keystonemiddleware's
    auth_token wraps it, and the access policy decides each request.

    :param conf: the ``ConfigOpts`` holding the project's options.
    :raises: ConfigInvalid when the authentication is not usable (for
        ``http_basic``, an unreadable or malformed user file), or
        ``use_conductor`` is set without a ``transport_url``.
    """
    objects.register_all()
    app = flask.Flask('ironic_inspector.api')
    app.url_map.strict_slashes = False
    app.config['MAX_BODY_SIZE'] = conf.processing.max_data_size
    app.register_blueprint(routes.blueprint)
    errors.register(app)
    app.before_request(_check_version)
    app.after_request(_finish_response)
    if conf.auth_strategy == 'http_basic':
        app.wsgi_app = auth.HttpBasicAuth(
            app.wsgi_app, conf.http_basic_auth_user_file, routes.PUBLIC)
    elif conf.auth_strategy == 'keystone':
        # NOTE: after _check_version, which starts the clock that
        # _finish_response reads.
        app.before_request(functools.partial(policy.enforce,
                                             policy.build_enforcer(conf)))
        app.wsgi_app = auth.keystone_auth_token(app.wsgi_app, conf)
    else:
        LOG.warning('The API does not authenticate its callers '
                    '([DEFAULT]auth_strategy = noauth): anyone who reaches '
                    'it may read introspection data')
    if conf.use_conductor:
        rpc.register_opts()
        if conf.transport_url == rpc.IN_PROCESS_URL:
            raise exception.ConfigInvalid(
                error='[DEFAULT]use_conductor needs [DEFAULT]transport_url, '
                      'the message broker the conductors listen on')
        base.InspectorObject.indirection_api = rpcapi.ConductorAPI()
    return app
