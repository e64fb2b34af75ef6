"""root_disk_selection: the root disk and the disk space it offers.

Root device hints (ironic's node property ``root_device``) are not
supported: the node cache has no such property. The root disk is the
one the ramdisk reported as ``root_disk``.
"""

import logging

from ironic_inspector.processing.hooks import base

LOG = logging.getLogger(__name__)

GiB = 1024 ** 3


class RootDiskSelectionHook(base.ProcessingHook):
    """Adds ``local_gb``: the size of ``root_disk`` in GiB, rounded down,
    minus 1 for partitioning (``[processing]disk_partitioning_spacing``);
    0 for a node without a root disk, or with one under 1 GiB.
    """

    def __init__(self, conf):
        super().__init__(conf)
        self.spacing = conf.processing.disk_partitioning_spacing

    def __call__(self, node, document):
        self.inventory(document)
        root_disk = document.get('root_disk')
        if not root_disk:
            LOG.info('Node %s: no root disk, assuming a diskless node',
                     node.uuid)
            document['local_gb'] = 0
            return
        try:
            local_gb = int(root_disk['size']) // GiB
        except (KeyError, TypeError, ValueError):
            local_gb = 0
        if not local_gb:
            LOG.warning('Node %s: the root disk is smaller than 1 GiB or '
                        'its size is unknown', node.uuid)
        elif self.spacing:
            local_gb -= 1
        document['local_gb'] = local_gb
