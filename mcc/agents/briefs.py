"""What each agent is asked to do in an issue's run: the task texts, kept with the agents.

Every brief opens with one line `[kind] heading`, so whoever reads a conversation
(a person, the dashboard, a scripted test company) sees what kind of task it is
without reading the prose; `kind_of` and `issue_of` read that back.

A brief's title names its conversation and the agent's current task: the issue and the
step, in the words the dashboard names the step with (`frontend/src/features/
conversations/naming.ts`), e.g. "#12 Plan", "#12 Rework 1".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mcc.forge.base import Check


class TaskKind(StrEnum):
    PLAN = "plan"  # the architect: spec and tasks
    CODE = "code"  # a coder: one task of the plan
    TEST = "test"  # the tester: one round of tests
    FIX = "fix"  # a coder: what the tester found
    REVIEW = "review"  # the reviewer: one round of review
    CHANGES = "changes"  # a coder: what the reviewer asked for
    REWORK = "rework"  # a coder: what the person asked for when rejecting
    CONFLICT = "conflict"  # an agent: merge the issue branch into its own
    CI = "ci"  # a coder: what the repository's own CI found on the pull request


@dataclass(frozen=True)
class Brief:
    kind: TaskKind
    title: str  # the conversation's title
    text: str  # what the agent reads

    @classmethod
    def of(cls, kind: TaskKind, heading: str, title: str, *paragraphs: str) -> Brief:
        return cls(kind, title, "\n\n".join((f"[{kind.value}] {heading}", *paragraphs)))


_PLAN_STEPS = (
    "Read the repository, then write the technical spec with write_spec, split the work "
    "into coding tasks with create_tasks, and finish."
)
_FIX_STEPS = "Fix them, run the tests, commit, then finish."


def plan(number: int, title: str, body: str, feedback: str | None = None) -> Brief:
    extra = [f"The person sent your previous spec back: {feedback}"] if feedback else []
    return Brief.of(
        TaskKind.PLAN, f"Issue #{number}: {title}", f"#{number} Plan", body, _PLAN_STEPS, *extra
    )


def code(issue: int, issue_title: str, number: int, task: dict[str, Any], branch: str) -> Brief:
    title = str(task.get("title", ""))
    return Brief.of(
        TaskKind.CODE,
        f"Task {number}: {title}",
        f"#{issue} Task {number}: {title}",
        f"Issue: {issue_title}",
        str(task.get("description", "")),
        f"The spec is in .mcc/specs/. Work on your branch {branch}, run the tests, commit "
        "with git_commit, then finish.",
    )


def solo(title: str, body: str) -> Brief:
    """One coder alone resolves an issue (the single-agent baseline of `mcc eval`)."""
    return Brief.of(
        TaskKind.CODE,
        f"Issue: {title}",
        title,
        body,
        "Resolve this issue in the repository: change the code, check your change, commit it "
        "with git_commit, then call finish.",
    )


def test(issue: int, round_: int) -> Brief:
    return Brief.of(
        TaskKind.TEST,
        f"Test round {round_}",
        f"#{issue} Test {round_}",
        "Run the project's tests against the issue branch, add missing tests if needed "
        "(commit them), report every bug with report_bug, then finish.",
    )


def fix(issue: int, round_: int, bugs: Sequence[dict[str, Any]], output: str) -> Brief:
    described = "\n\n".join(f"- {b.get('title')}: {b.get('details')}" for b in bugs)
    return Brief.of(
        TaskKind.FIX,
        f"Fix round {round_}",
        f"#{issue} Fix {round_}",
        "The tester found problems.",
        described or "(no bug reports)",
        f"Test output:\n{output[-3000:]}",
        _FIX_STEPS,
    )


def ci(issue: int, round_: int, failures: Sequence[Check]) -> Brief:
    """The failing checks of the repository's CI, each with what it said."""
    described = "\n\n".join(
        f"- {c.name}" + (f" ({c.url})" if c.url else "") + f":\n{c.details or '(no output)'}"
        for c in failures
    )
    return Brief.of(
        TaskKind.CI,
        f"CI round {round_}",
        f"#{issue} CI fix {round_}",
        "The repository's CI failed on the pull request.",
        described or "(no failing check named)",
        _FIX_STEPS,
    )


def review(issue: int, round_: int) -> Brief:
    return Brief.of(
        TaskKind.REVIEW,
        f"Review round {round_}",
        f"#{issue} Review {round_}",
        "Review the change (git_diff shows everything since the default branch), then "
        "approve it or request changes, and finish.",
    )


def changes(issue: int, round_: int, review_text: str | None) -> Brief:
    return Brief.of(
        TaskKind.CHANGES,
        f"Changes round {round_}",
        f"#{issue} Changes {round_}",
        f"The reviewer requested changes:\n\n{review_text}",
        "Make them, run the tests, commit, then finish.",
    )


def rework(issue: int, round_: int, feedback: str) -> Brief:
    return Brief.of(
        TaskKind.REWORK,
        f"Rework {round_}",
        f"#{issue} Rework {round_}",
        f"The person reviewed the pull request and rejected it:\n\n{feedback}",
        "Change the code accordingly, run the tests, commit, then finish.",
    )


def conflict(branch: str, into: str) -> Brief:
    return Brief.of(
        TaskKind.CONFLICT,
        f"Resolve conflicts of {branch}",
        f"Resolve conflicts of {branch}",
        f"Your branch {branch} conflicts with {into}. Merge {into} into it with git_merge, "
        "resolve the conflicts, run the tests, git_commit, finish.",
    )


def kind_of(text: str) -> TaskKind | None:
    """The kind a brief opens with (None for a text that is not a brief)."""
    first = text.split("\n", 1)[0]
    if not first.startswith("[") or "]" not in first:
        return None
    try:
        return TaskKind(first[1 : first.index("]")])
    except ValueError:
        return None


def issue_of(text: str) -> tuple[str, str]:
    """The issue's title and body in a plan brief."""
    heading, _, rest = text.partition("\n\n")
    title = heading.partition(": ")[2]
    body = rest.split(f"\n\n{_PLAN_STEPS}", 1)[0] if not rest.startswith(_PLAN_STEPS) else ""
    return title, body
