"""Role tools: their results are what the issue's workflow acts on (spec, tasks, bugs,
the review's verdict), so each returns an artifact besides its message."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel, ConfigDict, Field

from mcc.agents.roles import Role
from mcc.agents.tools.base import Tool, ToolContext, ToolOutcome, ToolParams
from mcc.git.nested import refuse_nested_repositories


class SpecParams(ToolParams):
    content: str = Field(min_length=1, max_length=100_000, description="The spec, in Markdown.")


class WriteSpec(Tool[SpecParams]):
    name = "write_spec"
    description = "Write the technical spec of the issue (committed as .mcc/specs/<n>.md)."
    params = SpecParams
    roles = frozenset({Role.ARCHITECT})

    async def run(self, ctx: ToolContext, args: SpecParams) -> ToolOutcome:
        name = f"{ctx.issue_number}.md" if ctx.issue_number else f"{ctx.agent_name}.md"
        path = f".mcc/specs/{name}"
        await asyncio.to_thread(ctx.workspace.write_file, path, args.content.rstrip() + "\n")
        await asyncio.to_thread(refuse_nested_repositories, ctx.worktree)
        await ctx.git.run(["add", "--", path], ctx.worktree)
        await ctx.git.commit_staged(ctx.worktree, f"Spec: {path}", author=ctx.author)
        return ToolOutcome(f"spec written to {path}", artifact={"spec": args.content})


class TaskItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=10_000)


class TasksParams(ToolParams):
    tasks: list[TaskItem] = Field(min_length=1, max_length=20)


class CreateTasks(Tool[TasksParams]):
    name = "create_tasks"
    description = "Split the issue into coding tasks, each small and independent."
    params = TasksParams
    roles = frozenset({Role.ARCHITECT})

    async def run(self, ctx: ToolContext, args: TasksParams) -> ToolOutcome:
        tasks = [t.model_dump() for t in args.tasks]
        return ToolOutcome(f"{len(tasks)} task(s) created", artifact={"tasks": tasks})


class BugParams(ToolParams):
    title: str = Field(min_length=1, max_length=200)
    details: str = Field(min_length=1, max_length=20_000, description="Steps, output, files.")


class ReportBug(Tool[BugParams]):
    name = "report_bug"
    description = "Report a bug found while testing; it goes back to a coder."
    params = BugParams
    roles = frozenset({Role.TESTER})

    async def run(self, ctx: ToolContext, args: BugParams) -> ToolOutcome:
        return ToolOutcome(f"bug reported: {args.title}", artifact={"bugs": [args.model_dump()]})


class ApproveParams(ToolParams):
    comment: str = Field(default="", max_length=10_000)


class Approve(Tool[ApproveParams]):
    name = "approve"
    description = "Approve the change under review."
    params = ApproveParams
    roles = frozenset({Role.REVIEWER})

    async def run(self, ctx: ToolContext, args: ApproveParams) -> ToolOutcome:
        return ToolOutcome("approved", artifact={"verdict": "approve", "review": args.comment})


class ChangesParams(ToolParams):
    comments: str = Field(min_length=1, max_length=20_000, description="What must change.")


class RequestChanges(Tool[ChangesParams]):
    name = "request_changes"
    description = "Request specific changes to the change under review."
    params = ChangesParams
    roles = frozenset({Role.REVIEWER})

    async def run(self, ctx: ToolContext, args: ChangesParams) -> ToolOutcome:
        return ToolOutcome(
            "changes requested", artifact={"verdict": "changes", "review": args.comments}
        )
