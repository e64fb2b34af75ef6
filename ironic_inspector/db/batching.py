"""How many rows each transaction of a walk over a whole table changes.

``purge`` and the online data migrations change their rows in batches,
each one statement in a transaction of its own, so that no row lock is
held for long. A fixed number of rows fits no table: 1,000 small rows
are deleted in a few milliseconds, most of which every transaction costs
whatever its size (round trips, planning, the commit), while 1,000
documents of a megabyte hold their locks for seconds. So each batch is
sized by the time the one before took, as pt-archiver and
pt-online-schema-change size their chunks: scaled towards TARGET seconds,
at most doubled or halved at a time, between a tenth and a hundred times
the first batch.
"""

import contextlib
import time

# The time a batch's transaction should take, in seconds.
TARGET = 0.1
# The smallest and the largest batch, as multiples of the first.
SMALLEST = 0.1
LARGEST = 100


class BatchSize:
    """The size of the next batch of a walk, adjusted after each one."""

    def __init__(self, initial):
        self.size = initial
        self.minimum = max(1, int(initial * SMALLEST))
        self.maximum = initial * LARGEST

    def adjust(self, elapsed):
        """Size the next batch from the seconds the last one took."""
        factor = 2.0 if elapsed <= 0 else min(2.0, max(0.5,
                                                       TARGET / elapsed))
        self.size = min(self.maximum,
                        max(self.minimum, int(self.size * factor)))

    @contextlib.contextmanager
    def timed(self):
        """Give the size of this batch, then adjust by the time it took."""
        started = time.monotonic()
        yield self.size
        self.adjust(time.monotonic() - started)
