"""Renaming, archiving and deleting a project through the API, and what each refuses."""

from __future__ import annotations

from typing import Any

import socketio
from sqlalchemy import func, select

from api.server import MccServer
from mcc.issues import issue_workflow_id
from mcc.models.agent import Agent
from mcc.models.budget_limit import BudgetLimit
from mcc.models.conversation import Conversation
from mcc.models.issue import Issue
from mcc.models.message import Message
from mcc.models.pull_request import PullRequest
from tests.support.repos import git, registered_project
from tests.support.waiting import eventually


async def _issue(mcc: MccServer, project: dict[str, Any], phase: str, number: int = 1) -> int:
    """An issue row in `phase` (no run: these tests look at what the API allows)."""
    async with mcc.runtime.db.sessions() as session:
        issue = Issue(
            project_id=project["id"],
            number=number,
            title=f"issue {number}",
            body="",
            phase=phase,
            state="open",
            workflow_id=issue_workflow_id(project["slug"], number),
        )
        session.add(issue)
        await session.commit()
        return issue.id


async def test_a_project_is_renamed_and_a_taken_name_is_a_sentence(api, mcc, tmp_path):
    first = await registered_project(api, tmp_path, "Alpha")
    await registered_project(api, tmp_path, "Beta")

    renamed = await api.patch(f"/api/projects/{first['id']}", json={"name": "  Gamma "})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Gamma"
    assert renamed.json()["slug"] == first["slug"]  # workflow ids keep their name

    clash = await api.patch(f"/api/projects/{first['id']}", json={"name": "beta"})
    assert clash.status_code == 409
    assert clash.json()["error"] == {
        "code": "conflict",
        "message": "a project named 'Beta' already exists; pick another name",
    }
    # Its own name in another case is not a clash.
    same = await api.patch(f"/api/projects/{first['id']}", json={"name": "GAMMA"})
    assert same.status_code == 200 and same.json()["name"] == "GAMMA"
    empty = await api.patch(f"/api/projects/{first['id']}", json={"name": "   "})
    assert empty.status_code == 422
    assert empty.json()["error"]["message"] == "name must not be empty"


async def test_an_archived_project_takes_no_new_issue_or_run_until_unarchived(api, mcc, tmp_path):
    project = await registered_project(api, tmp_path)
    archived = await api.patch(f"/api/projects/{project['id']}", json={"archived": True})
    assert archived.status_code == 200 and archived.json()["archived"] is True
    listed = {p["id"]: p for p in (await api.get("/api/projects")).json()}
    assert listed[project["id"]]["archived"] is True  # listed; the UI hides it by default

    refused = await api.post(f"/api/projects/{project['id']}/issues", json={"title": "More"})
    assert refused.status_code == 409
    message = f"project {project['name']!r} is archived and takes no new issues or runs"
    assert refused.json()["error"] == {
        "code": "project_archived",
        "message": f"{message}; unarchive it first",
    }
    agents = (await api.get("/api/agents", params={"project_id": project["id"]})).json()
    run = await api.post(f"/api/agents/{agents[0]['id']}/runs", json={"task": "Tidy up"})
    assert run.status_code == 409
    assert run.json()["error"]["code"] == "project_archived"
    async with mcc.runtime.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Issue)) == 0

    back = await api.patch(f"/api/projects/{project['id']}", json={"archived": False})
    assert back.status_code == 200 and back.json()["archived"] is False


async def test_a_project_with_a_run_in_progress_is_not_deleted(api, mcc, tmp_path):
    project = await registered_project(api, tmp_path, "Busy")
    await _issue(mcc, project, "coding", 1)
    await _issue(mcc, project, "awaiting_approval", 2)
    await _issue(mcc, project, "done", 3)

    refused = await api.delete(f"/api/projects/{project['id']}")
    assert refused.status_code == 409
    assert refused.json()["error"] == {
        "code": "runs_active",
        "message": "project 'Busy' still has 2 issue runs (#1, #2) in progress;"
        " cancel them or let them finish, then delete it",
    }
    assert (await api.get(f"/api/projects/{project['id']}")).status_code == 200
    assert mcc.runtime.repos.origin(project["id"]).exists()


async def test_deleting_a_project_removes_its_rows_and_mirror_and_tells_other_tabs(
    api, mcc, tmp_path
):
    project = await registered_project(api, tmp_path, "Doomed")
    other = await registered_project(api, tmp_path, "Kept")
    pid = project["id"]
    issue_id = await _issue(mcc, project, "done")
    async with mcc.runtime.db.sessions() as session:
        session.add(
            PullRequest(
                project_id=pid,
                issue_id=issue_id,
                number=1,
                title="t",
                head_branch="mcc/issue-1",
                base_branch="main",
                base_sha="0" * 40,
                state="merged",
            )
        )
        conversation = Conversation(project_id=pid, kind="task", title="t", status="finished")
        session.add(conversation)
        await session.flush()
        session.add(
            Message(conversation_id=conversation.id, author="person", role="user", content="hi")
        )
        await session.commit()
    limit = await api.post(
        "/api/budget/limits", json={"scope": "project", "project_id": pid, "share_pct": 10}
    )
    assert limit.status_code == 201, limit.text
    origin = mcc.runtime.repos.origin(pid)
    source = project["repo_path"]

    seen: list[dict[str, Any]] = []
    tab = socketio.AsyncClient()
    tab.on("project_removed", lambda data: seen.append(data))
    token = api.headers["Authorization"].removeprefix("Bearer ")
    await tab.connect(
        f"http://127.0.0.1:{mcc.port}", transports=["websocket"], auth={"token": token}
    )
    try:
        deleted = await api.delete(f"/api/projects/{pid}")
        assert deleted.status_code == 204, deleted.text
        await eventually(lambda: _now(len(seen) == 1), 10, "the project_removed event")
    finally:
        await tab.disconnect()
    assert seen[0]["project_id"] == pid

    assert (await api.get(f"/api/projects/{pid}")).status_code == 404
    assert [p["id"] for p in (await api.get("/api/projects")).json()] == [other["id"]]
    async with mcc.runtime.db.sessions() as session:
        for model in (Issue, PullRequest, Conversation, Agent, BudgetLimit):
            column = model.project_id  # type: ignore[attr-defined]
            left = await session.scalar(select(func.count()).where(column == pid))
            assert left == 0, model.__name__
        assert await session.scalar(select(func.count()).select_from(Message)) == 0
    assert not origin.parent.exists()  # MCC's mirror and worktrees
    assert git(source, "rev-parse", "HEAD")  # the person's repository is untouched
    assert mcc.runtime.repos.origin(other["id"]).exists()

    # The name is free again; the slug is not (Temporal keeps the old workflow ids).
    again = await registered_project(api, tmp_path, "Doomed")
    assert again["slug"] == f"{project['slug']}-2"


async def _now(value: bool) -> bool:
    return value
