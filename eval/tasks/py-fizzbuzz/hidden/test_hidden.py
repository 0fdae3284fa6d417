import unittest

import game


class HiddenTest(unittest.TestCase):
    def test_all_cases(self):
        got = [game.fizzbuzz(n) for n in (1, 3, 5, 15, 30, 7)]
        self.assertEqual(got, ["1", "Fizz", "Buzz", "FizzBuzz", "FizzBuzz", "7"])
