"""Typed domain errors.

The core raises these; the API maps each `code` to one HTTP status and one JSON
shape, so no handler invents its own error format and nothing internal leaks.
"""

from __future__ import annotations


class MccError(Exception):
    """Base of every error a user may see; `message` is safe to show."""

    code: str = "error"
    status: int = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def first_line(exc: BaseException) -> str:
    """A foreign exception's first line (at most 200 characters), for a sentence that names
    why something failed without a driver's or SDK's whole message."""
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


class NotFound(MccError):
    code = "not_found"
    status = 404


class Conflict(MccError):
    code = "conflict"
    status = 409


class InvalidInput(MccError):
    code = "invalid_input"
    status = 422


class NotAGitRepo(InvalidInput):
    code = "not_a_git_repo"


class GitFailed(MccError):
    """A git command failed; the message names the command, not the environment."""

    code = "git_failed"
    status = 500


class MergeConflict(Conflict):
    code = "merge_conflict"


class ServiceUnavailable(MccError):
    code = "service_unavailable"
    status = 503


class DecisionTaken(Conflict):
    """Another decision already claimed this approval round."""

    code = "decision_taken"


class StaleRound(Conflict):
    """The decision names an approval round that is over (or not open)."""

    code = "stale_round"


class HeadMoved(Conflict):
    """The decision was made on a commit that is no longer the branch's head."""

    code = "head_moved"
