"""What an issue cost, exactly, and what a merged pull request costs day by day."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from api.server import MccServer
from mcc.budget.day import budget_day
from mcc.db.base import utcnow
from mcc.issues import issue_workflow_id
from mcc.models.issue import Issue
from mcc.models.pull_request import PullRequest
from mcc.models.token_usage import TokenUsage
from tests.conftest import login_new_user
from tests.support.http import local_client
from tests.support.repos import registered_project


async def _issue(mcc: MccServer, project: dict[str, Any], number: int, merged: bool) -> None:
    """A finished issue; with `merged`, its pull request merged now."""
    async with mcc.runtime.db.sessions() as session:
        issue = Issue(
            project_id=project["id"],
            number=number,
            title=f"issue {number}",
            body="",
            phase="done" if merged else "failed",
            state="closed",
            workflow_id=issue_workflow_id(project["slug"], number),
        )
        session.add(issue)
        await session.flush()
        if merged:
            session.add(
                PullRequest(
                    project_id=project["id"],
                    issue_id=issue.id,
                    number=number,
                    title="t",
                    head_branch=f"mcc/issue-{number}",
                    base_branch="main",
                    base_sha="0" * 40,
                    state="merged",
                    closed_at=utcnow(),
                )
            )
        await session.commit()


async def _spend(
    mcc: MccServer, owner_id: int, project: dict[str, Any] | None, task: str, usd: str, days_ago=0
) -> None:
    async with mcc.runtime.db.sessions() as session:
        session.add(
            TokenUsage(
                owner_id=owner_id,
                day=budget_day(utcnow(), "UTC") - timedelta(days=days_ago),
                project_id=project["id"] if project else None,
                agent_name="coder_1",
                agent_type="coder",
                model="m",
                tokens_in=10,
                tokens_out=5,
                cost_usd=Decimal(usd),
                cost_source="tokens",
                conversation_id=None,
                task_id=task,
                idempotency_key=uuid.uuid4().hex,
            )
        )
        await session.commit()


async def test_an_issue_shows_its_exact_spend_and_no_one_elses(api, mcc, tmp_path):
    owner = api._user_id
    project = await registered_project(api, tmp_path, "Spendy")
    await _issue(mcc, project, 1, merged=True)
    await _issue(mcc, project, 2, merged=False)
    run = issue_workflow_id(project["slug"], 1)
    await _spend(mcc, owner, project, f"{run}/agent/architect-1", "0.04")
    await _spend(mcc, owner, project, f"{run}/agent/coder-1", "0.005")
    # A deleted project's history under the same slug (its project id is gone): not this issue's.
    await _spend(mcc, owner, None, f"{run}/agent/coder-1", "7")

    issues = {
        i["number"]: i for i in (await api.get(f"/api/projects/{project['id']}/issues")).json()
    }
    assert Decimal(issues[1]["spend_usd"]) == Decimal("0.045")
    assert isinstance(issues[1]["spend_usd"], str)  # exact on the wire, not 0.045000000000000005
    assert Decimal(issues[2]["spend_usd"]) == 0
    one = (await api.get(f"/api/projects/{project['id']}/issues/1")).json()
    assert Decimal(one["spend_usd"]) == Decimal("0.045")


async def test_the_trend_divides_each_days_spend_by_its_merged_pull_requests(api, mcc, tmp_path):
    owner = api._user_id
    project = await registered_project(api, tmp_path, "Trendy")
    await _issue(mcc, project, 1, merged=True)
    await _issue(mcc, project, 2, merged=True)
    await _issue(mcc, project, 3, merged=False)
    await _spend(mcc, owner, project, "x", "0.03")
    await _spend(mcc, owner, project, "y", "0.06")
    await _spend(mcc, owner, project, "z", "0.012", days_ago=3)  # no merge that day

    response = await api.get("/api/budget/trend")
    assert response.status_code == 200, response.text
    trend = response.json()
    assert len(trend["days"]) == 30
    today, three_ago = trend["days"][-1], trend["days"][-4]
    assert today["merged_prs"] == 2
    assert Decimal(today["spend_usd"]) == Decimal("0.09")
    assert Decimal(today["cost_per_merged_pr_usd"]) == Decimal("0.045")
    # The trailing week counts the day without a merge too: (0.09 + 0.012) / 2.
    assert Decimal(today["window_cost_per_merged_pr_usd"]) == Decimal("0.051")
    assert three_ago["merged_prs"] == 0 and three_ago["cost_per_merged_pr_usd"] is None
    assert Decimal(three_ago["spend_usd"]) == Decimal("0.012")
    assert trend["merged_prs"] == 2
    assert Decimal(trend["cost_per_merged_pr_usd"]) == Decimal("0.051")

    # Another account sees none of it.
    async with local_client(base_url=str(api.base_url)) as other:
        await login_new_user(other, mcc, "other@example.com")
        theirs = (await other.get("/api/budget/trend")).json()
        assert theirs["merged_prs"] == 0 and Decimal(theirs["spend_usd"]) == 0
        assert theirs["cost_per_merged_pr_usd"] is None

    bad = await api.get("/api/budget/trend", params={"start": "2026-12-05", "end": "2026-12-01"})
    assert bad.status_code == 422
    assert bad.json()["error"]["message"] == "start must not be after end"
