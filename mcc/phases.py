"""The phases of an issue's run, and how far along each one is."""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    QUEUED = "queued"
    PLANNING = "planning"
    CODING = "coding"
    PULL_REQUEST = "pull_request"
    TESTING = "testing"
    REVIEW = "review"
    AWAITING_APPROVAL = "awaiting_approval"
    MERGING = "merging"
    DONE = "done"
    REJECTED = "rejected"
    PAUSED = "paused"
    BUDGET_BLOCKED = "budget_blocked"
    NEEDS_ATTENTION = "needs_attention"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in _FINAL


_FINAL = {Phase.DONE, Phase.REJECTED, Phase.FAILED, Phase.CANCELLED}

# What a progress bar shows for each phase; side states keep the last value.
PERCENT: dict[Phase, int] = {
    Phase.QUEUED: 0,
    Phase.PLANNING: 10,
    Phase.CODING: 30,
    Phase.PULL_REQUEST: 50,
    Phase.TESTING: 60,
    Phase.REVIEW: 75,
    Phase.AWAITING_APPROVAL: 90,
    Phase.MERGING: 95,
    Phase.DONE: 100,
    Phase.REJECTED: 100,
    Phase.FAILED: 100,
    Phase.CANCELLED: 100,
}
