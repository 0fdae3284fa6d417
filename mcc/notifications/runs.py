"""Notifications about an issue's run: approval needed, needs attention, merged, failed,
cancelled, and the watchdog's "no progress" — built from what the database knows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.budget.money import usd
from mcc.budget.store import insert_or_merge
from mcc.issues import spend_of
from mcc.models.conversation import Conversation
from mcc.models.issue import Issue
from mcc.models.message import Message
from mcc.models.notification_channel import RunProgress
from mcc.models.project import Project
from mcc.notifications.kinds import Kind
from mcc.notifications.notification import Decision, Notification
from mcc.phases import Phase

# Phases in which the run is working on its own; in the others it waits for the
# person (or has ended), so silence there is not a stall.
WORKING = frozenset(
    {Phase.PLANNING, Phase.CODING, Phase.PULL_REQUEST, Phase.TESTING, Phase.REVIEW, Phase.MERGING}
)


@dataclass(frozen=True)
class DiffSummary:
    files: int
    added: int
    removed: int

    @classmethod
    def of(cls, diff: str) -> DiffSummary:
        files = len(re.findall(r"^diff --git ", diff, flags=re.MULTILINE))
        added = sum(
            1 for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")
        )
        removed = sum(
            1 for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")
        )
        return cls(files, added, removed)

    def __str__(self) -> str:
        return f"{self.files} file{'s' if self.files != 1 else ''} changed, +{self.added} −{self.removed}"


def issue_link(issue: Issue) -> str:
    return f"/projects/{issue.project_id}/issues/{issue.number}"


async def owner_of(session: AsyncSession, issue: Issue) -> int | None:
    project = await session.get(Project, issue.project_id)
    return project.owner_id if project is not None else None


async def phase_notification(
    session: AsyncSession,
    issue: Issue,
    phase: Phase,
    key: str,
    *,
    reason: str | None = None,
    diff: DiffSummary | None = None,
    ci: str | None = None,
) -> Notification | None:
    """What entering `phase` tells the person, or None when it is not news."""
    name = f"#{issue.number} {issue.title}"
    data = {
        "project_id": issue.project_id,
        "issue_number": issue.number,
        "workflow_id": issue.workflow_id,
        "phase": phase.value,
    }
    link = issue_link(issue)
    if phase == Phase.AWAITING_APPROVAL:
        cost = await spend_of(session, issue)
        decision = Decision(issue.project_id, issue.number, issue.round or None, issue.head_sha)
        if issue.gate == "spec":
            return Notification(
                Kind.APPROVAL_NEEDED,
                key,
                f"{name}: its spec waits for your approval",
                f"Cost so far {usd(cost)}. Approve to start coding, "
                "or reject with feedback for the architect.",
                level="warning",
                link=link,
                data={**data, "gate": "spec", "cost_usd": float(cost)},
                decision=decision,
            )
        changes = str(diff) if diff is not None else "no pull request diff"
        checks = f" {ci}." if ci else ""
        return Notification(
            Kind.APPROVAL_NEEDED,
            key,
            f"{name} is ready to merge",
            f"{changes}; cost so far {usd(cost)}.{checks} "
            "Approve to merge, or reject with feedback.",
            level="warning",
            link=link,
            data={
                **data,
                "gate": "merge",
                "cost_usd": float(cost),
                "diff": diff.__dict__ if diff else None,
                "ci": ci,
            },
            decision=decision,
        )
    if phase == Phase.NEEDS_ATTENTION:
        return Notification(
            Kind.NEEDS_ATTENTION,
            key,
            f"{name} needs your attention",
            reason or "The run stopped and waits for retry or cancel.",
            level="warning",
            link=link,
            data={**data, "reason": reason},
        )
    if phase == Phase.DONE:
        cost = await spend_of(session, issue)
        return Notification(
            Kind.MERGED, key, f"{name} was merged", f"Total cost {usd(cost)}.", link=link, data=data
        )
    if phase in (Phase.FAILED, Phase.REJECTED):
        return Notification(
            Kind.FAILED, key, f"{name} failed", reason or "", level="critical", link=link, data=data
        )
    if phase == Phase.CANCELLED:
        return Notification(Kind.CANCELLED, key, f"{name} was cancelled", link=link, data=data)
    return None


async def record_progress(session: AsyncSession, workflow_id: str, at: datetime) -> None:
    """The run moved now (a phase change): the watchdog's clock starts again."""
    connection = await session.connection()
    statement = insert_or_merge(connection, RunProgress).values(
        workflow_id=workflow_id, progress_at=at
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["workflow_id"], set_={"progress_at": statement.excluded.progress_at}
        )
    )
    await session.commit()


@dataclass(frozen=True)
class Stall:
    owner_id: int
    notification: Notification


async def stalled_runs(session: AsyncSession, now: datetime, stall_after: timedelta) -> list[Stall]:
    """Runs working on their own whose last progress (phase change or message) is older
    than `stall_after`. The key names the last progress: one notification per stall."""
    last_message = (
        select(func.max(Message.created_at))
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            or_(
                Conversation.run_id == Issue.workflow_id,
                Conversation.run_id.like(Issue.workflow_id + "/%"),
            )
        )
        .correlate(Issue)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Issue, Project.owner_id, RunProgress.progress_at, last_message)
        .join(Project, Project.id == Issue.project_id)
        .outerjoin(RunProgress, RunProgress.workflow_id == Issue.workflow_id)
        .where(Issue.phase.in_([phase.value for phase in WORKING]), Project.owner_id.is_not(None))
    )
    stalls = []
    for issue, owner_id, phase_at, message_at in rows.all():
        if owner_id is None:
            continue
        # The last phase change (the issue's creation before its first one), or a later message.
        moments = [phase_at or issue.created_at, _aware(message_at)]
        last = max(m for m in moments if m is not None)
        if now - last < stall_after:
            continue
        minutes = int((now - last).total_seconds() // 60)
        stalls.append(
            Stall(
                owner_id,
                Notification(
                    Kind.STALLED,
                    f"stalled:{issue.workflow_id}:{last.isoformat()}",
                    f"#{issue.number} {issue.title} made no progress for {minutes} minutes",
                    f"Phase {issue.phase}; last progress at {last:%Y-%m-%d %H:%M} UTC.",
                    level="warning",
                    link=issue_link(issue),
                    data={
                        "project_id": issue.project_id,
                        "issue_number": issue.number,
                        "workflow_id": issue.workflow_id,
                        "phase": issue.phase,
                        "last_progress_at": last.isoformat(),
                    },
                ),
            )
        )
    return stalls


def _aware(value: datetime | str | None) -> datetime | None:
    """A raw aggregate comes back naive (or as text) from SQLite; timestamps are UTC."""
    from datetime import UTC

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
