"""A model's price as the provider's model list gave it, cached so a restart needs no network."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base
from mcc.models.money import USD_PER_TOKEN


class ModelPriceRow(Base):
    __tablename__ = "model_prices"

    # Prices differ between providers, so the cache is per base URL.
    base_url: Mapped[str] = mapped_column(String(500), primary_key=True)
    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    input_usd_per_token: Mapped[Decimal] = mapped_column(USD_PER_TOKEN)
    output_usd_per_token: Mapped[Decimal] = mapped_column(USD_PER_TOKEN)
    fetched_at: Mapped[datetime]
