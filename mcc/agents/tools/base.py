"""What every agent tool is: validated parameters, the roles that may use it, a run."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from mcc.agents.roles import Role
from mcc.db.engine import Database
from mcc.events import EventSink
from mcc.git.runner import Git
from mcc.orchestrator.control import RunControl
from mcc.sandbox.sandbox import Sandbox
from mcc.workspace.workspace import Workspace


@dataclass(frozen=True)
class ToolContext:
    """Everything a tool may touch, for one agent in one run."""

    project_id: int
    agent_id: int
    agent_name: str
    role: Role
    run_id: str
    conversation_id: int
    worktree: Path
    base_ref: str  # what the agent's branch is compared with (diffs, reviews)
    workspace: Workspace
    sandbox: Sandbox
    git: Git
    db: Database
    events: EventSink
    # This tool call's idempotency key: writes it causes are keyed from it, once.
    call_key: str = ""
    issue_number: int | None = None
    # The orchestrator's: whose assistant it is (its tools touch only their rows) and
    # what it may steer beyond the database.
    owner_id: int | None = None
    control: RunControl | None = None

    @property
    def author(self) -> str:
        """Whom the agent's commits name (MCC itself stays the committer)."""
        return f"{self.agent_name} <{self.agent_name}@mcc.local>"


@dataclass(frozen=True)
class ToolOutcome:
    """The tool's answer to the agent, plus what the run's workflow needs to know."""

    content: str
    error: bool = False
    finish: tuple[str, str] | None = None  # (outcome, summary)
    artifact: dict[str, Any] = field(default_factory=dict)


class ToolParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


P = TypeVar("P", bound=ToolParams)


class Tool(ABC, Generic[P]):
    name: ClassVar[str]
    description: ClassVar[str]
    params: ClassVar[type[ToolParams]]
    roles: ClassVar[frozenset[Role]] = frozenset(Role)

    def schema(self) -> dict[str, Any]:
        schema = self.params.model_json_schema()
        schema.pop("title", None)
        return schema

    @abstractmethod
    async def run(self, ctx: ToolContext, args: P) -> ToolOutcome: ...


ALL_ROLES = frozenset(Role)
WRITERS = frozenset({Role.CODER, Role.TESTER})
