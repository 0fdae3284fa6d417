"""The orchestrator's tools: it acts for one person, on that person's rows only.

Every project, issue or agent is looked up with the person as owner; another user's
is "not found", exactly as the REST API answers. Runs and the emergency pause are
steered through `RunControl`, bound by the worker to the REST endpoints' functions.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.agents.inbox import PERSON, wake_artifact
from mcc.agents.roles import Role
from mcc.agents.tools.base import Tool, ToolContext, ToolOutcome, ToolParams
from mcc.conversations import NewMessage, inbox_of, post_message
from mcc.errors import Conflict, NotFound, ServiceUnavailable
from mcc.issues import file_issue, get_issue, list_issues
from mcc.models.agent import Agent
from mcc.models.conversation import Conversation
from mcc.models.issue import Issue
from mcc.models.project import Project
from mcc.models.token_usage import TokenUsage
from mcc.orchestrator.control import RunControl
from mcc.orchestrator.memory import forget, memories, remember
from mcc.projects import get_project, list_projects

ORCHESTRATOR = frozenset({Role.ORCHESTRATOR})


def _owner(ctx: ToolContext) -> int:
    if ctx.owner_id is None:
        raise NotFound("this tool belongs to a person's orchestrator")
    return ctx.owner_id


def _control(ctx: ToolContext) -> RunControl:
    if ctx.control is None:
        raise ServiceUnavailable("runs cannot be steered from here")
    return ctx.control


async def _project(session: AsyncSession, ctx: ToolContext, project_id: int) -> Project:
    """The person's project; another user's is "not found", as over REST."""
    return await get_project(session, project_id, owner_id=_owner(ctx))


class NoParams(ToolParams):
    pass


class ListProjects(Tool[NoParams]):
    name = "list_projects"
    description = "List the person's projects (id, name, open issues)."
    params = NoParams
    roles = ORCHESTRATOR

    async def run(self, ctx: ToolContext, args: NoParams) -> ToolOutcome:
        async with ctx.db.sessions() as session:
            projects = await list_projects(session, _owner(ctx))
            counts = dict(
                (
                    await session.execute(
                        select(Issue.project_id, func.count())
                        .where(
                            Issue.project_id.in_([p.id for p in projects]), Issue.state == "open"
                        )
                        .group_by(Issue.project_id)
                    )
                )
                .tuples()
                .all()
            )
        if not projects:
            return ToolOutcome("the person has no projects yet")
        lines = [f"{p.id}: {p.name} ({counts.get(p.id, 0)} open issues)" for p in projects]
        return ToolOutcome("\n".join(lines))


class ProjectParams(ToolParams):
    project_id: int = Field(ge=1, description="The project's id (see list_projects).")


class ListIssues(Tool[ProjectParams]):
    name = "list_issues"
    description = "List a project's issues, newest first, with their phase."
    params = ProjectParams
    roles = ORCHESTRATOR

    async def run(self, ctx: ToolContext, args: ProjectParams) -> ToolOutcome:
        async with ctx.db.sessions() as session:
            project = await _project(session, ctx, args.project_id)
            issues = await list_issues(session, project.id)
        if not issues:
            return ToolOutcome(f"{project.name} has no issues")
        lines = [f"#{i.number} {i.title} — {i.phase} ({i.state})" for i in issues[:100]]
        return ToolOutcome("\n".join(lines))


class IssueParams(ToolParams):
    project_id: int = Field(ge=1)
    number: int = Field(ge=1, description="The issue's number in its project.")


async def _issue(
    session: AsyncSession, ctx: ToolContext, args: IssueParams
) -> tuple[Project, Issue]:
    """The person's issue, its project checked first (so another's is "not found" too)."""
    project = await _project(session, ctx, args.project_id)
    return project, await get_issue(session, project.id, args.number)


async def _spend(session: AsyncSession, workflow_id: str) -> tuple[int, float]:
    """Tokens and USD of an issue's run and its agents' runs (their ids extend the run's)."""
    row = (
        await session.execute(
            select(
                func.coalesce(func.sum(TokenUsage.tokens_in + TokenUsage.tokens_out), 0),
                func.coalesce(func.sum(TokenUsage.cost_usd), 0),
            ).where(
                or_(
                    TokenUsage.task_id == workflow_id,
                    TokenUsage.task_id.like(f"{workflow_id}/%"),
                )
            )
        )
    ).one()
    return int(row[0]), float(row[1])


class RunStatus(Tool[IssueParams]):
    name = "run_status"
    description = "The status of an issue's run: its phase, tokens and cost so far."
    params = IssueParams
    roles = ORCHESTRATOR

    async def run(self, ctx: ToolContext, args: IssueParams) -> ToolOutcome:
        async with ctx.db.sessions() as session:
            project, issue = await _issue(session, ctx, args)
            tokens, cost = await _spend(session, issue.workflow_id)
        live = await ctx.control.live_phase(issue) if ctx.control is not None else None
        phase = live or issue.phase
        return ToolOutcome(
            f"{project.name} #{issue.number} {issue.title}: phase {phase}, state {issue.state}, "
            f"{tokens} tokens, ${cost:.4f} spent",
            artifact={"phase": phase, "cost_usd": cost, "tokens": tokens},
        )


class CreateIssueParams(ToolParams):
    project_id: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=100_000)


class CreateIssue(Tool[CreateIssueParams]):
    name = "create_issue"
    description = "Create an issue in one of the person's projects; its run starts at once."
    params = CreateIssueParams
    roles = ORCHESTRATOR

    async def run(self, ctx: ToolContext, args: CreateIssueParams) -> ToolOutcome:
        async with ctx.db.sessions() as session:
            project = await _project(session, ctx, args.project_id)
            issue, fresh = await file_issue(
                session, _control(ctx), project, args.title, args.description, ctx.call_key
            )
        created = {"project_id": project.id, "number": issue.number}
        try:
            await _control(ctx).start_issue_run(project, issue)
        except Conflict:
            if fresh:
                raise
            # A retry of this call: the first attempt had started the run.
        except ServiceUnavailable as exc:
            return ToolOutcome(
                f"issue #{issue.number} was saved in {project.name}, but its run could not "
                f"start yet: {exc.message}",
                artifact={"created_issue": created},
            )
        return ToolOutcome(
            f"created issue #{issue.number} in {project.name}; its run has started",
            artifact={"created_issue": created},
        )


class SteerParams(IssueParams):
    action: Literal["pause", "resume", "cancel"]


class SteerRun(Tool[SteerParams]):
    name = "steer_run"
    description = "Pause, resume or cancel an issue's run."
    params = SteerParams
    roles = ORCHESTRATOR

    async def run(self, ctx: ToolContext, args: SteerParams) -> ToolOutcome:
        async with ctx.db.sessions() as session:
            project, issue = await _issue(session, ctx, args)
        try:
            await _control(ctx).steer_issue(issue, args.action)
        except Conflict as exc:
            return ToolOutcome(exc.message, error=True)
        done = {"pause": "paused", "resume": "resumed", "cancel": "cancelled"}[args.action]
        return ToolOutcome(f"{project.name} #{issue.number}: run {done}")


class MessageAgentParams(ToolParams):
    project_id: int = Field(ge=1)
    agent: str = Field(min_length=1, max_length=100, description="e.g. 'architect', 'coder_1'.")
    content: str = Field(min_length=1, max_length=20_000)


class MessageAgent(Tool[MessageAgentParams]):
    name = "message_agent"
    description = (
        "Send a message to any agent of a project, for the person. A working agent reads "
        "it at its next step; an idle one starts a short run to answer it."
    )
    params = MessageAgentParams
    roles = ORCHESTRATOR

    async def run(self, ctx: ToolContext, args: MessageAgentParams) -> ToolOutcome:
        async with ctx.db.sessions() as session:
            project = await _project(session, ctx, args.project_id)
            agent = await session.scalar(
                select(Agent).where(Agent.project_id == project.id, Agent.name == args.agent)
            )
            if agent is None:
                return ToolOutcome(f"{project.name} has no agent named {args.agent!r}", error=True)
            working = await session.scalar(
                select(Conversation)
                .where(
                    Conversation.agent_id == agent.id,
                    Conversation.kind == "task",
                    Conversation.status == "open",
                )
                .order_by(Conversation.id.desc())
            )
            target = working or await inbox_of(session, project.id, agent.id, agent.name)
            message, _ = await post_message(
                session,
                ctx.events,
                NewMessage(
                    conversation_id=target.id,
                    author="agent:orchestrator",
                    role="user",
                    content=f"Message from the orchestrator, for the person: {args.content}",
                    idempotency_key=f"{ctx.call_key}/deliver",
                ),
            )
        control = _control(ctx)
        if working is not None and working.run_id is not None:
            await control.notify_run(working.run_id, message.id)
            return ToolOutcome(f"delivered to {agent.name} (working); it reads it at its next step")
        # The person's words through their assistant: the agent answers the person.
        wake = wake_artifact(agent.id, PERSON, args.content, ctx.call_key)["wake"]
        run_id = await control.wake_agent(wake)
        return ToolOutcome(
            f"delivered to {agent.name}'s inbox; it answers in run {run_id}",
            artifact={"woke_run_id": run_id},
        )


class PauseParams(ToolParams):
    on: bool = Field(description="true: stop every agent; false: lift the pause.")
    reason: str | None = Field(default=None, max_length=200)


class EmergencyPause(Tool[PauseParams]):
    name = "emergency_pause"
    description = (
        "Trigger (on=true) or lift (on=false) the emergency pause of all the person's agents."
    )
    params = PauseParams
    roles = ORCHESTRATOR

    async def run(self, ctx: ToolContext, args: PauseParams) -> ToolOutcome:
        on = await _control(ctx).emergency_pause(_owner(ctx), args.on, args.reason)
        return ToolOutcome("emergency pause is on" if on else "emergency pause lifted")


class RememberParams(ToolParams):
    key: str = Field(min_length=1, max_length=100, description="A short topic, e.g. 'database'.")
    content: str = Field(min_length=1, max_length=4_000)


class Remember(Tool[RememberParams]):
    name = "remember"
    description = (
        "Remember a preference or decision of the person across all projects "
        "(replaces what was remembered under the same key)."
    )
    params = RememberParams
    roles = ORCHESTRATOR

    async def run(self, ctx: ToolContext, args: RememberParams) -> ToolOutcome:
        async with ctx.db.sessions() as session:
            row = await remember(session, _owner(ctx), args.key, args.content)
        return ToolOutcome(f"remembered under {row.key!r}")


class RecallParams(ToolParams):
    query: str = Field(default="", max_length=200, description="Words to look for; empty: all.")


class Recall(Tool[RecallParams]):
    name = "recall"
    description = (
        "Recall what you remember of the person (optionally only entries with these words)."
    )
    params = RecallParams
    roles = ORCHESTRATOR

    async def run(self, ctx: ToolContext, args: RecallParams) -> ToolOutcome:
        async with ctx.db.sessions() as session:
            rows = await memories(session, _owner(ctx))
        words = args.query.lower().split()
        found = [r for r in rows if all(w in f"{r.key} {r.content}".lower() for w in words)]
        if not found:
            return ToolOutcome("nothing remembered" + (f" about {args.query!r}" if words else ""))
        return ToolOutcome("\n".join(f"- {r.key}: {r.content}" for r in found))


class ForgetParams(ToolParams):
    key: str = Field(min_length=1, max_length=100)


class Forget(Tool[ForgetParams]):
    name = "forget"
    description = "Forget what is remembered under a key."
    params = ForgetParams
    roles = ORCHESTRATOR

    async def run(self, ctx: ToolContext, args: ForgetParams) -> ToolOutcome:
        async with ctx.db.sessions() as session:
            await forget(session, _owner(ctx), args.key)
        return ToolOutcome(f"forgot {args.key!r}")


ORCHESTRATOR_TOOLS: tuple[Tool[Any], ...] = (
    ListProjects(),
    ListIssues(),
    RunStatus(),
    CreateIssue(),
    SteerRun(),
    MessageAgent(),
    EmergencyPause(),
    Remember(),
    Recall(),
    Forget(),
)
