from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from api.schemas.text import FreeText


class GitHubRepoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    repo: str = Field(min_length=3, max_length=200, description="owner/name on GitHub.")
    token: SecretStr | None = Field(
        default=None,
        max_length=4096,
        description="A fine-grained personal token (when no GitHub App is installed).",
    )
    trigger_label: str | None = Field(
        default=None, min_length=1, max_length=50, description="Label that hands issues to MCC."
    )


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: FreeText = Field(min_length=1, max_length=100)
    repo_path: str = Field(min_length=1, max_length=4096)
    github: GitHubRepoIn | None = Field(
        default=None, description="Register a GitHub repository instead of a local path."
    )
    init: bool = Field(default=False, description="Create a new repository with a first commit.")
    forge_token: SecretStr | None = Field(
        default=None, max_length=4096, description="Stored encrypted; never returned."
    )

    @model_validator(mode="before")
    @classmethod
    def _one_source(cls, data: Any) -> Any:
        """A GitHub project has no local path: `repo_path` stays required for the others."""
        if isinstance(data, dict) and data.get("github") is not None:
            if data.get("repo_path") is not None:
                raise ValueError("give either repo_path or github, not both")
            repo = data["github"].get("repo", "") if isinstance(data["github"], dict) else ""
            return {**data, "repo_path": f"github:{repo}"}
        return data


class ProjectUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: FreeText | None = Field(
        default=None, min_length=1, max_length=100, description="Unique among your projects."
    )
    archived: bool | None = Field(
        default=None,
        description="Archived: hidden by default, no new issues or runs; history kept.",
    )
    test_command: str | None = Field(
        default=None,
        max_length=1000,
        description="The tester's command (empty string: detect from the repository).",
    )
    require_spec_approval: bool | None = Field(
        default=None, description="The architect's spec waits for your approval before coding."
    )
    forge_token: SecretStr | None = Field(
        default=None, max_length=4096, description="Set, or clear with an empty string."
    )
    ignore_ci: bool | None = Field(
        default=None,
        description="Ask for approval without waiting for the repository's own CI checks.",
    )
    trigger_label: str | None = Field(
        default=None,
        description="The GitHub label that hands issues to MCC (GitHub projects only).",
    )

    @field_validator("trigger_label")
    @classmethod
    def _a_github_label(cls, value: str | None) -> str | None:
        """GitHub's own label rules, checked here so the person reads a sentence, not a 422
        from GitHub later: 1 to 50 characters, no space at either end."""
        if value is None:
            return None
        if not value.strip():
            raise ValueError("The trigger label cannot be empty.")
        if value != value.strip():
            raise ValueError("The trigger label cannot start or end with a space.")
        if len(value) > 50:
            raise ValueError("The trigger label can be at most 50 characters long.")
        return value


class ProjectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    slug: str
    repo_path: str
    default_branch: str
    has_forge_token: bool
    forge: str = "local"
    github_repo: str | None = None
    trigger_label: str = "mcc"
    test_command: str | None = None
    require_spec_approval: bool = False
    archived: bool = False
    ignore_ci: bool = False
    created_at: datetime
