"""The "create rules files" action: the agents' rule-file templates, on a branch for review."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import ProjectDep, RuntimeDep
from mcc.agents.rules_files import propose_rule_files

router = APIRouter(prefix="/projects", tags=["projects"])


class RulesFilesOut(BaseModel):
    branch: str = Field(description="Where the templates are committed, for review.")
    files: list[str] = Field(description="The files added (those missing before).")
    commit: str | None = Field(description="None when every file existed already.")


@router.post("/{project_id}/rules-files", response_model=RulesFilesOut, status_code=201)
async def create_rules_files(project: ProjectDep, runtime: RuntimeDep) -> RulesFilesOut:
    """Commit `.mcc/AGENTS.md` and `.mcc/<role>.md` templates on `mcc/rules-files`."""
    proposed = await propose_rule_files(runtime.repos, project.id, project.default_branch)
    return RulesFilesOut(branch=proposed.branch, files=proposed.files, commit=proposed.commit)
