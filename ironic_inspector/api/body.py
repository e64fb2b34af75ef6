"""Reading a request's JSON body: once, within a size limit, then parsed."""

from ironic_inspector.common import exception
from ironic_inspector.common import json_codec

_JSON_TYPES = {list: 'an array', str: 'a string', int: 'a number',
               float: 'a number', bool: 'a boolean', type(None): 'null'}


def read_json_object(request, limit, required=True):
    """The JSON object a request carries.

    The body is refused before it is read when its announced length is
    over ``limit``; a chunked body is read no further than ``limit``.

    :param request: the Flask (werkzeug) request.
    :param limit: the largest body accepted, in bytes.
    :param required: whether an empty body is an error; when it is not,
        None is returned for it.
    :raises: RequestBodyTooLarge, InvalidRequestBody
    """
    if request.content_length is not None and request.content_length > limit:
        raise exception.RequestBodyTooLarge(limit=limit)
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise exception.RequestBodyTooLarge(limit=limit)
    if not raw.strip():
        if required:
            raise exception.InvalidRequestBody(
                reason='the body is empty; expected a JSON object')
        return None
    try:
        document = json_codec.loads(raw)
    except ValueError as exc:
        raise exception.InvalidRequestBody(reason='not valid JSON: %s' % exc)
    if not isinstance(document, dict):
        raise exception.InvalidRequestBody(
            reason='expected a JSON object, got %s'
            % _JSON_TYPES.get(type(document), type(document).__name__))
    return document
