"""The tools, which role gets which, and the one safe way to execute a call.

A call that is malformed (unknown tool, bad JSON, invalid arguments, a path
outside the worktree...) becomes an error message to the agent, never a failed run.
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

from pydantic import ValidationError

from mcc.agents.roles import Role
from mcc.agents.tools.base import Tool, ToolContext, ToolOutcome
from mcc.agents.tools.commands import RunCommand
from mcc.agents.tools.files import EditFile, ListFiles, ReadFile, Search, WriteFile
from mcc.agents.tools.finish import Finish
from mcc.agents.tools.git_tools import GitCommit, GitDiff, GitMerge, GitStatus
from mcc.agents.tools.messaging import SendMessage
from mcc.agents.tools.orchestrator_tools import ORCHESTRATOR_TOOLS
from mcc.agents.tools.role_tools import (
    Approve,
    CreateTasks,
    ReportBug,
    RequestChanges,
    WriteSpec,
)
from mcc.errors import MccError
from mcc.llm.types import ToolSpec
from mcc.sandbox.errors import SandboxUnavailable

log = logging.getLogger(__name__)

TOOLS: tuple[Tool[Any], ...] = (
    ListFiles(),
    ReadFile(),
    Search(),
    WriteFile(),
    EditFile(),
    RunCommand(),
    GitStatus(),
    GitDiff(),
    GitCommit(),
    GitMerge(),
    SendMessage(),
    WriteSpec(),
    CreateTasks(),
    ReportBug(),
    Approve(),
    RequestChanges(),
    Finish(),
)
BY_NAME = {tool.name: tool for tool in (*TOOLS, *ORCHESTRATOR_TOOLS)}


def tools_for(role: Role) -> list[Tool[Any]]:
    """The role's tools; the orchestrator works on no repository, so it gets only its own."""
    if role is Role.ORCHESTRATOR:
        return list(ORCHESTRATOR_TOOLS)
    return [tool for tool in TOOLS if role in tool.roles]


@functools.cache
def _specs(role: Role) -> tuple[ToolSpec, ...]:
    return tuple(
        ToolSpec(name=t.name, description=t.description, parameters=t.schema())
        for t in tools_for(role)
    )


def tool_specs(role: Role) -> list[ToolSpec]:
    """What the LLM is told of the role's tools (built once: pydantic's JSON schema
    generation is too slow to repeat at every LLM step)."""
    return list(_specs(role))


def _validation_message(exc: ValidationError) -> str:
    problems = [
        f"{'.'.join(str(p) for p in err['loc']) or 'arguments'}: {err['msg']}"
        for err in exc.errors()
    ]
    return "; ".join(problems)


async def execute(ctx: ToolContext, name: str, arguments_json: str) -> ToolOutcome:
    tool = BY_NAME.get(name)
    if tool is None or tool not in tools_for(ctx.role):
        allowed = ", ".join(t.name for t in tools_for(ctx.role))
        return ToolOutcome(f"unknown tool {name!r}; your tools: {allowed}", error=True)
    try:
        raw = json.loads(arguments_json or "{}")
    except json.JSONDecodeError as exc:
        return ToolOutcome(f"the arguments are not valid JSON: {exc.msg}", error=True)
    try:
        args = tool.params.model_validate(raw)
    except ValidationError as exc:
        return ToolOutcome(f"invalid arguments for {name}: {_validation_message(exc)}", error=True)
    try:
        return await tool.run(ctx, args)
    except SandboxUnavailable:
        raise  # not the agent's mistake: the run stops for the person (needs_attention)
    except MccError as exc:
        return ToolOutcome(f"{name} failed: {exc.message}", error=True)
    except OSError as exc:
        return ToolOutcome(f"{name} failed: {exc.strerror or type(exc).__name__}", error=True)
