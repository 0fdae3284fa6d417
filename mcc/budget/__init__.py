"""Exact hierarchical LLM budgets: global USD per day → project share % → agent share %.

Every LLM call goes through `mcc.llm.gateway.LLMGateway`, which uses this
package: the worst case is reserved at every level before the call
(`reservations.reserve`), refused with `BudgetExceeded` when a level would pass
100% or with `SystemPaused` while the owner's emergency pause is on, and
settled to the real cost afterwards (`reservations.settle`), writing one
token_usage row. Alerts go out at 80% and 100% of a level, once per level per
budget day (`alerts`); the day rolls over in the configured time zone (`day`).

Modules: `levels` (the tree and its limits), `limits` (CRUD), `ledger` (the
locked per-day rows), `holds` (values), `reservations` (the entry points),
`serialized` (the Python implementation: SQLite, and PostgreSQL's rare paths),
`pg_functions` (PostgreSQL's one-round-trip hot path), `alerts`, `pause`,
`summary`, `prices_cache`, `store` (where bookkeeping transactions run).
"""

from mcc.budget.errors import BudgetExceeded, BudgetSharesExceeded, SystemPaused

__all__ = ["BudgetExceeded", "BudgetSharesExceeded", "SystemPaused"]
