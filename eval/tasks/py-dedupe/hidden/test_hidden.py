import unittest

import lists


class HiddenTest(unittest.TestCase):
    def test_order_kept(self):
        self.assertEqual(lists.dedupe(["b", "a", "b", "c", "a"]), ["b", "a", "c"])
        self.assertEqual(lists.dedupe([3, 1, 3, 2, 1]), [3, 1, 2])
