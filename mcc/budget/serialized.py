"""Budget bookkeeping as Python transactions over locked ledger rows.

This is the whole implementation on SQLite, where the store's `BEGIN
IMMEDIATE` transactions serialize writers. On PostgreSQL the per-call hot path
runs server-side (`pg_functions`), and the rare paths run here with row locks:
releasing a failed call's hold, recording alerts, creating ledger rows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mcc.budget.alerts import Alert, alert_due, store_alerts
from mcc.budget.errors import BudgetExceeded, SystemPaused
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
from mcc.budget.ledger import (
    DayLevel,
    Locked,
    MissingLevels,
    create_levels,
    lock_levels,
    write_levels,
)
from mcc.budget.levels import Level, effective_limits, levels_of
from mcc.budget.money import ZERO
from mcc.budget.pause import is_paused
from mcc.budget.store import BudgetStore
from mcc.errors import Conflict
from mcc.models.budget_reservation import BudgetReservation
from mcc.models.token_usage import TokenUsage

R = BudgetReservation
T = TypeVar("T")


async def in_transaction(
    store: BudgetStore, owner_id: int, work: Callable[[AsyncConnection], Awaitable[T]]
) -> T:
    """Run `work` in a budget transaction, creating missing ledger rows first if it needs them."""
    for _ in range(3):
        try:
            return await store.run(work)
        except MissingLevels as missing:
            await create_levels(store, owner_id, missing.missing)
    raise RuntimeError("budget ledger rows vanished while being created")  # pragma: no cover


async def reserve_locked(conn: AsyncConnection, request: ReserveRequest) -> Hold | Replay | Refusal:
    now, owner_id = request.now, request.owner_id
    found = (
        await conn.execute(
            select(
                R.id,
                R.idempotency_key,
                R.owner_id,
                R.day,
                R.project_id,
                R.agent_name,
                R.amount_usd,
                R.state,
            ).where(
                or_(
                    R.idempotency_key == request.idempotency_key,
                    and_(R.owner_id == owner_id, R.state == "reserved", R.expires_at < now),
                )
            )
        )
    ).all()
    mine = next((r for r in found if r.idempotency_key == request.idempotency_key), None)
    expired = [r for r in found if r.idempotency_key != request.idempotency_key]

    if mine is not None:
        if mine.owner_id != owner_id:
            raise Conflict("this idempotency key was used by another account")
        if mine.state == "settled":
            return Replay(await load_usage(conn, request.idempotency_key))
        if mine.state == "reserved":
            # A retry of a call whose hold is still counted (even past its expiry,
            # nothing released it yet): keep holding it, for a fresh ttl.
            if not request.pause_exempt and await is_paused(conn, owner_id):
                raise SystemPaused()
            extended = await conn.scalar(
                update(R)
                .where(R.id == mine.id, R.state == "reserved")
                .values(expires_at=now + request.ttl)
                .returning(R.id)
            )
            if extended is not None:
                return Hold(
                    request.idempotency_key,
                    owner_id,
                    mine.day,
                    mine.project_id,
                    mine.agent_name,
                    mine.amount_usd,
                    reused=True,
                )
            # Released as expired a moment ago: reserve it again below.

    levels = request.levels
    wanted: set[DayLevel] = {(request.day, level) for level in levels}
    for r in expired:
        wanted.update((r.day, level) for level in levels_of(r.project_id, r.agent_name))
    locked = await lock_levels(conn, owner_id, wanted)
    if locked.paused and not request.pause_exempt:
        raise SystemPaused()
    if expired:
        await _release_expired(conn, locked, expired, now)

    limits = effective_limits(levels, locked.rules(request.day), request.default_daily_usd)
    for level in levels:
        row = locked.row(request.day, level)
        limit = limits[level.key]
        if limit is not None and row.spent + row.reserved + request.amount > limit:
            alert = alert_due(
                row, owner_id=owner_id, day=request.day, limit=limit, now=now, refused=True
            )
            alerts = [alert] if alert else []
            await write_levels(conn, locked)
            await store_alerts(conn, alerts, now)
            return Refusal(refusal(request, level, row.spent + row.reserved, limit), alerts)

    for level in levels:
        locked.row(request.day, level).add(reserved=request.amount)
    await write_levels(conn, locked)
    values: dict[str, Any] = {
        "owner_id": owner_id,
        "day": request.day,
        "project_id": request.project_id,
        "agent_name": request.agent_name,
        "amount_usd": request.amount,
        "cost_usd": None,
        "state": "reserved",
        "expires_at": now + request.ttl,
        "closed_at": None,
    }
    if mine is not None:  # released before (the call failed, or it expired): hold it again
        await conn.execute(update(R).where(R.id == mine.id).values(**values))
    else:
        await conn.execute(
            insert(R).values(idempotency_key=request.idempotency_key, created_at=now, **values)
        )
    return Hold(
        request.idempotency_key,
        owner_id,
        request.day,
        request.project_id,
        request.agent_name,
        request.amount,
        reused=False,
    )


def refusal(
    request: ReserveRequest, level: Level, current: Decimal, limit: Decimal
) -> BudgetExceeded:
    return BudgetExceeded(
        scope=level.scope,
        level_key=level.key,
        day=request.day,
        current=current,
        limit=limit,
        needed=request.amount,
        project_id=level.project_id,
        agent=level.agent,
    )


async def _release_expired(
    conn: AsyncConnection, locked: Locked, expired: Sequence[Any], now: datetime
) -> None:
    # Checked again under the locks: a late settle or a retry may have taken one meanwhile.
    released = set(
        (
            await conn.execute(
                update(R)
                .where(R.id.in_([r.id for r in expired]), R.state == "reserved", R.expires_at < now)
                .values(state="released", closed_at=now)
                .returning(R.id)
            )
        )
        .scalars()
        .all()
    )
    for r in expired:
        if r.id in released:
            for level in levels_of(r.project_id, r.agent_name):
                locked.row(r.day, level).add(reserved=-r.amount_usd)


async def settle_locked(
    conn: AsyncConnection,
    hold: Hold,
    charge: Charge,
    *,
    now: datetime,
    default_daily_usd: Decimal,
) -> Settlement:
    levels = hold.levels
    locked = await lock_levels(conn, hold.owner_id, {(hold.day, level) for level in levels})
    reservation = (
        await conn.execute(
            select(R.id, R.state, R.amount_usd)
            .where(R.idempotency_key == hold.idempotency_key)
            .with_for_update()
        )
    ).one()
    if reservation.state == "settled":
        return Settlement(await load_usage(conn, hold.idempotency_key), [], replayed=True)
    # A hold that expired and was released while the call ran is no longer
    # counted; the money was still spent, so it is charged all the same.
    held = reservation.amount_usd if reservation.state == "reserved" else ZERO
    for level in levels:
        locked.row(hold.day, level).add(spent=charge.cost_usd, reserved=-held)
    limits = effective_limits(levels, locked.rules(hold.day), default_daily_usd)
    alerts = [
        alert
        for level in levels
        if (
            alert := alert_due(
                locked.row(hold.day, level),
                owner_id=hold.owner_id,
                day=hold.day,
                limit=limits[level.key],
                now=now,
                refused=False,
            )
        )
    ]
    await write_levels(conn, locked)
    await conn.execute(
        update(R)
        .where(R.id == reservation.id)
        .values(state="settled", cost_usd=charge.cost_usd, closed_at=now)
    )
    usage = ChargedUsage.of(hold, charge, now)
    await conn.execute(insert(TokenUsage).values(**asdict(usage)))
    await store_alerts(conn, alerts, now)
    return Settlement(usage, alerts, replayed=False)


async def release_locked(conn: AsyncConnection, hold: Hold, *, now: datetime) -> None:
    locked = await lock_levels(
        conn, hold.owner_id, {(hold.day, level) for level in hold.levels}, missing_ok=True
    )
    released = (
        await conn.execute(
            update(R)
            .where(R.idempotency_key == hold.idempotency_key, R.state == "reserved")
            .values(state="released", closed_at=now)
            .returning(R.amount_usd)
        )
    ).scalar_one_or_none()
    if released is None:
        return
    for level in hold.levels:
        key = (hold.day, level.key)
        if key in locked.rows:
            locked.rows[key].add(reserved=-released)
    await write_levels(conn, locked)


async def record_alerts(
    store: BudgetStore,
    *,
    owner_id: int,
    day: date,
    levels: Sequence[Level],
    refused: Level | None,
    now: datetime,
    default_daily_usd: Decimal,
) -> list[Alert]:
    """Decide, mark and store the alerts `levels` owe, under their row locks (so each goes out once)."""

    async def work(conn: AsyncConnection) -> list[Alert]:
        locked = await lock_levels(conn, owner_id, {(day, level) for level in levels})
        limits = effective_limits(levels, locked.rules(day), default_daily_usd)
        alerts = [
            alert
            for level in levels
            if (refused is None or level == refused)
            and (
                alert := alert_due(
                    locked.row(day, level),
                    owner_id=owner_id,
                    day=day,
                    limit=limits[level.key],
                    now=now,
                    refused=refused is not None,
                )
            )
        ]
        await write_levels(conn, locked)
        await store_alerts(conn, alerts, now)
        return alerts

    return await in_transaction(store, owner_id, work)
