"""The API's typed request and response shapes; their JSON Schemas appear in the OpenAPI document."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema


class Identity(Schema):
    network: str
    external_id: str
    handle: str
    followers: int


class CustomerSummary(Schema):
    id: int
    brand: str
    display_name: str
    email: str
    phone: str
    tier: str
    influence: int | None
    objects_to_profiling: bool
    identities: list[Identity]


class CustomerPage(Schema):
    results: list[CustomerSummary]
    next_cursor: str | None


class Reliability(Schema):
    score: str | None
    on_time: int
    late: int
    not_yet_due: int
    explanation: str


class CustomerDetail(CustomerSummary):
    language: str
    customer_since: date | None
    loyalty_level: str
    attributes: dict[str, Any]
    tier_explanation: dict[str, Any]
    reliability: Reliability
    merged_customer_ids: list[int]
    created_at: datetime


class TimelineEntry(Schema):
    kind: str
    id: int
    occurred_at: datetime
    channel: str
    label: str
    summary: str
    is_inbound: bool
    sentiment: str
    reference: str


class TimelinePage(Schema):
    results: list[TimelineEntry]
    next_cursor: str | None


class MergeRequest(Schema):
    into: int


class MergeResult(Schema):
    merge_id: int
    survivor_id: int
    merged_id: int


class ErasureResult(Schema):
    erasure_id: int
    customer_number: int
    removed: dict[str, int]


class Objection(Schema):
    customer_id: int
    objects_to_profiling: bool
    influence: int | None


class Error(Schema):
    detail: str
