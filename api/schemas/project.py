from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    repo_path: str = Field(min_length=1, max_length=4096)
    init: bool = Field(default=False, description="Create a new repository with a first commit.")
    forge_token: SecretStr | None = Field(
        default=None, max_length=4096, description="Stored encrypted; never returned."
    )


class ProjectUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


class ProjectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    slug: str
    repo_path: str
    default_branch: str
    has_forge_token: bool
    test_command: str | None = None
    require_spec_approval: bool = False
    created_at: datetime
