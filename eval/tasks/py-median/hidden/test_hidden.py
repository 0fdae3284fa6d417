import unittest

import stats


class HiddenTest(unittest.TestCase):
    def test_odd(self):
        self.assertEqual(stats.median([3, 1, 2]), 2)

    def test_even(self):
        self.assertEqual(stats.median([4, 1, 3, 2]), 2.5)

    def test_input_untouched(self):
        values = [3, 1, 2, 0]
        stats.median(values)
        self.assertEqual(values, [3, 1, 2, 0])
