"""An issue through the pipeline with the default scripted company: spec, pull request,
approval, merge; rejection and cancellation; live phases."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal
from pathlib import Path

import socketio

from api.server import MccServer
from mcc.agents.briefs import TaskKind
from tests.support.company import Rule, call, finish
from tests.support.decisions import decide
from tests.support.repos import git, make_repo
from tests.support.waiting import eventually, wait_for_phase


async def _project(api, tmp_path: Path, name: str | None = None) -> dict:
    # Runs share one Temporal server across tests: unique names keep workflow ids apart.
    name = name or f"Demo {uuid.uuid4().hex[:8]}"
    repo = make_repo(tmp_path / "src", {"README.md": "# demo\n", "app.py": "print('hi')\n"})
    response = await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})
    assert response.status_code == 201, response.text
    return response.json()


async def test_approved_issue_is_merged_into_main_with_a_merge_commit(
    api, mcc: MccServer, company, tmp_path
):
    project = await _project(api, tmp_path)
    pid = project["id"]
    created = await api.post(
        f"/api/projects/{pid}/issues", json={"title": "Greet people", "body": "Say hello."}
    )
    assert created.status_code == 201, created.text
    slug = project["slug"]
    assert created.json()["workflow_id"] == f"issue/{slug}/1"
    assert created.json()["temporal_url"].endswith(f"/workflows/issue%2F{slug}%2F1")

    issue = await wait_for_phase(api, pid, 1, "awaiting_approval")
    pull = issue["pull_request"]
    assert pull["state"] == "open" and pull["head_branch"] == "mcc/issue-1"
    origin = mcc.runtime.repos.origin(pid)
    assert git(origin, "show", "mcc/issue-1:.mcc/specs/1.md") == "# Greet people\n\nSay hello.\n"
    assert issue["spec"] == "# Greet people\n\nSay hello."
    assert issue["gate"] == "merge" and issue["review_loops"] == 1 and issue["test_loops"] == 1
    assert issue["tokens"] > 0 and issue["cost_usd"] > 0

    diff = (await api.get(f"/api/projects/{pid}/pulls/{pull['number']}/diff")).json()["diff"]
    assert "+++ b/.mcc/specs/1.md" in diff and "+Say hello." in diff

    assert issue["round"] == 1 and issue["decision"] is None
    assert issue["head"] == git(origin, "rev-parse", "mcc/issue-1").strip()
    approved = await decide(api, pid, 1, "approve")
    assert approved.status_code == 202, approved.text
    assert approved.json()["phase"] == "merging"
    assert approved.json()["decision"]["kind"] == "approve"
    done = await wait_for_phase(api, pid, 1, "done")

    assert done["state"] == "closed"
    merged = done["pull_request"]
    assert merged["state"] == "merged"
    main = git(origin, "rev-parse", "main").strip()
    assert merged["merge_sha"] == main
    parents = git(origin, "rev-list", "--parents", "-n", "1", main).split()[1:]
    assert len(parents) == 2 and parents[1] == merged["head_sha"]
    assert "Say hello." in git(origin, "show", "main:.mcc/specs/1.md")
    # Every role took part, each in its own conversation.
    seen = {name for name, _, _ in company.seen}
    assert {"architect", "coder_1", "tester", "reviewer"} <= seen
    # The registered repository sees the merge without its working tree being touched.
    assert git(Path(project["repo_path"]), "rev-parse", "refs/remotes/mcc/main").strip() == main
    # The diff stays readable after the merge.
    after = (await api.get(f"/api/projects/{pid}/pulls/{merged['number']}/diff")).json()["diff"]
    assert after == diff

    again = await decide(api, pid, 1, "approve")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "decision_taken"
    assert "round 1 was already decided: approve" in again.json()["error"]["message"]


async def test_a_rejection_goes_back_to_a_coder_and_cancel_closes_the_issue(
    api, mcc: MccServer, company, tmp_path
):
    # The rework commits, so the branch moves after the pull request opened.
    rework = [
        call("write_file", path="rework.txt", content="smaller\n"),
        call("git_commit", message="Smaller"),
        finish("reworked"),
    ]
    company.rules.append(Rule("coder", TaskKind.REWORK, rework))
    project = await _project(api, tmp_path)
    pid = project["id"]
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Bad idea", "body": "No."})
    first = await wait_for_phase(api, pid, 1, "awaiting_approval")
    origin = mcc.runtime.repos.origin(pid)
    main_before = git(origin, "rev-parse", "main")

    rejected = await decide(api, pid, 1, "reject", feedback="Not what we need")
    assert rejected.status_code == 202, rejected.text
    # The issue shows the decision and the next phase at once.
    assert rejected.json()["phase"] == "coding"
    assert rejected.json()["decision"]["kind"] == "reject"
    shown = (await api.get(f"/api/projects/{pid}/issues/1")).json()
    if shown["round"] == 1:  # (unless the rework has already come back with round 2)
        assert shown["phase"] != "awaiting_approval" and shown["decision"]["kind"] == "reject"

    # The feedback went to a coder, and the run came back for a new decision.
    async def reworked():
        issue = (await api.get(f"/api/projects/{pid}/issues/1")).json()
        back = issue["rejections"] == 1 and issue["review_loops"] == 2 and issue["round"] == 2
        return issue if back and issue["phase"] == "awaiting_approval" else None

    back = await eventually(reworked, 60, "the rework to come back for approval")
    assert ("coder_1", TaskKind.REWORK, 0) in company.seen
    # The pull request shows the head the person now decides on, not the one it opened with.
    tip = git(origin, "rev-parse", "mcc/issue-1").strip()
    assert first["pull_request"]["head_sha"] == first["head"] != tip
    assert back["pull_request"]["head_sha"] == back["head"] == tip

    stale = await api.post(f"/api/projects/{pid}/issues/1/approve", json={"round": 1, "head": None})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "decision_taken"
    cancelled = await api.post(f"/api/projects/{pid}/issues/1/cancel")
    assert cancelled.status_code == 202, cancelled.text
    assert cancelled.json()["phase"] == "cancelled"  # shown at once, closed just after

    async def closed():
        issue = (await api.get(f"/api/projects/{pid}/issues/1")).json()
        return issue if issue["state"] == "closed" else None

    issue = await eventually(closed, 30, "the cancelled issue to close")
    assert issue["phase"] == "cancelled"
    assert issue["pull_request"]["state"] == "closed"
    assert git(origin, "rev-parse", "main") == main_before


async def test_issues_are_numbered_per_project(api, company, tmp_path):
    tag = uuid.uuid4().hex[:6]
    first = await _project(api, tmp_path / "a", name=f"Alpha {tag}")
    second = await _project(api, tmp_path / "b", name=f"Beta {tag}")
    numbers = []
    for pid in (first["id"], second["id"], first["id"]):
        response = await api.post(f"/api/projects/{pid}/issues", json={"title": "t", "body": ""})
        numbers.append((response.json()["workflow_id"], response.json()["number"]))
    assert numbers == [
        (f"issue/alpha-{tag}/1", 1),
        (f"issue/beta-{tag}/1", 1),
        (f"issue/alpha-{tag}/2", 2),
    ]


async def test_approve_while_planning_is_refused_with_409(api, mcc: MccServer, company, tmp_path):
    project = await _project(api, tmp_path)
    pid = project["id"]
    company.held["architect"] = released = threading.Event()

    await api.post(f"/api/projects/{pid}/issues", json={"title": "Slow", "body": "..."})
    await wait_for_phase(api, pid, 1, "planning")
    refused = await api.post(
        f"/api/projects/{pid}/issues/1/approve", json={"round": 1, "head": None}
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == {
        "code": "stale_round",
        "message": "round 1 is not open: issue #1 awaits no decision (phase: planning)",
    }
    released.set()
    await wait_for_phase(api, pid, 1, "awaiting_approval")


async def test_phase_changes_are_pushed_to_the_project_room(api, mcc: MccServer, company, tmp_path):
    project = await _project(api, tmp_path)
    pid = project["id"]
    seen: list[dict] = []
    client = socketio.AsyncClient()
    client.on("task_progress", lambda data: seen.append(data))
    token = api.headers["Authorization"].removeprefix("Bearer ")
    await client.connect(
        f"http://127.0.0.1:{mcc.port}", transports=["websocket"], auth={"token": token}
    )
    try:
        assert (await client.call("join_project", {"project_id": pid}))["ok"] is True
        await api.post(f"/api/projects/{pid}/issues", json={"title": "Live", "body": "x"})
        await wait_for_phase(api, pid, 1, "awaiting_approval")
        await decide(api, pid, 1, "approve")
        await eventually(lambda: _async(any(e["status"] == "done" for e in seen)), 30, "done event")
    finally:
        await client.disconnect()

    phases = [e for e in seen if "agent" not in e]
    steps = [e for e in seen if "agent" in e]
    assert [e["status"] for e in phases] == [
        "planning",
        "coding",
        "pull_request",
        "testing",
        "review",
        "awaiting_approval",
        "merging",
        "done",
    ]
    assert all(e["task_id"] == f"issue/{project['slug']}/1" for e in seen)
    assert [e["percent"] for e in seen] == sorted(e["percent"] for e in seen)
    assert seen[-1]["percent"] == 100
    # Every agent step is progress too, tagged with the agent and its step.
    assert {e["agent"] for e in steps} >= {"architect", "coder_1", "tester", "reviewer"}
    assert all(e["status"] in {"planning", "coding", "testing", "review"} for e in steps)
    # ...and carries the issue's spend once the step is charged, so the issue list shows it
    # live: a running total (never lower), which ends at what the issue's REST answer says.
    spends = [Decimal(e["spend_usd"]) for e in steps]
    assert spends == sorted(spends) and spends[0] > 0
    issue = (await api.get(f"/api/projects/{pid}/issues/1")).json()
    assert spends[-1] == Decimal(issue["spend_usd"])
    assert all("spend_usd" not in e for e in phases)
    # The tokens too, from the same count: a running total ending at the issue's.
    tokens = [e["tokens"] for e in steps]
    assert tokens == sorted(tokens) and tokens[0] > 0
    assert tokens[-1] == issue["tokens"]
    assert all("tokens" not in e for e in phases)
    # A phase change carries the pull request as it is then, so no tab fetches it: none
    # before it opens, open with the head under test and review, merged at the end, which
    # is what the project's pull requests say.
    pulls = {e["status"]: e.get("pull_request") for e in phases}
    assert pulls["planning"] is None and pulls["coding"] is None
    assert pulls["testing"]["state"] == "open" and pulls["testing"]["number"] == 1
    assert pulls["awaiting_approval"]["head_sha"] == issue["head"]
    [listed] = (await api.get(f"/api/projects/{pid}/pulls")).json()
    assert pulls["done"] == listed and listed["state"] == "merged" and listed["merge_sha"]


async def _async(value):
    return value


def _conflicting_coder(company) -> None:
    """The coder changes the line main will change too; given the conflict, it takes main in."""
    change = [
        call("write_file", path="app.py", content="print('from the issue')\n"),
        call("git_commit", message="Change app"),
        finish("changed"),
    ]
    resolve = [
        call("git_merge", ref="main"),
        call("write_file", path="app.py", content="print('both')\n"),
        call("git_commit", message="Take in main"),
        finish("resolved"),
    ]
    company.rules += [
        Rule("coder", TaskKind.CODE, change),
        Rule("coder", TaskKind.CONFLICT, resolve),
    ]


async def _main_changes_app(mcc: MccServer, pid: int) -> None:
    repos = mcc.runtime.repos
    tip = await repos.rev(pid, "main")
    await repos.commit_file(pid, "main", tip, "app.py", b"print('from main')\n", "Main")


async def test_a_branch_that_conflicts_with_what_main_gained_goes_to_a_coder_before_approval(
    api, mcc: MccServer, company, tmp_path
):
    """Main gained a change to the line the issue changed (another issue merged first):
    before the person is asked, a coder brings main into the issue branch and resolves the
    conflict, and the result is tested and reviewed again; the approved merge lands."""
    _conflicting_coder(company)
    company.held["reviewer"] = released = threading.Event()
    project = await _project(api, tmp_path)
    pid = project["id"]
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Change app", "body": "x"})
    await wait_for_phase(api, pid, 1, "review", 60)
    await _main_changes_app(mcc, pid)
    released.set()

    issue = await wait_for_phase(api, pid, 1, "awaiting_approval", 60)
    assert ("coder_1", TaskKind.CONFLICT, 0) in company.seen
    assert (issue["review_loops"], issue["test_loops"]) == (2, 2)
    origin = mcc.runtime.repos.origin(pid)
    assert git(origin, "show", "mcc/issue-1:app.py") == "print('both')\n"
    diff = (
        await api.get(f"/api/projects/{pid}/pulls/{issue['pull_request']['number']}/diff")
    ).json()["diff"]
    assert "-print('from main')" in diff and "+print('both')" in diff
    approved = await decide(api, pid, 1, "approve")
    assert approved.status_code == 202, approved.text
    await wait_for_phase(api, pid, 1, "done", 60)
    assert git(origin, "show", "main:app.py") == "print('both')\n"


async def test_a_merge_that_main_made_conflict_after_approval_is_resolved_and_asked_again(
    api, mcc: MccServer, company, tmp_path
):
    """Main gained a conflicting change while the run waited for the person: the approved
    merge cannot land as it is, so a coder takes main in, and the person decides on that."""
    _conflicting_coder(company)
    project = await _project(api, tmp_path)
    pid = project["id"]
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Change app", "body": "x"})
    first = await wait_for_phase(api, pid, 1, "awaiting_approval", 60)
    await _main_changes_app(mcc, pid)
    assert (await decide(api, pid, 1, "approve")).status_code == 202

    async def asked_again() -> dict | None:
        issue = (await api.get(f"/api/projects/{pid}/issues/1")).json()
        return issue if issue["phase"] == "awaiting_approval" and issue["round"] == 2 else None

    again = await eventually(asked_again, 60, "a second approval round")
    assert again["head"] != first["head"] and again["review_loops"] == 2
    assert ("coder_1", TaskKind.CONFLICT, 0) in company.seen
    assert (await decide(api, pid, 1, "approve")).status_code == 202
    await wait_for_phase(api, pid, 1, "done", 60)
    assert git(mcc.runtime.repos.origin(pid), "show", "main:app.py") == "print('both')\n"
