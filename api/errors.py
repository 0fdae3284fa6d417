"""One JSON error shape for every failure; nothing internal reaches the client."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.service import RPCError, RPCStatusCode

from mcc.db.unavailable import (
    SENTENCE,
    DatabaseUnavailable,
    driver_reason,
    is_dropped_connection,
)
from mcc.errors import MccError
from mcc.security.errors import AuthError, RateLimited

log = logging.getLogger(__name__)


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Only where and what: never echo the submitted value back (it may be a secret).
    details = []
    for err in exc.errors():
        body_problem = _body_problem(err, exc.body)
        if body_problem is not None:
            details.append({"loc": ["body"], "msg": body_problem})
        else:
            loc = [str(part) for part in err.get("loc", ())]
            details.append({"loc": loc, "msg": _sentence(err, _field(loc)) or _message(err)})
    return details


def _field(loc: list[str]) -> str:
    """Where the value was: the location without its first part (body, query, path) when
    that is "body"; a field may be called "body" itself (an issue's)."""
    return ".".join(loc[1:] if loc[:1] == ["body"] else loc) or "request"


def _sentence(err: Any, field: str) -> str | None:
    """A person's sentence naming the field for the common constraint failures (lengths,
    missing and unknown fields, number bounds), instead of pydantic's wording."""
    kind, ctx = err.get("type"), err.get("ctx") or {}
    if kind == "string_too_long":
        return f"{field} is too long: at most {ctx['max_length']} characters are allowed"
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return f"{field} must not be empty"
        return f"{field} is too short: it needs at least {ctx['min_length']} characters"
    if kind == "too_long":
        return f"{field} has too many items: at most {ctx['max_length']} are allowed"
    if kind == "missing":
        return f"{field} is required"
    if kind == "extra_forbidden":
        return f"{field} is not a field this request takes"
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("more than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"{field} must be {words} {ctx[key]}"
    return None


def _body_problem(err: Any, body: Any) -> str | None:
    """A sentence for a body that is not a JSON object at all, where pydantic's message
    names no field ("1: JSON decode error", "request: Field required"); else None."""
    kind, loc = err.get("type"), tuple(err.get("loc", ()))
    if kind == "json_invalid" and loc[:1] == ("body",):
        return f"the request body is not valid JSON ({_json_position(err, body)})"
    if loc != ("body",):
        return None
    if kind == "missing":
        return "the request needs a JSON body"
    if kind in {"model_attributes_type", "dict_type"}:
        return "the request body must be a JSON object"
    return None


def _json_position(err: Any, body: Any) -> str:
    """`line 1, column 2: Expecting value`, as json.JSONDecodeError counts them."""
    reason = str((err.get("ctx") or {}).get("error", "")).strip() or "cannot be parsed"
    loc = err.get("loc", ())
    offset = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    if offset is None or not isinstance(body, str):
        return reason
    line = body.count("\n", 0, offset) + 1
    column = offset - body.rfind("\n", 0, offset)
    return f"line {line}, column {column}: {reason}"


def _message(err: Any) -> str:
    """A validator's own sentence as written (without pydantic's "Value error, " prefix)."""
    msg = str(err.get("msg", ""))
    return msg.removeprefix("Value error, ") if err.get("type") == "value_error" else msg


def _sentence_of(exc: RequestValidationError, first: dict[str, Any]) -> str:
    """The message of a 422: a validator's, the body's or a constraint's sentence alone,
    else "field: what is wrong"."""
    errors = exc.errors()
    if errors and (
        errors[0].get("type") == "value_error"
        or _body_problem(errors[0], exc.body) is not None
        or _sentence(errors[0], "") is not None
    ):
        return str(first["msg"])
    return f"{_field(list(first['loc']))}: {first['msg']}"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(MccError)
    async def _domain(request: Request, exc: MccError) -> JSONResponse:
        headers: dict[str, str] = {}
        if isinstance(exc, RateLimited):
            headers["Retry-After"] = str(exc.retry_after_s)
        if isinstance(exc, AuthError):
            headers["WWW-Authenticate"] = "Bearer"
        if isinstance(exc, DatabaseUnavailable):
            log.warning("%s %s: %s", request.method, request.url.path, exc.detail)
        return error_response(exc.status, exc.code, exc.message, headers=headers or None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = _validation_details(exc)
        first = details[0] if details else {"loc": [], "msg": "invalid request"}
        return error_response(422, "invalid_input", _sentence_of(exc, first), details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(
            exc.status_code, "http_error"
        )
        return error_response(
            exc.status_code,
            code,
            str(exc.detail),
            headers=dict(exc.headers) if exc.headers else None,
        )

    @app.exception_handler(RPCError)
    async def _temporal(_: Request, exc: RPCError) -> JSONResponse:
        # A signal to a run that just finished is a conflict, not a server failure.
        if exc.status == RPCStatusCode.NOT_FOUND:
            return error_response(409, "run_ended", "the run has already ended")
        log.warning("temporal call failed: %s", exc.message)
        return error_response(503, "temporal_unavailable", "Temporal did not answer; try again")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal", "internal error; see the server log")

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        if is_dropped_connection(exc):
            log.warning("the database dropped a connection: %s", driver_reason(exc))
            return error_response(503, DatabaseUnavailable.code, SENTENCE)
        return await _unexpected(request, exc)
