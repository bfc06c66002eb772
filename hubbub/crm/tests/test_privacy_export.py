"""Access and portability (GDPR Art. 15, 20): everything about a customer, as JSON and as safe CSV."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from hubbub.crm.actions.privacy import export_customer, export_customer_csv
from hubbub.crm.tests.privacy_fixtures import HOSTILE_NOTES, make_data_subject

SECTIONS = [
    "profile",
    "identities",
    "addresses",
    "notes",
    "purchases",
    "invoices",
    "interactions",
    "posts",
    "merges",
    "suggestions",
]


@pytest.fixture
def subject(brand_a, bob):
    return make_data_subject(brand_a, bob)


def _csv_sections(archive: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        return {
            name.removesuffix(".csv"): list(
                csv.DictReader(io.StringIO(zipped.read(name).decode(), newline=""))
            )
            for name in zipped.namelist()
            if name.endswith(".csv")
        }


def _pick(rows, *columns):
    return sorted(tuple(row[column] for column in columns) for row in rows)


def test_json_export_holds_every_section_of_the_whole_merge_group(subject):
    exported = export_customer(subject.merged)

    assert list(exported) == ["format_version", "exported_at", "customer_id", *SECTIONS]
    assert exported["customer_id"] == subject.survivor.id
    assert _pick(exported["profile"], "display_name", "email", "phone", "merged_into_id") == [
        ("Zee Q.", "zq.alt@example.net", "+4915550199000", subject.survivor.id),
        ("Zelda Quixote", "zelda.quixote@example.net", "+4915550199887", None),
    ]
    assert _pick(exported["identities"], "network", "external_id", "handle") == [
        ("email", "zq-email-identity@example.net", ""),
        ("twitter", "zq-twitter-771", "zeldaq_erasable"),
    ]
    assert _pick(exported["addresses"], "line1", "city", "country") == [("Quixotestrasse 9", "Berlin", "DE")]
    assert _pick(exported["notes"], "text") == sorted(
        (text,) for text in [*HOSTILE_NOTES, "Note on Quixote: prefers email"]
    )
    assert _pick(exported["purchases"], "order_number", "amount", "purchased_on", "product__sku") == [
        ("ZQ-ORDER-5531", "199.90", "2026-03-01", "PHONE-1")
    ]
    assert _pick(exported["invoices"], "number", "due_on", "paid_on") == [
        ("ZQ-INV-8812", "2026-03-31", "2026-03-20")
    ]
    assert _pick(exported["interactions"], "summary", "occurred_at") == [
        ("Called about the Quixote contract", "2026-04-01T10:00:00+00:00")
    ]
    assert _pick(exported["posts"], "external_id", "text") == [
        ("zq-post-1", "Quixote post about a broken phone"),
        ("zq-post-2", "Quixote post about a broken phone, again"),
        ("zq-reply-1", "Thanks Quixote, we are on it"),
    ]
    assert _pick(exported["merges"], "survivor_id", "merged_id") == [(subject.survivor.id, subject.merged.id)]
    assert _pick(exported["suggestions"], "customer_id", "candidate_id", "reasons") == [
        (subject.bystander.id, subject.survivor.id, ["same city"])
    ]


def test_json_export_is_serialisable_as_is(subject):
    exported = export_customer(subject.survivor)

    assert json.loads(json.dumps(exported)) == exported


def test_csv_export_holds_the_same_rows_as_the_json_export(subject):
    sections = _csv_sections(export_customer_csv(subject.survivor))

    assert sorted(sections) == sorted(SECTIONS)
    assert _pick(sections["profile"], "display_name", "email") == [
        ("Zee Q.", "zq.alt@example.net"),
        ("Zelda Quixote", "zelda.quixote@example.net"),
    ]
    assert _pick(sections["identities"], "external_id", "handle") == [
        ("zq-email-identity@example.net", ""),
        ("zq-twitter-771", "zeldaq_erasable"),
    ]
    assert _pick(sections["purchases"], "order_number", "amount", "product__name") == [
        ("ZQ-ORDER-5531", "199.90", "Phone One")
    ]
    assert _pick(sections["posts"], "external_id") == [("zq-post-1",), ("zq-post-2",), ("zq-reply-1",)]
    assert _pick(sections["suggestions"], "reasons", "score") == [('["same city"]', "0.4")]
    assert {section: len(rows) for section, rows in sections.items()} == {
        "profile": 2,
        "identities": 2,
        "addresses": 1,
        "notes": 7,
        "purchases": 1,
        "invoices": 1,
        "interactions": 1,
        "posts": 3,
        "merges": 1,
        "suggestions": 1,
    }


def test_csv_export_neutralises_formula_cells(subject):
    notes = _csv_sections(export_customer_csv(subject.survivor))["notes"]

    assert _pick(notes, "text") == sorted(
        [
            ("'=cmd|' /C calc'!A0",),
            ("'+1",),
            ("'-1",),
            ("'@SUM(1)",),
            ("'\tcalc",),
            ("'\rcalc",),
            ("Note on Quixote: prefers email",),
        ]
    )


def test_export_leaves_out_other_customers(subject):
    exported = export_customer(subject.survivor)

    assert subject.bystander.id not in {row["id"] for row in exported["profile"]}
    assert subject.bystander_post.id not in {row["id"] for row in exported["posts"]}
