"""scheduler: the properties the Compute scheduler needs."""

import logging

from ironic_inspector.processing.hooks import base

LOG = logging.getLogger(__name__)


class SchedulerHook(base.ProcessingHook):
    """Adds ``cpus``, ``cpu_arch`` and ``memory_mb`` from the inventory.

    ``cpus`` and ``cpu_arch`` come from the inventory's ``cpu`` (``count``
    and ``architecture``), ``memory_mb`` from its ``memory``
    (``physical_mb``). A malformed or missing value is left out with a
    warning, as ironic-inspector 12.x does.
    """

    def __call__(self, node, document):
        inventory = self.inventory(document)
        cpu = inventory.get('cpu') or {}
        try:
            cpus, cpu_arch = int(cpu['count']), str(cpu['architecture'])
        except (KeyError, TypeError, ValueError):
            LOG.warning('Node %s: malformed or missing CPU information',
                        node.uuid)
        else:
            document.update(cpus=cpus, cpu_arch=cpu_arch)
        try:
            document['memory_mb'] = int(inventory['memory']['physical_mb'])
        except (KeyError, TypeError, ValueError):
            LOG.warning('Node %s: malformed or missing memory information '
                        '(memory.physical_mb, from dmidecode)', node.uuid)
