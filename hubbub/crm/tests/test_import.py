"""`hubbub import_crm`: customers, products and purchases from CSV, bad rows reported, idempotent."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hubbub.core.models import Brand
from hubbub.crm.models import Address, Customer, Identity, Product, Purchase

pytestmark = pytest.mark.django_db

CUSTOMERS = """\
reference,name,email,phone,language,customer_since,network,handle,address_line1,city,country,attr_plan
C-1,Dana Customer,Dana@Example.com,+49 30 123456,de,2020-03-01,twitter,@dana_tw,1 Main St,Berlin,DE,Unlimited
C-2,Eli Example,,,en,,,,,,,
C-3,,nobody@example.com,,,,,,,,,
C-4,Bad Phone,bad@example.com,12345,,,,,,,,
,No Key,,,,,,,,,,
C-5,Bad Date,,,,2020-13-45,,,,,,
"""
PRODUCTS = "sku,name,kind\n5G-UNL,Unlimited 5G,subscription\nPHONE-X,Phone X,product\nBAD,Bad kind,gadget\n"
PURCHASES = """\
customer_reference,customer_email,sku,order_number,purchased_on,ends_on,amount,currency
C-1,,5G-UNL,A-1,2026-01-01,2027-01-01,40.00,EUR
,dana@example.com,PHONE-X,A-2,2026-02-01,,799.00,EUR
C-2,,NOPE,A-3,2026-02-01,,1.00,EUR
C-9,,PHONE-X,A-4,2026-02-01,,1.00,EUR
C-1,,PHONE-X,A-5,2026-02-01,,-5,EUR
"""


def _run(tmp_path: Path, kind: str, content: str, brand: str = "acme") -> tuple[str, list[dict[str, object]]]:
    path = tmp_path / f"{kind}.csv"
    path.write_text(content, encoding="utf-8")
    rejects = tmp_path / f"{kind}.csv.rejects.jsonl"
    out, err = StringIO(), StringIO()
    call_command("import_crm", kind, str(path), "--brand", brand, stdout=out, stderr=err)
    rows = [json.loads(line) for line in rejects.read_text().splitlines()]
    return out.getvalue(), rows


def _counts(summary: str) -> dict[str, int]:
    return {line.split()[0]: int(line.split()[1]) for line in summary.splitlines()}


def test_good_customer_rows_are_stored_with_identities_address_and_attributes(
    tmp_path: Path, brand_a: Brand
) -> None:
    summary, _ = _run(tmp_path, "customers", CUSTOMERS)

    dana = Customer.objects.get(source_key=f"import:{brand_a.id}:C-1")
    assert (dana.display_name, dana.email, dana.phone, dana.language) == (
        "Dana Customer",
        "dana@example.com",
        "+4930123456",
        "de",
    )
    assert dana.customer_since == date(2020, 3, 1)
    assert dana.attributes == {"plan": "Unlimited"}
    # The tiers of touched customers are recomputed: without tier rules, bronze, and it says why.
    assert (dana.tier, dana.tier_explanation["rule"]) == ("bronze", "no rule matched")
    assert sorted(Identity.objects.filter(customer=dana).values_list("network", "external_id")) == [
        ("email", "dana@example.com"),
        ("phone", "+4930123456"),
        ("twitter", "dana_tw"),
    ]
    assert list(Address.objects.values_list("customer_id", "line1", "city", "country")) == [
        (dana.id, "1 Main St", "Berlin", "DE")
    ]
    assert sorted(Customer.objects.values_list("display_name", flat=True)) == ["Dana Customer", "Eli Example"]
    assert _counts(summary) == {"read": 6, "created": 2, "updated": 0, "unchanged": 0, "rejected": 4}


def test_bad_customer_rows_are_reported_with_their_line_and_reason(tmp_path: Path, brand_a: Brand) -> None:
    _, rejects = _run(tmp_path, "customers", CUSTOMERS)

    assert [(row["line"], row["reason"]) for row in rejects] == [
        (4, "name: Field required"),
        (5, "phone: Value error, not a phone number in E.164 form, e.g. +4930123456"),
        (6, "a customer needs a reference or an email"),
        (
            7,
            "customer_since: Input should be a valid date or datetime, "
            "month value is outside expected range of 1-12",
        ),
    ]


def test_importing_the_same_files_again_changes_nothing(tmp_path: Path, brand_a: Brand) -> None:
    _run(tmp_path, "customers", CUSTOMERS)
    _run(tmp_path, "products", PRODUCTS)
    _run(tmp_path, "purchases", PURCHASES)
    before = [
        list(model.objects.order_by("id").values())
        for model in (Customer, Identity, Address, Product, Purchase)
    ]

    summaries = [_run(tmp_path, kind, content)[0] for kind, content in
                 (("customers", CUSTOMERS), ("products", PRODUCTS), ("purchases", PURCHASES))]  # fmt: skip

    after = [
        list(model.objects.order_by("id").values())
        for model in (Customer, Identity, Address, Product, Purchase)
    ]
    assert after == before
    assert [_counts(summary) for summary in summaries] == [
        {"read": 6, "created": 0, "updated": 0, "unchanged": 2, "rejected": 4},
        {"read": 3, "created": 0, "updated": 0, "unchanged": 2, "rejected": 1},
        {"read": 5, "created": 0, "updated": 0, "unchanged": 2, "rejected": 3},
    ]


def test_products_and_purchases_are_upserted_by_their_natural_keys(tmp_path: Path, brand_a: Brand) -> None:
    _run(tmp_path, "customers", CUSTOMERS)
    _, product_rejects = _run(tmp_path, "products", PRODUCTS)
    _, purchase_rejects = _run(tmp_path, "purchases", PURCHASES)

    assert sorted(Product.objects.values_list("sku", "kind")) == [
        ("5G-UNL", "subscription"),
        ("PHONE-X", "product"),
    ]
    assert [row["line"] for row in product_rejects] == [4]
    assert sorted(Purchase.objects.values_list("order_number", "product__sku", "amount", "ends_on")) == [
        ("A-1", "5G-UNL", Decimal("40.00"), date(2027, 1, 1)),
        ("A-2", "PHONE-X", Decimal("799.00"), None),
    ]
    assert [(row["line"], row["reason"]) for row in purchase_rejects] == [
        (4, "no product with SKU 'NOPE' in this brand (import the products first)"),
        (5, "no such customer in this brand (import the customers first)"),
        (6, "amount: Input should be greater than or equal to 0"),
    ]

    _run(tmp_path, "products", "sku,name,kind\nPHONE-X,Phone X (2026),product\n")
    assert Product.objects.get(sku="PHONE-X").name == "Phone X (2026)"
    assert Product.objects.count() == 2


def test_an_identity_of_another_customer_rejects_the_row_and_stores_none_of_it(
    tmp_path: Path, brand_a: Brand
) -> None:
    _run(tmp_path, "customers", "reference,name,email\nC-1,Dana,dana@example.com\n")

    _, rejects = _run(
        tmp_path, "customers", "reference,name,email,phone\nC-2,Other,dana@example.com,+4930999999\n"
    )

    assert [row["reason"] for row in rejects] == [
        "the email identity 'dana@example.com' belongs to another customer"
    ]
    assert list(Customer.objects.values_list("display_name", flat=True)) == ["Dana"]
    assert not Identity.objects.filter(external_id="+4930999999").exists()


def test_an_unknown_brand_is_an_error_and_stores_nothing(tmp_path: Path, brand_a: Brand) -> None:
    with pytest.raises(CommandError, match=r"no brand with slug 'nope' \(known brands: acme\)"):
        _run(tmp_path, "customers", CUSTOMERS, brand="nope")

    assert Customer.objects.count() == 0


def test_a_missing_file_is_an_error(tmp_path: Path, brand_a: Brand) -> None:
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_crm", "customers", str(tmp_path / "missing.csv"), "--brand", "acme")


def test_customers_are_imported_into_the_given_brand_only(
    tmp_path: Path, brand_a: Brand, brand_b: Brand
) -> None:
    _run(tmp_path, "customers", "reference,name\nC-1,Dana\n", brand="globex")

    assert list(Customer.objects.values_list("brand__slug", "source_key")) == [
        ("globex", f"import:{brand_b.id}:C-1")
    ]


def test_hostile_text_in_a_bad_row_reaches_the_terminal_escaped(tmp_path: Path, brand_a: Brand) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("reference,name,phone\nC-1,\x1b[31mred\x1b[0m,nope\n", encoding="utf-8")
    err = StringIO()
    call_command("import_crm", "customers", str(path), "--brand", "acme", stdout=StringIO(), stderr=err)

    assert "\x1b" not in err.getvalue()
    assert "\\x1b[31mred" in err.getvalue()
