"""The pure rules of the budget: the limit tree, alert thresholds, rounding, the budget day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from mcc.budget.alerts import due_level
from mcc.budget.day import budget_day
from mcc.budget.levels import Level, LimitRule, effective_limits, levels_of
from mcc.budget.money import allowance, charge, decimal_of
from mcc.llm import ChatMessage, ModelPrice, Usage
from mcc.llm.gateway import GatewayCall, actual_cost, worst_case_usd

D = Decimal


def test_a_call_is_charged_to_global_project_and_agent_levels_top_down():
    assert levels_of(3, "coder_1") == (
        Level("global"),
        Level("project", 3),
        Level("agent", 3, "coder_1"),
    )
    assert [lvl.key for lvl in levels_of(3, None)] == ["global", "project:3"]
    assert levels_of(None, "orchestrator") == (Level("global"),)


def test_limits_are_shares_of_their_parent_and_unset_levels_are_bounded_by_it():
    levels = levels_of(3, "coder_1")
    rules = {
        "global": LimitRule(daily_usd=D("20")),
        "project:3": LimitRule(share_pct=D("25")),
        "agent:3:coder_1": LimitRule(share_pct=D("33.3333")),
    }
    assert effective_limits(levels, rules, D("10")) == {
        "global": D("20"),
        "project:3": D("5"),
        "agent:3:coder_1": D("1.666665"),
    }
    # No project share: the agent's share is of the global limit; no global row: the default.
    agent_only = {"agent:3:coder_1": LimitRule(share_pct=D("10"))}
    assert effective_limits(levels, agent_only, D("10")) == {
        "global": D("10"),
        "project:3": None,
        "agent:3:coder_1": D("1"),
    }


def test_limits_round_down_and_charges_round_up_at_a_tenth_of_a_nano_dollar():
    assert allowance(D("1") / D("3")) == D("0.3333333333")
    assert charge(D("1") / D("3")) == D("0.3333333334")
    assert decimal_of(0.1) == D("0.1")


@pytest.mark.parametrize(
    ("spent", "warning_sent", "critical_sent", "refused", "expected"),
    [
        ("0.79", False, False, False, None),
        ("0.80", False, False, False, "warning"),
        ("0.95", True, False, False, None),
        ("1.00", True, False, False, "critical"),
        ("1.20", False, False, False, "critical"),  # straight past both: the critical one
        ("1.00", True, True, False, None),
        ("0.85", True, False, True, "critical"),  # refused while past 80%: work stops here
        ("0.30", False, False, True, None),  # one oversized call refused: no alarm
    ],
)
def test_alert_levels(spent, warning_sent, critical_sent, refused, expected):
    level = due_level(
        D(spent), D("1"), warning_sent=warning_sent, critical_sent=critical_sent, refused=refused
    )
    assert level == expected


def test_a_level_without_a_limit_never_alerts():
    assert due_level(D(5), None, warning_sent=False, critical_sent=False, refused=False) is None


def test_the_budget_day_follows_the_configured_time_zone():
    late = datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 23:30 PST on the 7th; DST starts that night
    assert budget_day(late, "UTC") == date(2026, 3, 8)
    assert budget_day(late, "America/Los_Angeles") == date(2026, 3, 7)
    assert budget_day(late.replace(hour=8), "America/Los_Angeles") == date(2026, 3, 8)
    assert budget_day(datetime(2026, 3, 7, 23, 30, tzinfo=UTC), "Asia/Tokyo") == date(2026, 3, 8)


def test_worst_case_is_the_prompt_bound_plus_max_tokens_and_settlement_prefers_the_provider():
    price = ModelPrice.per_million("m", 3.0, 15.0)
    call = GatewayCall(
        owner_id=1,
        model="m",
        messages=[ChatMessage.user("x" * 300)],
        max_tokens=1000,
        idempotency_key="k",
    )
    # 8 priming + 8 per message + 100 text tokens = 116 prompt tokens at most.
    assert worst_case_usd(call, price) == D("0.000348") + D("0.015")
    held = D("0.015348")
    assert actual_cost(
        Usage(prompt_tokens=90, completion_tokens=10, cost_usd=0.0007), price, held
    ) == (
        D("0.0007"),
        "provider",
    )
    assert actual_cost(Usage(prompt_tokens=90, completion_tokens=10), price, held) == (
        D("0.00042"),
        "tokens",
    )
    assert actual_cost(None, price, held) == (held, "reservation")
