"""ramdisk_error: fail the processing when the ramdisk reported an error.
"""

from ironic_inspector.common import exception
from ironic_inspector.processing.hooks import base


class RamdiskErrorHook(base.ProcessingHook):
    """Refuses a document whose ``error`` key is set.

    It runs in the preprocess step, before any hook's main step; the
    node goes to ``error`` with the ramdisk's message.
    """

    def preprocess(self, node, document):
        error = document.get('error')
        if error:
            raise exception.RamdiskError(error=error)

    def __call__(self, node, document):
        pass
