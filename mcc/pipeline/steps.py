"""The issue pipeline's own steps (the agents' work is in AgentRunWorkflow):
preparing the issue branch, integrating agents' branches, running the tests,
and posting what the person needs to see in the issue's conversation."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from mcc.agents.roles import Role
from mcc.agents.tools.command_output import fit_output
from mcc.agents.tools.commands import KILLED
from mcc.conversations import NewMessage, open_conversation, post_message
from mcc.errors import NotFound
from mcc.forge.base import issue_branch, tests_worktree
from mcc.issues import get_issue
from mcc.models.agent import Agent
from mcc.pipeline.test_command import detect_test_command
from mcc.projects import get_project
from mcc.runtime import Runtime

MAX_TEST_OUTPUT = 6_000


@dataclass(frozen=True)
class AgentSlot:
    id: int
    name: str
    role: str


@dataclass(frozen=True)
class IssuePlan:
    """What the workflow needs to know about its issue, read once at the start."""

    title: str
    body: str
    default_branch: str
    branch: str
    conversation_id: int
    require_spec_approval: bool
    agents: list[AgentSlot] = field(default_factory=list)  # in roster order

    def of_role(self, role: str) -> list[AgentSlot]:
        return [a for a in self.agents if a.role == role]


@dataclass(frozen=True)
class TestReport:
    command: str | None  # None: no test command configured or detected, nothing ran
    passed: bool
    exit_code: int | None
    output: str

    def note(self) -> str:
        """The report as the issue's conversation shows it: its command and result, then
        the output's end."""
        if self.command is None:
            return f"Tests: none run ({self.output})"
        result = "passed" if self.passed else "FAILED"
        return f"Tests ({self.command}): {result}\n\n{self.output[-2000:]}"


class PipelineSteps:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def prepare(self, project_id: int, number: int, run_id: str) -> IssuePlan:
        async with self.runtime.db.sessions() as session:
            project = await get_project(session, project_id)
            issue = await get_issue(session, project_id, number)
            agents = (
                await session.scalars(
                    select(Agent).where(Agent.project_id == project_id).order_by(Agent.id)
                )
            ).all()
            conversation = await open_conversation(
                session,
                project_id=project_id,
                agent_id=None,
                kind="issue",
                title=f"#{number} {issue.title}",
                run_id=run_id,
                events=self.runtime.events,
            )
        branch = issue_branch(number)
        await self.runtime.repos.ensure_branch(project_id, branch, project.default_branch)
        slots = [AgentSlot(a.id, a.name, a.role) for a in agents]
        for role in (Role.ARCHITECT, Role.CODER, Role.TESTER, Role.REVIEWER):
            if not any(s.role == role.value for s in slots):
                raise NotFound(f"the project has no {role.value}; add one on the agents page")
        return IssuePlan(
            title=issue.title,
            body=issue.body,
            default_branch=project.default_branch,
            branch=branch,
            conversation_id=conversation.id,
            require_spec_approval=project.require_spec_approval,
            agents=slots,
        )

    async def integrate(self, project_id: int, source: str, target: str) -> tuple[bool, str]:
        """(merged, tip): False when `source` conflicts with `target`."""
        result = await self.runtime.repos.integrate(
            project_id, source, target, f"Merge {source} into {target}"
        )
        if not result.conflict:
            # A forge that shows the branch elsewhere (a pull request on GitHub) sees it move.
            await self.runtime.forge.publish_branch(project_id, target)
        return (not result.conflict, result.sha)

    async def run_tests(self, project_id: int, number: int, ref: str) -> TestReport:
        """The project's test command on `ref`, in the sandbox, in a throwaway worktree."""
        async with self.runtime.db.sessions() as session:
            project = await get_project(session, project_id)
        worktree = await self.runtime.repos.ensure_detached_worktree(
            project_id, tests_worktree(number), ref
        )
        command = project.test_command or detect_test_command(worktree)
        if command is None:
            return TestReport(None, True, None, "no test command configured or detected")
        result = await self.runtime.sandbox.run(
            command, worktree, env={"PYTHONDONTWRITEBYTECODE": "1"}
        )
        output = (result.stdout + "\n" + result.stderr).strip()
        shown = fit_output(output, result.stdout_bytes + result.stderr_bytes, MAX_TEST_OUTPUT)
        if result.killed_reason is not None:
            shown = f"{KILLED[result.killed_reason]}\n{shown}"
        return TestReport(command, result.ok, result.exit_code, shown)

    async def post(self, conversation_id: int, author: str, content: str, key: str) -> None:
        async with self.runtime.db.sessions() as session:
            await post_message(
                session,
                self.runtime.events,
                NewMessage(
                    conversation_id=conversation_id,
                    author=author,
                    role="user",
                    content=content,
                    idempotency_key=key,
                ),
                insert_first=True,
            )
