"""What a customer's tier is decided from: plain values loaded once, no ORM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class InvoiceFact:
    """One invoice as payment reliability sees it: when it was due and when (if ever) it was paid."""

    due_on: date
    paid_on: date | None


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    """The inputs of the tier rules for one customer (with everyone merged into them)."""

    spend_12m: Decimal
    tenure_days: int
    payment_reliability: Decimal | None
    active_products: int
    influence: int | None
    loyalty_level: str = ""

    def as_json(self) -> dict[str, str | int | None]:
        """The facts as JSON-ready values (decimals as strings, so nothing is rounded twice)."""
        return {
            "spend_12m": str(self.spend_12m),
            "tenure_days": self.tenure_days,
            "payment_reliability": _text(self.payment_reliability),
            "active_products": self.active_products,
            "influence": self.influence,
            "loyalty_level": self.loyalty_level,
        }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
