"""Ids as they arrive in bodies and queries: positive and within the databases' 32 bits."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

RowId = Annotated[int, Field(ge=1, le=2_147_483_647)]
