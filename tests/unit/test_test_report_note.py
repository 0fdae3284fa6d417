"""How a test report reads in the issue's conversation (and the pull request's body)."""

from __future__ import annotations

from mcc.pipeline.steps import TestReport as Report  # not "Test*": pytest would collect it


def test_a_report_with_no_test_command_says_none_ran_not_passed():
    report = Report(None, True, None, "no test command configured or detected")
    assert report.note() == "Tests: none run (no test command configured or detected)"


def test_a_report_names_its_command_and_result_then_the_output_end():
    failed = Report("pytest -q", False, 1, "x" * 3000 + "1 failed")
    verdict, _, output = failed.note().partition("\n\n")
    assert verdict == "Tests (pytest -q): FAILED"
    assert len(output) == 2000 and output.endswith("1 failed")
    assert Report("make test", True, 0, "ok").note() == "Tests (make test): passed\n\nok"
