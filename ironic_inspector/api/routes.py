"""The endpoints of the API, with ironic-inspector 12.5.0's paths and shapes.

Each route checks its request, makes one call to the objects or the
processing pipeline, and shapes the answer; errors are left to
:mod:`ironic_inspector.api.errors`.
"""

import flask

from ironic_inspector.api import auth
from ironic_inspector.api import body
from ironic_inspector.api import query
from ironic_inspector.api import versions
from ironic_inspector.common import context
from ironic_inspector.common import json_codec
from ironic_inspector import conf
from ironic_inspector.introspection import lifecycle
from ironic_inspector import objects
from ironic_inspector.processing import pipeline

blueprint = flask.Blueprint('inspector', __name__)

# What answers without credentials, whatever the auth strategy: the
# version documents, which clients read first, and the ramdisk's callback,
# which has none.
PUBLIC = (('GET', '/'), ('GET', '/v1'), ('POST', '/v1/continue'))

# The resources /v1 lists.
_V1_RESOURCES = ('continue', 'introspection')


def _json_response(value, status=200):
    return flask.Response(json_codec.dumps_decoded(value), status=status,
                          mimetype='application/json')


def _link(path):
    return {'href': flask.request.url_root + path, 'rel': 'self'}


def _request_context():
    # NOTE: with auth_strategy = keystone, the policy made it from the
    # caller's identity.
    return flask.g.get('context') or context.RequestContext(
        user_id=flask.request.environ.get(auth.USER_ENVIRON_KEY))


def _max_body_size():
    return flask.current_app.config['MAX_BODY_SIZE']


def _timestamp(value):
    # NOTE: 12.5.0 shows times in UTC without an offset.
    return value.replace(tzinfo=None).isoformat() if value else None


@blueprint.get('/')
def root():
    return _json_response({'versions': [{
        'id': versions.format_version(versions.MAXIMUM),
        'links': [_link('v%d' % versions.MAXIMUM[0])],
        'status': 'CURRENT',
    }]})


@blueprint.get('/v1')
def version_one():
    return _json_response({'resources': [
        {'links': [_link('v1/%s' % name)], 'name': name}
        for name in _V1_RESOURCES]})


@blueprint.post('/v1/continue')
def ramdisk_callback():
    """The ramdisk's document: processed and stored; 200 {"uuid": ...}."""
    document = body.read_json_object(flask.request, _max_body_size())
    node = pipeline.process(_request_context(), document)
    return _json_response({'uuid': node.uuid})


def _accepted():
    # NOTE: 12.5.0 answers a start or an abort with an empty text body.
    return flask.Response(status=202, mimetype='text/plain')


def _status(node):
    return {
        'error': node.error,
        'finished': node.finished_at is not None,
        'finished_at': _timestamp(node.finished_at),
        'links': [_link('v1/introspection/%s' % node.uuid)],
        'started_at': _timestamp(node.started_at),
        'state': node.state,
        'uuid': node.uuid,
    }


@blueprint.get('/v1/introspection')
def introspection_statuses():
    """Introspections, newest first, a page of ``limit`` after
    ``marker``, in the ``state`` (comma-separated states) asked for."""
    args = flask.request.args
    nodes = objects.Node.list_introspections(
        _request_context(), marker=query.marker(args),
        limit=query.limit(args, conf.CONF.api_max_limit),
        states=query.state(args))
    return _json_response({'introspection': [_status(node)
                                             for node in nodes]})


@blueprint.post('/v1/introspection/<node_ident>')
def start_introspection(node_ident):
    """Start introspecting a node of ironic (UUID or name); 202."""
    lifecycle.start(_request_context(), node_ident,
                    manage_boot=query.manage_boot(flask.request.args))
    return _accepted()


@blueprint.post('/v1/introspection/<node_ident>/abort')
def abort_introspection(node_ident):
    lifecycle.abort(_request_context(), node_ident)
    return _accepted()


@blueprint.get('/v1/introspection/<node_ident>')
def introspection_status(node_ident):
    node = objects.Node.get_by_uuid(_request_context(),
                                    lifecycle.node_uuid(node_ident))
    return _json_response(_status(node))


def _stored_document(node_ident, processed):
    record = objects.IntrospectionData.get_by_node(
        _request_context(), lifecycle.node_uuid(node_ident),
        processed=processed)
    return _json_response(record.data)


@blueprint.get('/v1/introspection/<node_ident>/data')
def processed_data(node_ident):
    return _stored_document(node_ident, processed=True)


@blueprint.get('/v1/introspection/<node_ident>/data/unprocessed')
def unprocessed_data(node_ident):
    return _stored_document(node_ident, processed=False)


@blueprint.post('/v1/introspection/<node_ident>/data/unprocessed')
def reapply(node_ident):
    """Process the stored unprocessed document again, or the one given
    (which replaces it first); 202 {}."""
    document = body.read_json_object(flask.request, _max_body_size(),
                                     required=False)
    pipeline.reapply(_request_context(), lifecycle.node_uuid(node_ident),
                     document=document)
    return _json_response({}, status=202)
