"""Notifications the person must not miss (besides budget alerts): a run that
needs attention is stored for the owner and pushed to their room."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.events import EventSink, user_room
from mcc.models.issue import Issue
from mcc.models.notification import Notification
from mcc.models.project import Project


async def notify_needs_attention(
    session: AsyncSession, events: EventSink, issue: Issue, dedupe: str
) -> None:
    """Once per entry into needs_attention (the key makes a retried step a no-op)."""
    project = await session.get(Project, issue.project_id)
    if project is None or project.owner_id is None:
        return
    exists = await session.scalar(
        select(Notification.id).where(
            Notification.owner_id == project.owner_id, Notification.dedupe_key == dedupe
        )
    )
    if exists is not None:
        return
    payload = {
        "project_id": project.id,
        "issue_number": issue.number,
        "title": issue.title,
        "workflow_id": issue.workflow_id,
        "message": f"#{issue.number} {issue.title} needs your attention",
    }
    session.add(
        Notification(
            owner_id=project.owner_id,
            kind="needs_attention",
            level="warning",
            payload=payload,
            dedupe_key=dedupe,
        )
    )
    await session.commit()
    await events.emit(
        "notification", {"kind": "needs_attention", **payload}, user_room(project.owner_id)
    )
