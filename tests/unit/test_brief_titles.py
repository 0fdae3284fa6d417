"""A brief's title names its conversation and the agent's current task: the issue and the
step, as the dashboard names the step (frontend/src/features/conversations/naming.ts)."""

from __future__ import annotations

from mcc.agents import briefs
from mcc.forge.base import Check


def test_every_step_of_an_issue_is_titled_by_the_issue_and_the_step() -> None:
    titles = [
        briefs.plan(12, "Greet", "Say hi.").title,
        briefs.code(12, "Greet", 2, {"title": "Add hello"}, "mcc/issue-12-task-2").title,
        briefs.test(12, 1).title,
        briefs.fix(12, 1, [], "").title,
        briefs.ci(12, 2, [Check("build", "failure")]).title,
        briefs.review(12, 3).title,
        briefs.changes(12, 1, "Name it.").title,
        briefs.rework(12, 1, "Louder.").title,
    ]
    assert titles == [
        "#12 Plan",
        "#12 Task 2: Add hello",
        "#12 Test 1",
        "#12 Fix 1",
        "#12 CI fix 2",
        "#12 Review 3",
        "#12 Changes 1",
        "#12 Rework 1",
    ]


def test_the_plan_is_titled_by_its_own_issue_whatever_the_number() -> None:
    assert briefs.plan(7, "Greet", "").title == "#7 Plan"
    assert briefs.plan(7, "Greet", "", feedback="Shorter.").title == "#7 Plan"
