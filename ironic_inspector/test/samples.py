"""The realistic introspection documents of ../shared/samples.

``IRONIC_INSPECTOR_SAMPLES`` points elsewhere; tests that need a sample
skip, saying where they looked, when it is missing.
"""

import copy
import functools
import json
import os

_DEFAULT_DIR = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir,
                            os.pardir, 'shared', 'samples')
SAMPLES_DIR = os.path.abspath(
    os.environ.get('IRONIC_INSPECTOR_SAMPLES', _DEFAULT_DIR))

SIZES = ('60k', '1m', '8m')


def path(size):
    return os.path.join(SAMPLES_DIR, 'record-%s.json' % size)


def available(size):
    return os.path.exists(path(size))


@functools.lru_cache(maxsize=None)
def _load(size):
    with open(path(size), 'rb') as sample:
        return json.load(sample)


def load(size, hostname=None):
    """A fresh copy of a sample; ``hostname`` makes it distinct."""
    document = copy.deepcopy(_load(size))
    if hostname is not None:
        document['inventory']['hostname'] = hostname
    return document


def padded(size_bytes):
    """A document of about ``size_bytes`` once encoded, from the 8 MB one."""
    document = load('8m')
    current = len(json.dumps(document, separators=(',', ':')))
    document['extra_padding'] = 'x' * max(0, size_bytes - current - 20)
    return document
