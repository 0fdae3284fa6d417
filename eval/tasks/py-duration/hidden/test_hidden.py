import unittest

import timespan


class HiddenTest(unittest.TestCase):
    def test_combinations(self):
        self.assertEqual(timespan.parse_duration("1h30m"), 5400)
        self.assertEqual(timespan.parse_duration("2m5s"), 125)
        self.assertEqual(timespan.parse_duration("45s"), 45)
        self.assertEqual(timespan.parse_duration("2h"), 7200)

    def test_garbage(self):
        for bad in ("", "h", "5x", "30m1h"):
            with self.assertRaises(ValueError):
                timespan.parse_duration(bad)
