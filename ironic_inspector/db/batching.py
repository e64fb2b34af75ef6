"""Batches of a walk over a whole table: where each one ends, and how
many rows it changes.

``purge`` and the online data migrations change their rows in batches,
each one statement in a transaction of its own, so that no row lock is
held for long. A batch is the next range of the table's primary key
after the one before (:func:`next_batch`).

A fixed number of rows fits no table: 1,000 small rows are deleted in a
few milliseconds, most of which every transaction costs whatever its size
(round trips, planning, the commit), while 1,000 documents of a megabyte
hold their locks for seconds. So each batch is sized by the time the one
before took (:class:`BatchSize`), as pt-archiver and
pt-online-schema-change size their chunks: scaled towards TARGET seconds,
at most doubled or halved at a time, between a tenth and a hundred times
the first batch.
"""

import contextlib
import time

import sqlalchemy as sa

# The time a batch's transaction should take, in seconds.
TARGET = 0.1
# The smallest and the largest batch, as multiples of the first.
SMALLEST = 0.1
LARGEST = 100


def _key_after(keys, values):
    """Rows whose primary key ``keys`` sorts after ``values``.

    A range on the key's first column, which every database uses its
    index for (MariaDB would not for a row comparison).
    """
    first, value = keys[0], sa.literal(values[0], keys[0].type)
    if len(keys) == 1:
        return first > value
    return sa.and_(first >= value, sa.or_(
        first > value, _key_after(keys[1:], values[1:])))


def _key_at_most(keys, values):
    """Rows whose primary key ``keys`` sorts at or before ``values``."""
    first, value = keys[0], sa.literal(values[0], keys[0].type)
    if len(keys) == 1:
        return first <= value
    return sa.and_(first <= value, sa.or_(
        first < value, _key_at_most(keys[1:], values[1:])))


def next_batch(conn, statement, condition, limit, after=None,
               matching=True):
    """``statement`` (an UPDATE or DELETE of one table) restricted to the
    next batch of a walk along the table's primary key.

    The batch is the next ``limit`` rows matching ``condition`` (with
    ``matching=False``, the next ``limit`` rows) after the key ``after``
    (``None``: from the start): its last key is read first, in key order,
    then ``statement`` changes the rows matching ``condition`` between
    ``after`` and that key, one statement. Each batch reads only its own
    range, never the rows of the batches before. A row written into the
    range between the two changes too; one written behind the walk is
    left for the next walk.

    :param matching: True where ``limit`` is a budget of rows to change;
        False where most rows match anyway: the last key is then read
        from the key's index alone, without the rows (PostgreSQL reads
        the rows to check the condition, ``updated_at`` for one).
    :returns: ``(statement, last)``: ``last`` is the key the next batch
        continues after, ``None`` when this batch reaches the end.
    """
    keys = list(statement.table.primary_key.columns)
    walked = sa.true() if after is None else _key_after(keys, after)
    counted = sa.and_(walked, condition) if matching else walked
    last = conn.execute(sa.select(*keys).where(counted).order_by(*keys)
                        .offset(limit - 1).limit(1)).first()
    if last is None:
        return statement.where(walked, condition), None
    last = tuple(last)
    return statement.where(walked, condition, _key_at_most(keys, last)), last


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
