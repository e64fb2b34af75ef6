"""The processing hook interface.

A hook reads the ramdisk's document and extends it with keys of its
own. Hooks are entry points of the ``ironic_inspector.hooks.processing``
namespace, run in the order of ``[processing]processing_hooks``: first the
:meth:`~ProcessingHook.preprocess` step of every hook, then each hook's
main step. A hook names the hooks whose keys it reads in
``dependencies``; they must come before it, which is checked when the
hooks load.
"""

import abc

from ironic_inspector.common import exception


class ProcessingHook(metaclass=abc.ABCMeta):
    """A step of processing.

    :param conf: the ``ConfigOpts`` to read the hook's options from, once,
        when the hook is built.
    """

    #: Names (entry points) of the hooks that must run before this one.
    dependencies = ()

    #: The hook's entry-point name, set when it is loaded.
    name = None

    def __init__(self, conf):
        pass

    def preprocess(self, node, document):
        """Check the document before any hook's main step runs.

        :param node: the ``objects.Node`` the document belongs to.
        :param document: the ramdisk's document (a dict), without
            ``logs``; may be changed in place.
        :raises: an InspectorException to fail the processing.
        """

    @abc.abstractmethod
    def __call__(self, node, document):
        """Extend the document with the keys this hook produces.

        :param node: the ``objects.Node`` the document belongs to.
        :param document: the document (a dict), changed in place.
        :raises: an InspectorException to fail the processing.
        """

    def failure(self, reason):
        """The exception this hook raises to refuse a document."""
        return exception.ProcessingFailed(hook=self.name, reason=reason)

    def inventory(self, document):
        """The ramdisk's hardware inventory.

        :raises: ProcessingFailed when it is missing or has no network
            interfaces.
        """
        inventory = document.get('inventory')
        if not inventory or not isinstance(inventory, dict):
            raise self.failure('the hardware inventory is empty or missing')
        if not inventory.get('interfaces'):
            raise self.failure('the inventory lists no network interfaces')
        return inventory
