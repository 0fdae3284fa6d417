"""The company at work: a repository with a bug and a failing test goes from a new
issue to a merged fix whose tests pass, through every role, with one review round
trip and one rejection by the person."""

from __future__ import annotations

import subprocess
import uuid

from api.server import MccServer
from mcc.agents.briefs import TaskKind
from tests.integration.test_agent_run import BUGGY
from tests.support.company import Rule, call, finish
from tests.support.decisions import decide
from tests.support.repos import git, make_repo
from tests.support.waiting import eventually, wait_for_phase

TESTS = "python3 -m unittest -q"
FIXED = "def add(a, b):\n    return a + b\n"
DOCUMENTED = 'def add(a, b):\n    """The sum of a and b."""\n    return a + b\n'


async def test_an_issue_becomes_a_merged_fix_through_every_role(
    api, mcc: MccServer, company, tmp_path
):
    company.rules += [
        Rule(
            "coder",
            TaskKind.CODE,
            [
                call("run_command", command=TESTS),
                call("edit_file", path="calc.py", old="return a - b", new="return a + b"),
                call("run_command", command=TESTS),
                call("git_commit", message="Fix add()"),
                finish("add() adds"),
            ],
        ),
        Rule(
            "reviewer",
            TaskKind.REVIEW,
            heading="Review round 1",
            steps=[
                call("git_diff", against_base=True),
                call("request_changes", comments="Give add() a docstring."),
                finish("changes requested"),
            ],
        ),
        Rule(
            "coder",
            TaskKind.CHANGES,
            [
                call("write_file", path="calc.py", content=DOCUMENTED),
                call("git_commit", message="Document add()"),
                finish("documented"),
            ],
        ),
        Rule(
            "coder",
            TaskKind.REWORK,
            [
                call("write_file", path="CHANGELOG.md", content="- add() adds now\n"),
                call("git_commit", message="Changelog"),
                finish("changelog written"),
            ],
        ),
    ]
    repo = make_repo(tmp_path / "src", BUGGY)
    name = f"Pipeline {uuid.uuid4().hex[:6]}"
    project = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()
    pid = project["id"]
    await api.post(
        f"/api/projects/{pid}/issues",
        json={"title": "add() subtracts", "body": "test_calc fails: add(2, 3) gives -1."},
    )

    issue = await wait_for_phase(api, pid, 1, "awaiting_approval", 120)
    assert issue["review_loops"] == 2 and issue["test_loops"] == 2
    assert issue["test_report"]["passed"] is True
    assert issue["test_report"]["command"] == "python3 -m unittest discover -q"
    assert "docstring" in issue["review"] or issue["review"] == "looks good"
    diff = (await api.get(f"/api/projects/{pid}/pulls/1/diff")).json()["diff"]
    assert "+    return a + b" in diff and '"""The sum of a and b."""' in diff

    await decide(api, pid, 1, "reject", feedback="Also add a CHANGELOG entry.")

    async def back_for_approval():
        issue = (await api.get(f"/api/projects/{pid}/issues/1")).json()
        return (
            issue
            if issue["rejections"] == 1
            and issue["review_loops"] == 3
            and issue["phase"] == "awaiting_approval"
            else None
        )

    issue = await eventually(back_for_approval, 120, "the reworked pull request")
    assert (await decide(api, pid, 1, "approve")).status_code == 202
    done = await wait_for_phase(api, pid, 1, "done", 60)
    assert done["cost_usd"] > 0 and done["tokens"] > 0

    # main has the fix, its docstring and the changelog, and its tests pass.
    origin = mcc.runtime.repos.origin(pid)
    assert git(origin, "show", "main:calc.py") == DOCUMENTED
    assert git(origin, "show", "main:CHANGELOG.md") == "- add() adds now\n"
    assert "add() subtracts" in git(origin, "show", "main:.mcc/specs/1.md")
    checkout = tmp_path / "check"
    git(tmp_path, "clone", "-q", str(origin), str(checkout))
    ran = subprocess.run(TESTS.split(), cwd=checkout, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr

    # Every role worked, in its own conversations; the issue's conversation has the notes.
    roles = {name for name, _, _ in company.seen}
    assert {"architect", "coder_1", "tester", "reviewer"} <= roles
    conversations = (await api.get(f"/api/projects/{pid}/conversations")).json()
    issue_room = next(c for c in conversations if c["kind"] == "issue")
    notes = (await api.get(f"/api/conversations/{issue_room['id']}/messages")).json()
    text = "\n".join(n["content"] for n in notes)
    assert "Spec:" in text and "Review: changes" in text and "Rejected: Also add" in text
    assert sum(1 for c in conversations if c["kind"] == "task") >= 9
