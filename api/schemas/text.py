"""Text a person writes (titles, bodies, messages, rules): printable characters only."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo

# Line structure is text; every other control character (NUL, escape, the C1 range) is
# not, and NUL in particular breaks PostgreSQL's text columns and git.
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def refuse_control_characters(value: str, info: ValidationInfo) -> str:
    """`value` unchanged, or a sentence naming the field and the first control character."""
    for char in value:
        if char not in _ALLOWED_CONTROLS and unicodedata.category(char) == "Cc":
            raise ValueError(
                f"{info.field_name or 'the text'} contains the control character"
                f" U+{ord(char):04X}; only tab, newline and carriage return are allowed"
            )
    return value


FreeText = Annotated[str, AfterValidator(refuse_control_characters)]
