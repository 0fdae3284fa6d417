"""Agent commands in a bubblewrap sandbox: read-only system, writable worktree, no network."""

from mcc.sandbox.errors import SandboxUnavailable
from mcc.sandbox.limits import SandboxLimits
from mcc.sandbox.result import CommandResult, KillReason
from mcc.sandbox.sandbox import Sandbox

__all__ = ["CommandResult", "KillReason", "Sandbox", "SandboxLimits", "SandboxUnavailable"]
