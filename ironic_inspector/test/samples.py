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


# The keys of a sample that the processing hooks add; a ramdisk sends the
# rest (its own choice of root disk, "root_disk", too).
HOOK_KEYS = ('local_gb', 'cpus', 'cpu_arch', 'memory_mb', 'all_interfaces',
             'interfaces', 'macs', 'ipmi_address', 'ipmi_v6address')


def ramdisk_document(size, index=0):
    """A sample as a ramdisk posts it: without the keys the hooks add.

    :param index: gives the document BMC and MAC addresses of its own
        (derived from ``index``, below 65536), so that documents of
        different indexes are looked up as different nodes.
    :returns: ``(document, bmc_address, macs)``.
    """
    document = load(size)
    for key in HOOK_KEYS:
        document.pop(key, None)
    inventory = document['inventory']
    high, low = divmod(index, 256)
    bmc_address = '198.18.%d.%d' % (high, low)
    inventory['bmc_address'] = bmc_address
    inventory['hostname'] = 'node-%d' % index
    macs = []
    for number, interface in enumerate(inventory['interfaces']):
        mac = '52:54:%02x:%02x:%02x:%02x' % (high, low, number // 256,
                                             number % 256)
        if document.get('boot_interface', '').replace('-', ':').endswith(
                interface['mac_address']):
            document['boot_interface'] = '01-' + mac.replace(':', '-')
        interface['mac_address'] = mac
        macs.append(mac)
    return document, bmc_address, macs
