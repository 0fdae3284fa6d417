"""Exact USD amounts: Decimal at a fixed resolution, rounded against overspending."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

QUANTUM = Decimal("1e-10")  # the resolution of the money columns
ZERO = Decimal(0)


def decimal_of(value: float) -> Decimal:
    """A float price or cost as the Decimal its shortest repr names (0.1 -> Decimal("0.1"))."""
    return Decimal(repr(value))


def charge(amount: Decimal) -> Decimal:
    """An amount to reserve or charge, rounded up: the budget never undercounts."""
    return amount.quantize(QUANTUM, rounding=ROUND_CEILING)


def allowance(amount: Decimal) -> Decimal:
    """A limit, rounded down: the budget never admits more than was granted."""
    return amount.quantize(QUANTUM, rounding=ROUND_FLOOR)


def usd_of_sum(value: object) -> Decimal:
    """A SUM of a money column as the database returns it (Decimal, or a float on SQLite),
    exact at the columns' resolution; NULL (no rows) is zero."""
    return ZERO if value is None else Decimal(str(value)).quantize(QUANTUM)


def usd(amount: Decimal | float | str) -> str:
    """An amount as a person reads it: at least cents, at most four decimals (LLM steps
    cost fractions of a cent: $0.045 stays $0.045, a $0.001 limit is not shown as $0.00,
    $3 reads $3.00)."""
    shown = Decimal(str(amount)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    text = f"{shown.normalize():f}"
    whole, _, cents = text.partition(".")
    return f"${whole}.{cents.ljust(2, '0')}"
