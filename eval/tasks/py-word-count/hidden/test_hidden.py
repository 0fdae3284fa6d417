import unittest

import words


class HiddenTest(unittest.TestCase):
    def test_case_and_punctuation(self):
        self.assertEqual(
            words.count_words("The cat and the hat. The END!"),
            {"the": 3, "cat": 1, "and": 1, "hat": 1, "end": 1},
        )
