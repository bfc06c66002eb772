"""Importing customers, products and purchases from CSV: every bad row reported, never fatal.

Each row is parsed into a pydantic model, then upserted in its own savepoint by its natural key:
a customer by its `reference` column (kept as the customer's source key) or else by email within the
brand, a product by SKU, a purchase by (customer, order number, product). A row whose values are
already stored writes nothing, so importing the same file twice changes nothing. The tiers of the
customers a file touched are recomputed at the end.
"""

from __future__ import annotations

import csv
import enum
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.db.models import Model
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from hubbub.core.models import Brand
from hubbub.core.networks import NETWORK_VALUES, Network
from hubbub.core.posts import MAX_ID_CHARS, MAX_NAME_CHARS
from hubbub.crm.actions.tiers import recompute_tiers
from hubbub.crm.models import (
    Address,
    AddressKind,
    Customer,
    Identity,
    Product,
    ProductKind,
    Purchase,
    PurchaseStatus,
)

MAX_RAW_CHARS = 500
MAX_ATTRIBUTES = 50
ATTRIBUTE_PREFIX = "attr_"
_PHONE = re.compile(r"\+[1-9][0-9]{3,14}")
_PHONE_PUNCTUATION = re.compile(r"[\s().-]")


class ImportKind(enum.StrEnum):
    CUSTOMERS = "customers"
    PRODUCTS = "products"
    PURCHASES = "purchases"


class RowRefusedError(Exception):
    """A row that parsed but cannot be stored (an unknown SKU, an identity of another customer)."""


@dataclass(frozen=True, slots=True)
class RowError:
    """A bad row: its line in the file, why it was refused, and an excerpt of it."""

    line: int
    reason: str
    raw: str


@dataclass(slots=True)
class ImportReport:
    """What an import did, row by row."""

    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    customer_ids: set[int] = field(default_factory=set)

    @property
    def rejected(self) -> int:
        return len(self.errors)


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_missing(cls, data: Any) -> Any:
        # An empty CSV cell means "not given": the field's default applies, or it is reported missing.
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value not in ("", None)}
        return data


class CustomerRow(_Row):
    """A customer: a reference or an email identifies them; email, phone and handle become identities."""

    reference: str = Field(default="", max_length=MAX_ID_CHARS)
    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=32)
    language: str = Field(default="", max_length=8)
    customer_since: date | None = None
    loyalty_level: str = Field(default="", max_length=40)
    billing_account: str = Field(default="", max_length=64)
    tax_id: str = Field(default="", max_length=32)
    payment_method: str = Field(default="", max_length=40)
    marketing_consent: bool = False
    network: str = ""
    handle: str = Field(default="", max_length=MAX_NAME_CHARS)
    address_line1: str = Field(default="", max_length=200)
    address_line2: str = Field(default="", max_length=200)
    postcode: str = Field(default="", max_length=20)
    city: str = Field(default="", max_length=100)
    region: str = Field(default="", max_length=100)
    country: str = Field(default="", pattern=r"^([A-Za-z]{2})?$")
    attributes: dict[str, str] = Field(default_factory=dict)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _valid_email(value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return _valid_phone(value)

    @field_validator("network")
    @classmethod
    def _network(cls, value: str) -> str:
        if value and value not in NETWORK_VALUES:
            raise ValueError(f"unknown network {value[:40]!r}")
        return value


class ProductRow(_Row):
    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    kind: ProductKind = ProductKind.PRODUCT


class PurchaseRow(_Row):
    """A purchase of a product by SKU, by a customer named by reference or email."""

    customer_reference: str = Field(default="", max_length=MAX_ID_CHARS)
    customer_email: str = Field(default="", max_length=254)
    sku: str = Field(min_length=1, max_length=64)
    order_number: str = Field(min_length=1, max_length=64)
    purchased_on: date
    ends_on: date | None = None
    quantity: int = Field(default=1, ge=1, le=1_000_000)
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    status: PurchaseStatus = PurchaseStatus.ACTIVE

    @field_validator("customer_email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _valid_email(value)


def _valid_email(value: str) -> str:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("not an email address") from None
    return value.lower()


def _valid_phone(value: str) -> str:
    number = _PHONE_PUNCTUATION.sub("", value)
    if number and not _PHONE.fullmatch(number):
        raise ValueError("not a phone number in E.164 form, e.g. +4930123456")
    return number


def import_csv(
    kind: ImportKind,
    lines: Iterable[str],
    brand: Brand,
    *,
    on_progress: Callable[[int], object] = lambda _line: None,
) -> ImportReport:
    """Upsert every good row of a CSV file into `brand`; bad rows are collected in the report."""
    report = ImportReport()
    store = _STORES[kind]
    for line, raw in _rows(lines):
        report.read += 1
        try:
            with transaction.atomic():
                outcome, customer_id = store(raw, brand)
        except ValidationError as error:
            report.errors.append(RowError(line, _reason(error), _excerpt(raw)))
        except (RowRefusedError, DatabaseError) as error:
            report.errors.append(RowError(line, str(error)[:300], _excerpt(raw)))
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
            if customer_id is not None and outcome != "unchanged":
                report.customer_ids.add(customer_id)
        on_progress(line)
    if report.customer_ids:
        recompute_tiers(report.customer_ids)
    return report


def _rows(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number where the row starts, row) for each data row; the header is line 1."""
    reader = csv.DictReader(iter(lines))
    start = 2
    for row in reader:
        yield start, {key.strip().lower(): value for key, value in row.items() if isinstance(key, str)}
        start = reader.line_num + 1


def _reason(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}"[:300]


def _excerpt(raw: dict[str, Any]) -> str:
    return ",".join(str(value) for value in raw.values() if value)[:MAX_RAW_CHARS]


def _store_customer(raw: dict[str, Any], brand: Brand) -> tuple[str, int | None]:
    attributes = {
        key.removeprefix(ATTRIBUTE_PREFIX): value
        for key, value in raw.items()
        if key.startswith(ATTRIBUTE_PREFIX) and value
    }
    row = CustomerRow.model_validate({**raw, "attributes": dict(list(attributes.items())[:MAX_ATTRIBUTES])})
    if not (row.reference or row.email):
        raise RowRefusedError("a customer needs a reference or an email")
    customer = _find_customer(brand, row.reference, row.email)
    values = {
        "display_name": row.name,
        "email": row.email,
        "phone": row.phone,
        "language": row.language,
        "customer_since": row.customer_since,
        "loyalty_level": row.loyalty_level,
        "billing_account": row.billing_account,
        "tax_id": row.tax_id,
        "payment_method": row.payment_method,
        "marketing_consent": row.marketing_consent,
        "attributes": {**(customer.attributes if customer else {}), **row.attributes},
    }
    if customer is None:
        key = _reference_key(brand, row.reference) if row.reference else None
        customer = Customer.objects.create(brand=brand, source_key=key, **values)
        outcome = "created"
    else:
        outcome = _update(customer, values)
    changed = _store_identities(customer, row) | _store_address(customer, row)
    return ("updated" if outcome == "unchanged" and changed else outcome), customer.id


def _reference_key(brand: Brand, reference: str) -> str:
    return f"import:{brand.id}:{reference}"


def _find_customer(brand: Brand, reference: str, email: str) -> Customer | None:
    if reference:
        return Customer.objects.filter(source_key=_reference_key(brand, reference)).first()
    return Customer.objects.filter(brand=brand, email=email, merged_into=None).order_by("id").first()


def _update(instance: Model, values: dict[str, Any]) -> str:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.save()
    return "updated" if changed else "unchanged"


def _store_identities(customer: Customer, row: CustomerRow) -> bool:
    wanted = [(Network.EMAIL.value, row.email, ""), (Network.PHONE.value, row.phone, "")]
    if row.network and row.handle:
        wanted.append((row.network, row.handle.lstrip("@"), row.handle.lstrip("@")))
    created = False
    for network, external_id, handle in wanted:
        if not external_id:
            continue
        identity, is_new = Identity.objects.get_or_create(
            brand=customer.brand,
            network=network,
            external_id=external_id,
            defaults={"customer": customer, "handle": handle},
        )
        if identity.customer_id != customer.id:
            raise RowRefusedError(f"the {network} identity {external_id!r} belongs to another customer")
        created |= is_new
    return created


def _store_address(customer: Customer, row: CustomerRow) -> bool:
    if not (row.address_line1 and row.city and row.country):
        return False
    values = {
        "line1": row.address_line1,
        "line2": row.address_line2,
        "postcode": row.postcode,
        "city": row.city,
        "region": row.region,
        "country": row.country.upper(),
    }
    address = Address.objects.filter(customer=customer, kind=AddressKind.BILLING).first()
    if address is None:
        Address.objects.create(customer=customer, kind=AddressKind.BILLING, **values)
        return True
    return _update(address, values) == "updated"


def _store_product(raw: dict[str, Any], brand: Brand) -> tuple[str, int | None]:
    row = ProductRow.model_validate(raw)
    product = Product.objects.filter(brand=brand, sku=row.sku).first()
    if product is None:
        Product.objects.create(brand=brand, sku=row.sku, name=row.name, kind=row.kind)
        return "created", None
    return _update(product, {"name": row.name, "kind": row.kind}), None


def _store_purchase(raw: dict[str, Any], brand: Brand) -> tuple[str, int | None]:
    row = PurchaseRow.model_validate(raw)
    if not (row.customer_reference or row.customer_email):
        raise RowRefusedError("a purchase needs a customer_reference or a customer_email")
    customer = _find_customer(brand, row.customer_reference, row.customer_email)
    if customer is None:
        raise RowRefusedError("no such customer in this brand (import the customers first)")
    product = Product.objects.filter(brand=brand, sku=row.sku).first()
    if product is None:
        raise RowRefusedError(f"no product with SKU {row.sku!r} in this brand (import the products first)")
    values = {
        "purchased_on": row.purchased_on,
        "ends_on": row.ends_on,
        "quantity": row.quantity,
        "amount": row.amount,
        "currency": row.currency,
        "status": row.status,
    }
    purchase = Purchase.objects.filter(
        customer=customer, order_number=row.order_number, product=product
    ).first()
    if purchase is None:
        Purchase.objects.create(customer=customer, order_number=row.order_number, product=product, **values)
        return "created", customer.id
    return _update(purchase, values), customer.id


# Each store returns its outcome (created, updated, unchanged) and the customer whose tier it may change.
_STORES: dict[ImportKind, Callable[[dict[str, Any], Brand], tuple[str, int | None]]] = {
    ImportKind.CUSTOMERS: _store_customer,
    ImportKind.PRODUCTS: _store_product,
    ImportKind.PURCHASES: _store_purchase,
}
