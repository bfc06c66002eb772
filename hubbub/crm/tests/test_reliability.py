"""Payment reliability: the share of due invoices paid on time, recent ones weighing more."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hubbub.crm.facts import InvoiceFact
from hubbub.crm.reliability import Reliability, payment_reliability

TODAY = date(2026, 12, 1)


def test_no_invoices_give_no_reliability():
    assert payment_reliability([], TODAY) == Reliability(None, 0, 0, 0)
    assert payment_reliability([], TODAY).explanation == "no invoices due yet"


def test_invoices_not_yet_due_and_unpaid_do_not_count():
    result = payment_reliability([InvoiceFact(date(2026, 12, 15), None)], TODAY)

    assert result == Reliability(None, 0, 0, 1)


def test_an_invoice_paid_on_its_due_date_is_on_time():
    result = payment_reliability([InvoiceFact(date(2026, 11, 1), date(2026, 11, 1))], TODAY)

    assert result == Reliability(Decimal("1.000"), 1, 0, 0)


def test_an_invoice_paid_early_before_it_is_due_counts_as_on_time():
    result = payment_reliability([InvoiceFact(date(2026, 12, 20), date(2026, 11, 30))], TODAY)

    assert result == Reliability(Decimal("1.000"), 1, 0, 0)


def test_an_invoice_paid_a_day_late_is_late():
    result = payment_reliability([InvoiceFact(date(2026, 11, 1), date(2026, 11, 2))], TODAY)

    assert result == Reliability(Decimal("0.000"), 0, 1, 0)


def test_an_unpaid_invoice_past_its_due_date_is_late():
    result = payment_reliability([InvoiceFact(date(2026, 11, 30), None)], TODAY)

    assert result == Reliability(Decimal("0.000"), 0, 1, 0)


def test_invoices_due_the_same_day_weigh_the_same():
    invoices = [
        InvoiceFact(date(2026, 12, 1), date(2026, 12, 1)),
        InvoiceFact(date(2026, 12, 1), None),
        InvoiceFact(date(2026, 12, 1), date(2026, 11, 1)),
        InvoiceFact(date(2026, 12, 1), date(2026, 12, 1)),
    ]

    result = payment_reliability(invoices, TODAY)

    assert result == Reliability(Decimal("0.750"), 3, 1, 0)
    assert result.explanation == "3 of 4 invoices paid on time (recent ones weigh more): 0.750"


def test_a_year_old_late_invoice_weighs_half_of_a_recent_on_time_one():
    invoices = [InvoiceFact(date(2025, 12, 1), None), InvoiceFact(date(2026, 12, 1), date(2026, 12, 1))]

    assert payment_reliability(invoices, TODAY).score == Decimal("0.667")


def test_a_recent_late_invoice_lowers_reliability_more_than_an_old_one():
    recent_late = [InvoiceFact(date(2024, 12, 1), date(2024, 12, 1)), InvoiceFact(date(2026, 12, 1), None)]
    old_late = [InvoiceFact(date(2024, 12, 1), None), InvoiceFact(date(2026, 12, 1), date(2026, 12, 1))]

    assert payment_reliability(recent_late, TODAY).score == Decimal("0.200")
    assert payment_reliability(old_late, TODAY).score == Decimal("0.800")
