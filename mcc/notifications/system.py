"""Notifications not tied to one run: the emergency pause, the forge, the budget."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mcc.notifications.kinds import Kind
from mcc.notifications.notification import Notification


def pause_notification(paused: bool, since: datetime, reason: str | None) -> Notification:
    """The emergency pause turned on or off (keyed by the moment it changed)."""
    state = "on" if paused else "off"
    return Notification(
        Kind.EMERGENCY_PAUSE,
        f"emergency_pause:{state}:{since.isoformat()}",
        "Emergency pause is on: agents stop at their next step"
        if paused
        else "Emergency pause lifted: agents continue",
        reason or "",
        level="critical" if paused else "info",
        link="/settings",
        data={"paused": paused, "reason": reason},
    )


def github_problem(
    problem: str, detail: str, *, key: str, project_id: int | None = None
) -> Notification:
    """A GitHub delivery or token problem (the forge calls this; `key` names the occurrence,
    e.g. the delivery id or "token:<project>:<day>", so it is told once)."""
    data: dict[str, Any] = {"problem": problem, "project_id": project_id}
    return Notification(
        Kind.GITHUB_PROBLEM,
        f"github:{key}",
        f"GitHub: {problem}",
        detail,
        level="critical",
        link=f"/projects/{project_id}" if project_id is not None else "/settings",
        data=data,
    )
