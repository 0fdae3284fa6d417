"""Putting tasks through MCC over its HTTP API: the full pipeline, and one coder alone.

Each task and mode gets its own project (a fresh copy of the task's
repository), so spend, tokens and calls are read per project from the budget
summary. The company's issue is approved automatically at every gate; the
baseline is one coder with the same tools, model and step budget, given the
issue text. What each mode leaves (the default branch after the merge, the
coder's branch) is judged by the hidden tests. A task still running at its
timeout is cancelled and counts as unresolved.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from mcc.agents import briefs
from mcc.errors import MccError
from mcc.eval.judge import judge
from mcc.eval.report import Outcome
from mcc.eval.tasks import EvalTask

ENDED = {"done", "rejected", "needs_attention", "failed", "cancelled", "budget_blocked"}
GATE = "awaiting_approval"


class EvalFailed(MccError):
    code = "eval_failed"
    status = 502


@dataclass
class EvalRunner:
    api: httpx.AsyncClient  # signed in to MCC
    workdir: Path  # where the task repositories are copied
    origin_of: Callable[[int], Path]  # the project's origin repository (branches live there)
    model: str | None = None  # None: the agents' default model
    poll_s: float = 0.5
    timeout_s: float | None = None  # None: each task's own

    async def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        response = await self.api.request(method, url, **kwargs)
        if response.status_code >= 400:
            raise EvalFailed(
                f"{method} {url} answered {response.status_code}: {response.text[:300]}"
            )
        return response.json() if response.content else None

    async def set_budget(self, max_usd: float) -> None:
        """The daily global limit every call of the evaluation is reserved against."""
        body = {"scope": "global", "daily_usd": max_usd}
        response = await self.api.post("/api/budget/limits", json=body)
        if response.status_code == 409:
            limits = await self._call("GET", "/api/budget/limits")
            current = next(limit for limit in limits if limit["scope"] == "global")
            await self._call(
                "PATCH", f"/api/budget/limits/{current['id']}", json={"daily_usd": max_usd}
            )
        elif response.status_code >= 400:
            raise EvalFailed(f"cannot set the budget: {response.text[:300]}")

    def _repo(self, task: EvalTask, mode: str) -> Path:
        target = self.workdir / f"{task.slug}-{mode}-{uuid.uuid4().hex[:6]}"
        shutil.copytree(task.repo, target)
        for args in (
            ["init", "-q", "-b", "main"],
            ["add", "-A"],
            [
                "-c",
                "user.name=mcc eval",
                "-c",
                "user.email=eval@mcc.local",
                "commit",
                "-qm",
                "start",
            ],
        ):
            subprocess.run(["git", "-C", str(target), *args], check=True, capture_output=True)
        return target

    async def _project(self, task: EvalTask, mode: str) -> dict[str, Any]:
        repo = self._repo(task, mode)
        project: dict[str, Any] = await self._call(
            "POST", "/api/projects", json={"name": repo.name, "repo_path": str(repo)}
        )
        if self.model:
            agents = await self._call("GET", "/api/agents", params={"project_id": project["id"]})
            for agent in agents:
                await self._call("PATCH", f"/api/agents/{agent['id']}", json={"model": self.model})
        return project

    async def _spend(self, project_id: int) -> dict[str, Any]:
        summary = await self._call("GET", "/api/budget/summary")
        row = next((p for p in summary["by_project"] if p["project_id"] == project_id), None)
        return row or {"cost_usd": 0.0, "tokens_in": 0, "tokens_out": 0, "calls": 0}

    async def _outcome(
        self,
        task: EvalTask,
        mode: str,
        project: dict[str, Any],
        ref: str,
        ended: str,
        started: float,
    ) -> Outcome:
        wall = time.monotonic() - started
        resolved = await judge(task, self.origin_of(project["id"]), ref)
        spend = await self._spend(project["id"])
        return Outcome(
            task=task.slug,
            mode=mode,
            resolved=resolved,
            timed_out=ended == "timed_out",
            finished_as=ended,
            usd=float(spend["cost_usd"]),
            tokens_in=int(spend["tokens_in"]),
            tokens_out=int(spend["tokens_out"]),
            llm_calls=int(spend["calls"]),
            wall_s=round(wall, 2),
        )

    def _deadline(self, task: EvalTask) -> float:
        return time.monotonic() + (self.timeout_s if self.timeout_s is not None else task.timeout_s)

    async def company(self, task: EvalTask) -> Outcome:
        """The full pipeline on the task's issue, every gate approved."""
        started, deadline = time.monotonic(), self._deadline(task)
        project = await self._project(task, "company")
        pid = project["id"]
        issue = await self._call(
            "POST", f"/api/projects/{pid}/issues", json={"title": task.title, "body": task.body}
        )
        number, ended = issue["number"], "timed_out"
        while time.monotonic() < deadline:
            issue = await self._call("GET", f"/api/projects/{pid}/issues/{number}")
            if issue["phase"] == GATE:
                # As the person would: on the round and head commit the issue shows.
                shown = {"round": issue["round"], "head": issue["head"]}
                await self.api.post(f"/api/projects/{pid}/issues/{number}/approve", json=shown)
            elif issue["phase"] in ENDED:
                ended = issue["phase"]
                break
            await asyncio.sleep(self.poll_s)
        if ended == "timed_out":
            await self.api.post(f"/api/projects/{pid}/issues/{number}/cancel")
        branch = project.get("default_branch") or "main"
        return await self._outcome(task, "company", project, branch, ended, started)

    async def baseline(self, task: EvalTask) -> Outcome:
        """One coder alone with the issue text, the same tools, model and step budget."""
        started, deadline = time.monotonic(), self._deadline(task)
        project = await self._project(task, "baseline")
        agents = await self._call("GET", "/api/agents", params={"project_id": project["id"]})
        coder = next(a for a in agents if a["role"] == "coder")
        text = briefs.solo(task.title, task.body).text
        run = await self._call(
            "POST", f"/api/agents/{coder['id']}/runs", json={"task": text, "title": task.title}
        )
        ended = "timed_out"
        while time.monotonic() < deadline:
            conversation = await self._call("GET", f"/api/conversations/{run['conversation_id']}")
            if conversation["status"] == "finished":
                ended = conversation["outcome"] or "finished"
                break
            await asyncio.sleep(self.poll_s)
        if ended == "timed_out":
            await self.api.post(f"/api/conversations/{run['conversation_id']}/cancel")
        return await self._outcome(task, "baseline", project, run["branch"], ended, started)

    async def run(self, tasks: list[EvalTask], modes: tuple[str, ...]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for task in tasks:
            for mode in modes:
                outcomes.append(
                    await (self.company(task) if mode == "company" else self.baseline(task))
                )
        return outcomes
