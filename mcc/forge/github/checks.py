"""A head's CI on GitHub as one `ChecksReport`: its check runs (GitHub Actions and other
Apps) and its commit statuses (older CI services), read as GitHub's REST API shows them
(docs.github.com, "REST API endpoints for check runs" and "for commit statuses")."""

from __future__ import annotations

from typing import Any

from mcc.forge.base import Check, ChecksReport

# What a coder reads of a failing check: enough to see the error, small enough for a brief.
MAX_DETAILS = 3_000
PASSING = {"success", "neutral", "skipped"}
STATUS_STATES = {
    "success": "success",
    "pending": "pending",
    "failure": "failure",
    "error": "failure",
}


def _excerpt(*parts: str | None) -> str:
    text = "\n\n".join(p.strip() for p in parts if p and p.strip())
    if len(text) <= MAX_DETAILS:
        return text
    return "…" + text[-MAX_DETAILS:]  # the end of a log is where the error is


def check_of_run(run: dict[str, Any]) -> Check:
    if run.get("status") != "completed":
        state = "pending"
    else:
        state = "success" if run.get("conclusion") in PASSING else "failure"
    output = run.get("output") or {}
    details = ""
    if state == "failure":
        details = _excerpt(output.get("title"), output.get("summary"), output.get("text"))
        details = details or f"concluded {run.get('conclusion')}"
    return Check(
        str(run.get("name", "check")),
        state,
        details,
        run.get("html_url") or run.get("details_url"),
    )


def check_of_status(status: dict[str, Any]) -> Check:
    state = STATUS_STATES.get(str(status.get("state")), "pending")
    return Check(
        str(status.get("context", "status")),
        state,
        _excerpt(status.get("description")) if state == "failure" else "",
        status.get("target_url"),
    )


def latest_runs(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest run of each name (a re-run replaces the run it repeats)."""
    newest: dict[str, dict[str, Any]] = {}
    for run in runs:
        name = str(run.get("name", ""))
        if name not in newest or int(run.get("id", 0)) > int(newest[name].get("id", 0)):
            newest[name] = run
    return list(newest.values())


def checks_of(check_runs: dict[str, Any], combined: dict[str, Any]) -> list[Check]:
    """Every check on a head: its check runs, then its statuses (latest per context)."""
    runs = latest_runs(list(check_runs.get("check_runs") or []))
    return [check_of_run(r) for r in runs] + [
        check_of_status(s) for s in combined.get("statuses") or []
    ]


def report_of(head: str, checks: list[Check]) -> ChecksReport:
    """Failure as soon as one check failed (a coder can start on it while others run),
    pending while any runs, success when all passed; no check at all is `none`."""
    if not checks:
        return ChecksReport(head, "none")
    if any(c.state == "failure" for c in checks):
        return ChecksReport(head, "failure", checks)
    if any(c.state == "pending" for c in checks):
        return ChecksReport(head, "pending", checks)
    return ChecksReport(head, "success", checks)
