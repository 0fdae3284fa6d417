"""A project's rule files (`.mcc/AGENTS.md`, `.mcc/<role>.md`): the "create rules files"
action (templates on a branch for review) and the rules editor (read and edit them)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, cast, get_args

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentUser, ProjectDep, RuntimeDep
from api.schemas.agent import RoleName
from api.schemas.error import error_responses
from api.schemas.text import FreeText
from mcc.agents.roles import Role
from mcc.agents.rules_editor import (
    MAX_RULE_FILE_CHARS,
    RULE_FILE_ROLES,
    RuleFile,
    read_rule_files,
    save_rule_file,
)
from mcc.agents.rules_files import COMMIT_MESSAGE, REVIEW_BODY, propose_rule_files
from mcc.errors import Conflict
from mcc.models.project import Project

router = APIRouter(prefix="/projects", tags=["projects"])

RuleFileName = Literal[
    "AGENTS.md", "orchestrator.md", "architect.md", "coder.md", "tester.md", "reviewer.md"
]
assert set(get_args(RuleFileName)) == set(RULE_FILE_ROLES), "the API names every rule file"


class RulesFilesOut(BaseModel):
    branch: str = Field(description="Where the templates are committed, for review.")
    files: list[str] = Field(description="The files added (those missing before).")
    commit: str | None = Field(description="None when every file existed already.")
    review_ref: str | None = Field(
        description="Where the registered repository sees the branch (`git diff main..."
        "mcc/mcc/rules-files`); None: a GitHub project (see `pull_request_url`)."
    )
    pull_request_url: str | None = Field(
        description="The pull request of the branch on GitHub (opened once, found again "
        "on the next press); None: a local project, or nothing left to review.",
    )


class RuleFileOut(BaseModel):
    name: RuleFileName = Field(description="The file's name in `.mcc/`, e.g. `coder.md`.")
    path: str
    role: RoleName | None = Field(description="The role that reads it; None: every agent.")
    content: str | None = Field(description="None: the file is not in the repository yet.")
    sha: str | None = Field(description="The blob an edit starts from (send it as base_sha).")
    template: str = Field(description="The template `init` writes: a start for a missing file.")


class RuleFilesOut(BaseModel):
    branch: str = Field(description="The default branch the files are read from.")
    commit: str
    editable: bool
    read_only_reason: str | None = Field(description="Why the files cannot be edited here.")
    max_chars: int = Field(description="The most of a file an agent's prompt reads.")
    files: list[RuleFileOut]


class RuleFileEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: FreeText = Field(max_length=MAX_RULE_FILE_CHARS)
    base_sha: str | None = Field(
        pattern=r"^[0-9a-f]{40}([0-9a-f]{24})?$",
        description="The `sha` the edit started from (None: the file did not exist).",
    )


class RuleFileSaved(BaseModel):
    file: RuleFileOut
    commit: str = Field(description="The default branch's tip with the edit.")


def _out(file: RuleFile) -> RuleFileOut:
    role = file.role.value if isinstance(file.role, Role) else None
    return RuleFileOut(
        name=cast(RuleFileName, file.name),
        path=file.path,
        role=role,
        content=file.content,
        sha=file.sha,
        template=file.template,
    )


def _read_only_reason(project: Project) -> str | None:
    """GitHub is where a GitHub project's branch is decided: MCC's copy follows it."""
    if project.forge == "github":
        return (
            "This project's repository is on GitHub: change the rule files there "
            "(MCC reads them from the default branch for every task)."
        )
    return None


@router.post(
    "/{project_id}/rules-files",
    response_model=RulesFilesOut,
    status_code=201,
    responses=error_responses(404, 409, 422, 502, 503),
)
async def create_rules_files(project: ProjectDep, runtime: RuntimeDep) -> RulesFilesOut:
    """Commit `.mcc/AGENTS.md` and `.mcc/<role>.md` templates on `mcc/rules-files` and put
    the branch where the person reviews it: their repository sees it as `mcc/<branch>`
    (a local project), or a pull request on GitHub (a GitHub project)."""
    proposed = await propose_rule_files(runtime.repos, project.id, project.default_branch)
    proposal = await runtime.forge.propose_branch(
        project.id, proposed.branch, COMMIT_MESSAGE, REVIEW_BODY
    )
    return RulesFilesOut(
        branch=proposed.branch,
        files=proposed.files,
        commit=proposed.commit,
        review_ref=proposal.ref,
        pull_request_url=proposal.url,
    )


@router.get("/{project_id}/rules", response_model=RuleFilesOut, responses=error_responses(404, 409))
async def get_rules(project: ProjectDep, runtime: RuntimeDep) -> RuleFilesOut:
    """The rule files as the default branch has them: what the next task's prompt reads."""
    found = await read_rule_files(runtime.repos, project.id, project.default_branch)
    reason = _read_only_reason(project)
    return RuleFilesOut(
        branch=found.branch,
        commit=found.commit,
        editable=reason is None,
        read_only_reason=reason,
        max_chars=MAX_RULE_FILE_CHARS,
        files=[_out(file) for file in found.files],
    )


@router.put(
    "/{project_id}/rules/{name}",
    response_model=RuleFileSaved,
    responses=error_responses(404, 409, 422),
)
async def put_rule_file(
    name: RuleFileName,
    body: RuleFileEdit,
    project: ProjectDep,
    user: CurrentUser,
    runtime: RuntimeDep,
) -> RuleFileSaved:
    """Commit a rule file onto the default branch (409 if it changed since `base_sha`)."""
    reason = _read_only_reason(project)
    if reason is not None:
        raise Conflict(reason)
    saved, commit = await save_rule_file(
        runtime.repos,
        project.id,
        project.default_branch,
        name,
        body.content,
        base_sha=body.base_sha,
        editor=user.email,
    )
    # A registered repository sees the edit as `mcc/<branch>`, as it sees merges.
    await runtime.repos.publish(project.id, Path(project.repo_path), project.default_branch)
    return RuleFileSaved(file=_out(saved), commit=commit)
