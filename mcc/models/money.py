"""The column type of every amount of money: exact decimals, never floats."""

from __future__ import annotations

from sqlalchemy import Numeric

# 1e-10 USD resolution: a token of the cheapest models costs ~1e-8 USD, and
# amounts up to 1e10 USD fit. PostgreSQL's numeric is exact. SQLite stores these
# as REAL (15 significant digits: exact at this scale below 100 000 USD), so on
# SQLite the budget never adds in SQL: it computes with Decimal and writes the
# result (only the summary's SUMs run in SQLite, rounded back to this scale).
USD = Numeric(20, 10)
# Per-token prices are smaller still (OpenRouter lists e.g. 0.0000000375).
USD_PER_TOKEN = Numeric(24, 18)
