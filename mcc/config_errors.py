"""Settings read from the environment, refused in sentences an operator can act on.

pydantic's own report is a traceback naming Python fields (`port`, `Input should be a
valid integer`); the person who set `MCC_PORT=abc` needs the variable, what is wrong
with it and what they wrote — except for secrets, whose values are never repeated.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import SecretStr, ValidationError
from pydantic_settings import SettingsError

from mcc.config import Settings
from mcc.errors import InvalidInput

_SHOWN_CHARS = 60
_FIELD_IN_SETTINGS_ERROR = re.compile(r'field "([a-z0-9_]+)"')


class InvalidSettings(InvalidInput):
    code = "invalid_settings"


def variable(field: str) -> str:
    """The environment variable that sets `field`."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    return f"{prefix}{field}".upper()


def _is_secret(field: str) -> bool:
    info = Settings.model_fields.get(field)
    return info is not None and "SecretStr" in str(info.annotation)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else f"{text[: _SHOWN_CHARS - 1]}…"


def _sentence(error: Any) -> str:
    field = str(error["loc"][0]) if error["loc"] else ""
    message = str(error["msg"]).removeprefix("Value error, ")
    if not field:
        return message
    if _is_secret(field) or isinstance(error.get("input"), SecretStr):
        return f"{variable(field)}: {message}"
    return f"{variable(field)}={_shown(error.get('input'))}: {message}"


def read_settings(**overrides: Any) -> Settings:
    """`Settings(**overrides)`, or `InvalidSettings` listing every variable that is wrong."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = [_sentence(error) for error in exc.errors(include_url=False)]
    except SettingsError as exc:  # a value that had to be JSON and was not
        found = _FIELD_IN_SETTINGS_ERROR.search(str(exc))
        name = variable(found.group(1)) if found else "a setting"
        lines = [f"{name}: not valid JSON (see README.md for its form)"]
    raise InvalidSettings("invalid settings:\n  " + "\n  ".join(lines))
