"""How GitHub's check runs and commit statuses read as one CI result."""

from __future__ import annotations

from mcc.forge.github.checks import MAX_DETAILS, checks_of, report_of


def _run(id_: int, name: str, status: str, conclusion: str | None, **output: str) -> dict:
    return {"id": id_, "name": name, "status": status, "conclusion": conclusion, "output": output}


def test_a_rerun_that_passed_replaces_the_failed_run_of_the_same_name():
    runs = {
        "check_runs": [
            _run(2, "build", "completed", "success"),
            _run(1, "build", "completed", "failure", title="1 test failed"),
        ]
    }
    report = report_of("abc", checks_of(runs, {"statuses": []}))
    assert report.state == "success" and len(report.checks) == 1


def test_one_failure_fails_ci_while_other_checks_still_run_and_says_what_failed():
    runs = {
        "check_runs": [
            _run(1, "build", "completed", "timed_out", title="Timed out", summary="after 6 h"),
            _run(2, "lint", "in_progress", None),
        ]
    }
    statuses = {"statuses": [{"context": "ci/legacy", "state": "error", "description": "boom"}]}
    report = report_of("abc", checks_of(runs, statuses))
    assert report.state == "failure"
    assert [(c.name, c.details) for c in report.failures] == [
        ("build", "Timed out\n\nafter 6 h"),
        ("ci/legacy", "boom"),
    ]
    assert report.summary() == "CI: failed (build, ci/legacy)"


def test_skipped_and_neutral_checks_pass_and_no_check_at_all_is_none():
    runs = {
        "check_runs": [
            _run(1, "docs", "completed", "skipped"),
            _run(2, "report", "completed", "neutral"),
        ]
    }
    assert report_of("abc", checks_of(runs, {"statuses": []})).state == "success"
    none = report_of("abc", checks_of({"check_runs": []}, {"state": "pending", "statuses": []}))
    assert none.state == "none" and "no checks configured" in none.summary()


def test_a_long_log_is_cut_to_its_end_where_the_error_is():
    text = "x" * (MAX_DETAILS * 2) + "AssertionError: the end"
    runs = {"check_runs": [_run(1, "build", "completed", "failure", text=text)]}
    [check] = report_of("abc", checks_of(runs, {"statuses": []})).failures
    assert check.details.endswith("AssertionError: the end")
    assert len(check.details) <= MAX_DETAILS + 1
