"""The JSON codec of introspection documents.

orjson encodes several times faster than the standard library and decodes
faster too. It is exact for what it accepts, with one gap closed here: it
writes NaN and Infinity as ``null``; we reject them, as JSON has no such
values. Integers must fit in 64 bits (orjson refuses larger ones, and
decodes them as floats), nesting is limited to 254 levels.
"""

import orjson


class EncodeError(ValueError):
    """The value cannot be represented as JSON."""


def _non_finite_float(value):
    """The first NaN or infinity in ``value``, or None.

    This walk is the codec's main cost (an 8 MB document has some 270,000
    values), so it only descends into containers and tests floats with
    one subtraction: ``x - x`` is 0.0 for every finite float and NaN for
    NaN and both infinities.
    """
    stack = [value]
    push = stack.append
    while stack:
        item = stack.pop()
        for child in (item.values() if type(item) is dict else item):
            kind = type(child)
            if kind is float:
                if child - child != 0.0:
                    return child
            elif kind is dict or kind is list or kind is tuple:
                push(child)
    return None


def dumps(value):
    """Encode ``value`` as compact UTF-8 JSON bytes.

    :raises: EncodeError naming what cannot be encoded.
    """
    try:
        encoded = orjson.dumps(value)
    except orjson.JSONEncodeError as exc:
        raise EncodeError(str(exc)) from None
    bad = _non_finite_float([value])
    if bad is not None:
        raise EncodeError('%r is not a JSON number' % bad)
    return encoded


def loads(text):
    """Decode JSON text or bytes.

    :raises: ValueError when it is not valid JSON.
    """
    return orjson.loads(text)


def dumps_decoded(value):
    """Encode a value that was decoded from JSON, such as a stored
    document, as compact UTF-8 JSON bytes.

    It cannot hold NaN or an infinity, so the walk :func:`dumps` makes
    to refuse them (half the cost of encoding) is skipped.
    """
    return orjson.dumps(value)
