"""Running a command in the agent's worktree, inside the sandbox."""

from __future__ import annotations

from pydantic import Field

from mcc.agents.tools.base import WRITERS, Tool, ToolContext, ToolOutcome, ToolParams
from mcc.agents.tools.command_output import fit_output
from mcc.sandbox.result import CommandResult, KillReason

MAX_SHOWN = 12_000  # characters of each stream
KILLED: dict[KillReason, str] = {
    "wall_time": "killed: wall-clock time limit",
    "cpu_time": "killed: CPU time limit",
    "process_limit": "killed: process limit (too many processes at once)",
    "memory_limit": "killed: memory limit (its processes together used too much memory)",
    "disk_limit": "killed: disk limit (the worktree grew past what a run may hold; "
    "delete what you do not need)",
}
# No .pyc files in worktrees: an edit within the same second and of the same size
# would otherwise run the stale bytecode (and pollute diffs).
COMMAND_ENV = {"PYTHONDONTWRITEBYTECODE": "1"}


class CommandParams(ToolParams):
    command: str = Field(min_length=1, max_length=4000, description="A shell command line.")


class RunCommand(Tool[CommandParams]):
    name = "run_command"
    description = (
        "Run a shell command in your worktree (sandboxed: no network, no secrets, time and "
        "memory limits). Use it to run tests and tools."
    )
    params = CommandParams
    roles = WRITERS

    async def run(self, ctx: ToolContext, args: CommandParams) -> ToolOutcome:
        result = await ctx.sandbox.run(args.command, ctx.worktree, env=COMMAND_ENV)
        return ToolOutcome(describe(result), error=not result.ok)


def describe(result: CommandResult) -> str:
    """The agent's view of a finished command: how it ended, then both streams."""
    if result.killed_reason is not None:
        head = KILLED[result.killed_reason]
    else:
        head = f"exit code: {result.exit_code}"
    body = f"{head}\n--- stdout ---\n{fit_output(result.stdout, result.stdout_bytes, MAX_SHOWN)}"
    if result.stderr:
        stderr = fit_output(result.stderr, result.stderr_bytes, MAX_SHOWN)
        body += f"\n--- stderr ---\n{stderr}"
    return body
