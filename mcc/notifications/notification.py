"""A notification as the code that raises it describes it, and as it is stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from mcc.notifications.kinds import URGENT, Kind

Level = Literal["info", "warning", "critical"]


@dataclass(frozen=True)
class Decision:
    """The run an approval-needed notification lets the person decide (buttons)."""

    project_id: int
    issue_number: int
    # The approval round and head the message shows: a press decides that round only,
    # never a later one the person has not seen (None: a message from before rounds).
    round: int | None = None
    head: str | None = None


@dataclass(frozen=True)
class Notification:
    """What to tell the person. `key` names the event: the same key is delivered once."""

    kind: Kind
    key: str
    title: str
    message: str = ""
    level: Level = "info"
    link: str | None = None  # a path of the SPA, e.g. /projects/3/issues/7
    data: dict[str, Any] = field(default_factory=dict)
    decision: Decision | None = None

    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            **self.data,
            "title": self.title,
            "message": self.message,
            "link": self.link,
            "urgent": self.kind in URGENT,
        }
        if self.decision is not None:
            payload["decision"] = {
                "project_id": self.decision.project_id,
                "issue_number": self.decision.issue_number,
                "round": self.decision.round,
                "head": self.decision.head,
            }
        return payload


@dataclass(frozen=True)
class StoredNotification:
    """A notification row, as channels and the API see it."""

    id: int
    owner_id: int
    kind: str
    level: str
    payload: dict[str, Any]
    created_at: datetime
    read_at: datetime | None

    @property
    def title(self) -> str:
        return str(self.payload.get("title") or self.kind.replace("_", " "))

    @property
    def message(self) -> str:
        return str(self.payload.get("message") or "")

    @property
    def link(self) -> str | None:
        link = self.payload.get("link")
        return link if isinstance(link, str) else None

    @property
    def urgent(self) -> bool:
        return self.kind in URGENT

    @property
    def decision(self) -> Decision | None:
        value = self.payload.get("decision")
        if not isinstance(value, dict):
            return None
        round_, head = value.get("round"), value.get("head")
        return Decision(
            int(value["project_id"]),
            int(value["issue_number"]),
            int(round_) if round_ is not None else None,
            str(head) if head is not None else None,
        )

    def event(self) -> dict[str, Any]:
        """The `notification` socket event (and the REST item) of this row."""
        return {
            "id": self.id,
            "kind": self.kind,
            "level": self.level,
            "title": self.title,
            "message": self.message,
            "link": self.link,
            "urgent": self.urgent,
            "payload": self.payload,
            "created_at": self.created_at.isoformat(),
            "read_at": self.read_at.isoformat() if self.read_at else None,
        }
