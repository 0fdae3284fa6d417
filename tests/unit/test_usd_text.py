"""Amounts in sentences (notifications, an agent's status) as a person reads them."""

from __future__ import annotations

import pytest

from mcc.budget.alerts import budget_title
from mcc.budget.money import usd


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("3", "$3.00"),
        ("8.5", "$8.50"),
        ("0.045", "$0.045"),
        ("0.001", "$0.001"),
        ("0", "$0.00"),
        ("0.2667812345", "$0.2668"),
        ("100", "$100.00"),
    ],
)
def test_an_amount_shows_cents_and_at_most_four_decimals(amount: str, shown: str) -> None:
    assert usd(amount) == shown


def test_a_tiny_limit_is_not_shown_as_nothing() -> None:
    _, message = budget_title(
        {"scope": "global", "level": "critical", "current": "0.2667812345", "limit": "0.001"}
    )
    assert message == "$0.2668 of $0.001: runs wait until it is raised or the day ends."
