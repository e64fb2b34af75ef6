"""Batches of a walk over a table, sized by the time the last one took."""

import fixtures

from ironic_inspector.db import batching
from ironic_inspector.test import base


class BatchSizeTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch(
            'ironic_inspector.db.batching.TARGET', 1.0))

    def sizes(self, initial, timings):
        sizes = batching.BatchSize(initial)
        seen = [sizes.size]
        for elapsed in timings:
            sizes.adjust(elapsed)
            seen.append(sizes.size)
        return seen

    def test_quick_batches_double_up_to_a_hundred_times_the_first(self):
        self.assertEqual([10, 20, 40, 80, 160, 320, 640, 1000, 1000],
                         self.sizes(10, [0.01, 0.5, 0.0, 0.2, 0.01, 0.3,
                                         0.1, 0.2]))

    def test_slow_batches_halve_down_to_a_tenth_of_the_first(self):
        self.assertEqual([1000, 500, 250, 125, 100, 100],
                         self.sizes(1000, [5, 2, 3, 60, 2]))

    def test_scaled_towards_the_target(self):
        self.assertEqual([1000, 1000, 1250, 1000],
                         self.sizes(1000, [1.0, 0.8, 1.25]))

    def test_a_batch_of_one_stays_a_batch(self):
        self.assertEqual([1, 1, 2, 1], self.sizes(1, [9, 0.01, 9]))

    def test_timed_adjusts_after_the_batch(self):
        self.useFixture(fixtures.MonkeyPatch(
            'ironic_inspector.db.batching.TARGET', 3600))
        sizes = batching.BatchSize(10)
        with sizes.timed() as size:
            self.assertEqual(10, size)
        self.assertEqual(20, sizes.size)
