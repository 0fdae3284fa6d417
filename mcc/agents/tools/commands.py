"""Running a command in the agent's worktree, inside the sandbox."""

from __future__ import annotations

from pydantic import Field

from mcc.agents.tools.base import WRITERS, Tool, ToolContext, ToolOutcome, ToolParams

MAX_SHOWN = 12_000
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
        head = f"exit code: {result.exit_code}"
        if result.timed_out or result.killed_reason:
            head = f"killed ({result.killed_reason}): the command hit a limit"
        body = f"{head}\n--- stdout ---\n{result.stdout[-MAX_SHOWN:]}"
        if result.stderr:
            body += f"\n--- stderr ---\n{result.stderr[-MAX_SHOWN:]}"
        return ToolOutcome(body, error=not result.ok)
