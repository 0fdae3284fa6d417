"""What a notification can be about, and which kinds are urgent (a toast, a phone buzz)."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    APPROVAL_NEEDED = "approval_needed"
    NEEDS_ATTENTION = "needs_attention"
    BUDGET_ALERT = "budget_alert"
    MERGED = "merged"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EMERGENCY_PAUSE = "emergency_pause"
    GITHUB_PROBLEM = "github_problem"
    STALLED = "stalled"


URGENT = frozenset(
    {
        Kind.APPROVAL_NEEDED,
        Kind.NEEDS_ATTENTION,
        Kind.BUDGET_ALERT,
        Kind.FAILED,
        Kind.EMERGENCY_PAUSE,
        Kind.GITHUB_PROBLEM,
        Kind.STALLED,
    }
)


class Channel(StrEnum):
    IN_APP = "in_app"
    TELEGRAM = "telegram"
