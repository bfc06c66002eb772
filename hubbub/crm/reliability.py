"""Payment reliability: the share of invoices paid on time, recent invoices weighing more.

Definition. An invoice *counts* once it is due (`due_on` on or before today) or paid. It is *on time*
when it was paid on or before its due date; paid later, or still unpaid after its due date, it is
*late*. Open invoices that are not yet due do not count either way. Each counted invoice weighs
`0.5 ** (age / HALF_LIFE_DAYS)`, its age taken from its due date, so an invoice a year old weighs
half as much as one due today. Reliability is the weighted share of on-time invoices, 0 to 1, to
three decimals (the precision of `TierRule.min_payment_reliability`); None without counted invoices.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from hubbub.crm.facts import InvoiceFact

HALF_LIFE_DAYS = 365
PRECISION = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class Reliability:
    """A reliability score with the counts behind it."""

    score: Decimal | None
    on_time: int
    late: int
    not_yet_due: int

    @property
    def explanation(self) -> str:
        """One line, e.g. "3 of 4 invoices paid on time (recent ones weigh more): 0.812"."""
        if self.score is None:
            return "no invoices due yet"
        counted = self.on_time + self.late
        return f"{self.on_time} of {counted} invoices paid on time (recent ones weigh more): {self.score}"


def payment_reliability(invoices: Iterable[InvoiceFact], today: date) -> Reliability:
    """The weighted share of due invoices paid on time (see the module's definition)."""
    on_time = late = not_yet_due = 0
    weight_on_time = weight_all = 0.0
    for invoice in invoices:
        if invoice.paid_on is None and invoice.due_on > today:
            not_yet_due += 1
            continue
        weight = 0.5 ** (max((today - invoice.due_on).days, 0) / HALF_LIFE_DAYS)
        weight_all += weight
        if invoice.paid_on is not None and invoice.paid_on <= invoice.due_on:
            on_time += 1
            weight_on_time += weight
        else:
            late += 1
    if on_time + late == 0:
        return Reliability(None, 0, 0, not_yet_due)
    score = Decimal(weight_on_time / weight_all).quantize(PRECISION, rounding=ROUND_HALF_UP)
    return Reliability(score, on_time, late, not_yet_due)
