"""States of a node in the node cache: ironic-inspector 12.x's names.

A database adopted from 12.x accepts no others (its ``nodes.state`` is
an enumeration of 12.x's states).
"""

STARTING = 'starting'
WAITING = 'waiting'
PROCESSING = 'processing'
REAPPLYING = 'reapplying'
FINISHED = 'finished'
ERROR = 'error'

# A node in one of these waits for its ramdisk.
WAITING_STATES = (STARTING, WAITING)

# A node in one of these is being processed: it is locked.
LOCKED = (PROCESSING, REAPPLYING)
