"""What the orchestrator may steer beyond the database: runs and the emergency pause.

A protocol so that `mcc/` stays free of Temporal: the worker binds it to the same
functions the REST endpoints call (see `activities/orchestrator.py`).
"""

from __future__ import annotations

from typing import Any, Protocol

from mcc.models.issue import Issue
from mcc.models.project import Project


class RunControl(Protocol):
    async def open_issue(
        self, project_id: int, title: str, body: str, origin_key: str | None = None
    ) -> int:
        """Open an issue on the project's forge; its number (`Forge.open_issue`)."""

    async def start_issue_run(self, project: Project, issue: Issue) -> None:
        """Start a new issue's run (POST /api/projects/{id}/issues does the same)."""

    async def steer_issue(self, issue: Issue, action: str) -> None:
        """pause | resume | cancel | retry the issue's run."""

    async def live_phase(self, issue: Issue) -> str | None:
        """The run's phase from its `status` query; None when it cannot answer."""

    async def notify_run(self, run_id: str, message_id: int) -> None:
        """Tell a working agent's run that a message waits (it reads it at its next step)."""

    async def wake_agent(self, wake: dict[str, Any]) -> str:
        """Start the short run in which an idle agent answers; returns its run id."""

    async def emergency_pause(self, owner_id: int, on: bool, reason: str | None) -> bool:
        """Turn the owner's emergency pause on or off; returns whether it is on."""
