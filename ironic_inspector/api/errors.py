"""The API's one translation of errors into HTTP answers.

Every error is answered as ironic-inspector 12.5.0 answers it, with a JSON
body ``{"error": {"message": ...}}``: the project's exceptions with the
status of their ``code`` attribute, HTTP errors of the framework (unknown
path, wrong method) with theirs, anything else with 500 and a message that
gives nothing away.
"""

import flask
from oslo_log import log
from werkzeug import exceptions as http_exc

from ironic_inspector.common import exception
from ironic_inspector.common import json_codec

LOG = log.getLogger(__name__)

INTERNAL_ERROR = 'Internal server error'


def error_document(message):
    """The body of an error answer, as JSON bytes."""
    return json_codec.dumps_decoded({'error': {'message': message}})


def error_response(message, code):
    return flask.Response(error_document(message), status=code,
                          mimetype='application/json')


def _inspector_error(exc):
    log_level = log.ERROR if exc.code >= 500 else log.INFO
    LOG.log(log_level, '%s %s failed with %d: %s', flask.request.method,
            flask.request.path, exc.code, exc)
    return error_response(str(exc), exc.code)


def _http_error(exc):
    return error_response('%d %s: %s' % (exc.code, exc.name,
                                         exc.description), exc.code)


def _unexpected_error(exc):
    LOG.exception('%s %s failed unexpectedly', flask.request.method,
                  flask.request.path)
    return error_response(INTERNAL_ERROR, 500)


def register(app):
    """Answer every error ``app`` raises as described above."""
    app.register_error_handler(exception.InspectorException,
                               _inspector_error)
    app.register_error_handler(http_exc.HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
