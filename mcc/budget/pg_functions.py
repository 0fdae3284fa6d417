"""The per-call bookkeeping on PostgreSQL: one server-side function call each for reserve and settle.

The functions (created by migration 0003, reserve's pause exemption added by
0011) lock the owner's ledger rows, check and update them, and commit, all
inside the server, so the lock is held for microseconds however busy the
calling process is. They follow the rules of `serialized` exactly; alerts, the
rare part, are recorded afterwards by `serialized.record_alerts` under the same
row locks.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from mcc.budget.alerts import due_level
from mcc.budget.errors import SystemPaused
from mcc.budget.holds import (
    Charge,
    ChargedUsage,
    Hold,
    Refusal,
    Replay,
    ReserveRequest,
    Settlement,
    load_usage,
)
from mcc.budget.ledger import create_levels
from mcc.budget.serialized import record_alerts, refusal
from mcc.budget.store import BudgetStore
from mcc.errors import Conflict

_RESERVE = text(
    "SELECT mcc_budget_reserve(:owner, :key, :project, :agent, :amount, :now, :day, :ttl,"
    " :default_daily, :pause_exempt)::text"
)
_SETTLE = text(
    "SELECT mcc_budget_settle(:owner, :key, :day, :project, :agent, :cost, :now,"
    " :default_daily, :agent_type, :model, :tokens_in, :tokens_out, :cost_source,"
    " :conversation, :task)::text"
)


async def _call(store: BudgetStore, statement: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Run one budget function; after a dropped connection, once more on a fresh one.

    Both functions are idempotent by the idempotency key, so a second run after
    a first that committed answers "reused" or "settled" instead of charging twice.
    """
    for attempt in (1, 2):
        try:
            async with store.autocommit.connect() as conn:
                raw = await conn.scalar(statement, params)
            break
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
    result: dict[str, Any] = json.loads(raw, parse_float=Decimal)
    return result


def _usd(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _owes_alert(level: dict[str, Any], *, refused: bool) -> bool:
    return (
        due_level(
            _usd(level["spent"]) or Decimal(0),
            _usd(level["limit"]),
            warning_sent=bool(level["warning_sent"]),
            critical_sent=bool(level["critical_sent"]),
            refused=refused,
        )
        is not None
    )


async def reserve_pg(store: BudgetStore, request: ReserveRequest) -> Hold | Replay | Refusal:
    params = {
        "owner": request.owner_id,
        "key": request.idempotency_key,
        "project": request.project_id,
        "agent": request.agent_name,
        "amount": request.amount,
        "now": request.now,
        "day": request.day,
        "ttl": request.ttl,
        "default_daily": request.default_daily_usd,
        "pause_exempt": request.pause_exempt,
    }
    for _ in range(3):
        try:
            result = await _call(store, _RESERVE, params)
        except IntegrityError:
            continue  # another attempt with this key inserted its hold first: look again
        status = result["status"]
        if status == "missing":
            await create_levels(
                store, request.owner_id, [(request.day, level) for level in request.levels]
            )
            continue
        if status == "held":
            return Hold(
                request.idempotency_key,
                request.owner_id,
                request.day,
                request.project_id,
                request.agent_name,
                request.amount,
                reused=False,
            )
        if status == "reused":
            return Hold(
                request.idempotency_key,
                request.owner_id,
                date.fromisoformat(result["day"]),
                result["project_id"],
                result["agent_name"],
                Decimal(str(result["amount"])),
                reused=True,
            )
        if status == "settled":
            async with store.reading() as conn:
                return Replay(await load_usage(conn, request.idempotency_key))
        if status == "paused":
            raise SystemPaused()
        if status == "foreign":
            raise Conflict("this idempotency key was used by another account")
        if status == "refused":
            return await _refusal(store, request, result)
        raise RuntimeError(f"unexpected budget status {status!r}")
    raise RuntimeError("could not reserve: the budget ledger kept changing")


async def _refusal(store: BudgetStore, request: ReserveRequest, result: dict[str, Any]) -> Refusal:
    levels = {level["key"]: level for level in result["levels"]}
    refused = next(level for level in request.levels if level.key == result["refused"])
    state = levels[refused.key]
    limit = _usd(state["limit"])
    assert limit is not None  # a level without a limit cannot refuse
    current = Decimal(str(state["spent"])) + Decimal(str(state["reserved"]))
    error = refusal(request, refused, current, limit)
    alerts = []
    if _owes_alert(state, refused=True):
        alerts = await record_alerts(
            store,
            owner_id=request.owner_id,
            day=request.day,
            levels=request.levels,
            refused=refused,
            now=request.now,
            default_daily_usd=request.default_daily_usd,
        )
    return Refusal(error, alerts)


async def settle_pg(
    store: BudgetStore,
    hold: Hold,
    charge: Charge,
    *,
    now: Any,
    default_daily_usd: Decimal,
) -> Settlement:
    params = {
        "owner": hold.owner_id,
        "key": hold.idempotency_key,
        "day": hold.day,
        "project": hold.project_id,
        "agent": hold.agent_name,
        "cost": charge.cost_usd,
        "now": now,
        "default_daily": default_daily_usd,
        "agent_type": charge.agent_type,
        "model": charge.model,
        "tokens_in": charge.tokens_in,
        "tokens_out": charge.tokens_out,
        "cost_source": charge.cost_source,
        "conversation": charge.conversation_id,
        "task": charge.task_id,
    }
    for _ in range(3):
        result = await _call(store, _SETTLE, params)
        status = result["status"]
        if status == "missing":
            await create_levels(store, hold.owner_id, [(hold.day, level) for level in hold.levels])
            continue
        if status == "settled":
            async with store.reading() as conn:
                usage = await load_usage(conn, hold.idempotency_key)
            return Settlement(usage, [], replayed=True)
        alerts = []
        if any(_owes_alert(level, refused=False) for level in result["levels"]):
            alerts = await record_alerts(
                store,
                owner_id=hold.owner_id,
                day=hold.day,
                levels=hold.levels,
                refused=None,
                now=now,
                default_daily_usd=default_daily_usd,
            )
        return Settlement(ChargedUsage.of(hold, charge, now), alerts, replayed=False)
    raise RuntimeError("could not settle: the budget ledger rows are missing")
