import unittest

import numerals


class HiddenTest(unittest.TestCase):
    def test_numbers(self):
        cases = {
            1: "I",
            4: "IV",
            9: "IX",
            14: "XIV",
            40: "XL",
            90: "XC",
            400: "CD",
            1994: "MCMXCIV",
        }
        for n, roman in cases.items():
            self.assertEqual(numerals.to_roman(n), roman, n)
