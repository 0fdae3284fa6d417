"""The per-day ledger rows of budget levels, locked for the length of a bookkeeping transaction.

Every transaction that changes an owner's ledger locks the rows it touches in
one statement ordered by (day, level_key), so two transactions always lock in
the same order and cannot deadlock; every call's levels include the global
one, so bookkeeping of one owner and day is serialized on that row while
other owners proceed in parallel. The new values are computed in Python with
Decimal and written back: no float arithmetic in SQL (SQLite has no decimal).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mcc.budget.levels import Level, LimitRule
from mcc.budget.money import ZERO
from mcc.budget.pause import is_paused_value, pause_flag
from mcc.budget.store import BudgetStore, insert_or_merge
from mcc.models.budget_ledger import BudgetLedger
from mcc.models.budget_limit import BudgetLimit

log = logging.getLogger(__name__)

DayLevel = tuple[date, Level]


@dataclass
class LedgerRow:
    id: int
    day: date
    level_key: str
    scope: str
    project_id: int | None
    agent_name: str | None
    spent: Decimal
    reserved: Decimal
    warning_sent_at: datetime | None
    critical_sent_at: datetime | None
    rule: LimitRule | None
    dirty: bool = False

    def add(self, *, spent: Decimal = ZERO, reserved: Decimal = ZERO) -> None:
        self.spent += spent
        self.reserved += reserved
        if self.reserved < ZERO:
            # Only a bookkeeping bug gets here; never let it grow the budget.
            log.error("budget ledger %s %s: reserved went negative", self.day, self.level_key)
            self.reserved = ZERO
        self.dirty = True


@dataclass
class Locked:
    rows: dict[tuple[date, str], LedgerRow]
    paused: bool

    def row(self, day: date, level: Level) -> LedgerRow:
        return self.rows[(day, level.key)]

    def rules(self, day: date) -> dict[str, LimitRule]:
        return {
            key: row.rule
            for (row_day, key), row in self.rows.items()
            if row_day == day and row.rule is not None
        }


def _lock_statement(owner_id: int, wanted: Collection[DayLevel]) -> Any:
    by_day: dict[date, set[str]] = {}
    for day, level in wanted:
        by_day.setdefault(day, set()).add(level.key)
    ledger, limit = BudgetLedger, BudgetLimit
    return (
        select(
            ledger.id,
            ledger.day,
            ledger.level_key,
            ledger.scope,
            ledger.project_id,
            ledger.agent_name,
            ledger.spent_usd,
            ledger.reserved_usd,
            ledger.warning_sent_at,
            ledger.critical_sent_at,
            limit.id.label("limit_id"),
            limit.daily_usd,
            limit.share_pct,
            pause_flag(owner_id).label("pause"),
        )
        .outerjoin(
            limit, and_(limit.owner_id == ledger.owner_id, limit.level_key == ledger.level_key)
        )
        .where(
            ledger.owner_id == owner_id,
            or_(
                *(
                    and_(ledger.day == day, ledger.level_key.in_(sorted(keys)))
                    for day, keys in sorted(by_day.items())
                )
            ),
        )
        .order_by(ledger.day, ledger.level_key)
        .with_for_update(of=ledger)
    )


class MissingLevels(Exception):
    """Some ledger rows do not exist yet: create them (`create_levels`) and run the transaction again.

    They must not be inserted inside the locking transaction: a transaction
    holding an uncommitted new row while waiting for a lock, and one holding
    that lock while inserting the same row, deadlock on PostgreSQL.
    """

    def __init__(self, missing: list[DayLevel]) -> None:
        super().__init__(f"{len(missing)} budget ledger rows missing")
        self.missing = missing


async def lock_levels(
    conn: AsyncConnection, owner_id: int, wanted: Collection[DayLevel], *, missing_ok: bool = False
) -> Locked:
    """Lock the ledger rows of `wanted`, read with their limit rules and the owner's pause flag.

    Raises MissingLevels when a row does not exist, unless `missing_ok`.
    """
    result = (await conn.execute(_lock_statement(owner_id, wanted))).all()
    if not missing_ok and len(result) < len({(day, level.key) for day, level in wanted}):
        found = {(row.day, row.level_key) for row in result}
        raise MissingLevels([(day, lvl) for day, lvl in wanted if (day, lvl.key) not in found])
    rows: dict[tuple[date, str], LedgerRow] = {}
    paused = False
    for row in result:
        paused = paused or is_paused_value(row.pause)
        rows[(row.day, row.level_key)] = LedgerRow(
            id=row.id,
            day=row.day,
            level_key=row.level_key,
            scope=row.scope,
            project_id=row.project_id,
            agent_name=row.agent_name,
            spent=row.spent_usd,
            reserved=row.reserved_usd,
            warning_sent_at=row.warning_sent_at,
            critical_sent_at=row.critical_sent_at,
            rule=LimitRule(row.daily_usd, row.share_pct) if row.limit_id is not None else None,
        )
    if not result:
        paused = await _paused_without_rows(conn, owner_id)
    return Locked(rows=rows, paused=paused)


async def _paused_without_rows(conn: AsyncConnection, owner_id: int) -> bool:
    return is_paused_value(await conn.scalar(select(pause_flag(owner_id))))


async def create_levels(store: BudgetStore, owner_id: int, missing: Collection[DayLevel]) -> None:
    """Insert the missing ledger rows (zero spent and reserved) in a transaction of their own."""
    async with store.transaction() as conn:
        await conn.execute(
            insert_or_merge(conn, BudgetLedger).on_conflict_do_nothing(
                index_elements=[BudgetLedger.owner_id, BudgetLedger.day, BudgetLedger.level_key]
            ),
            [
                {
                    "owner_id": owner_id,
                    "day": day,
                    "level_key": level.key,
                    "scope": level.scope,
                    "project_id": level.project_id,
                    "agent_name": level.agent,
                    "spent_usd": ZERO,
                    "reserved_usd": ZERO,
                }
                # One order for everyone: concurrent inserts of the same rows wait, never cross.
                for day, level in sorted(missing, key=lambda item: (item[0], item[1].key))
            ],
        )


_write = (
    update(BudgetLedger)
    .where(BudgetLedger.id == bindparam("row_id"))
    .values(
        spent_usd=bindparam("spent"),
        reserved_usd=bindparam("reserved"),
        warning_sent_at=bindparam("warning_sent_at"),
        critical_sent_at=bindparam("critical_sent_at"),
    )
)


async def write_levels(conn: AsyncConnection, locked: Locked) -> None:
    """Write back the rows that changed."""
    changed = [row for row in locked.rows.values() if row.dirty]
    if not changed:
        return
    await conn.execute(
        _write,
        [
            {
                "row_id": row.id,
                "spent": row.spent,
                "reserved": row.reserved,
                "warning_sent_at": row.warning_sent_at,
                "critical_sent_at": row.critical_sent_at,
            }
            for row in changed
        ],
    )
    for row in changed:
        row.dirty = False
