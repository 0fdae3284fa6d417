import unittest

import text


class HiddenTest(unittest.TestCase):
    def test_punctuation_goes(self):
        self.assertEqual(text.slugify("Hello, World!"), "hello-world")

    def test_runs_of_separators_become_one_dash(self):
        self.assertEqual(text.slugify("  MCC -- Mission   Control "), "mcc-mission-control")

    def test_digits_stay(self):
        self.assertEqual(text.slugify("Issue 42"), "issue-42")
