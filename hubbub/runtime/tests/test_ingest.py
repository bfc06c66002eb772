"""`hubbub ingest`: good rows stored once, bad rows reported with their line numbers, never fatal."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hubbub.core.models import Brand, PostRecord
from hubbub.core.tests.factories import BrandAccountFactory

pytestmark = pytest.mark.django_db


def row(external_id: str, text: str = "@acmecare my battery died again", **fields: Any) -> dict[str, Any]:
    return {
        "network": "twitter",
        "external_id": external_id,
        "author_id": f"author-{external_id}",
        "text": text,
        "created_at": "2026-03-01T10:00:00Z",
        **fields,
    }


def write_jsonl(path: Path, rows: Sequence[dict[str, Any] | str]) -> Path:
    lines = [item if isinstance(item, str) else json.dumps(item) for item in rows]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def ingest(*args: Any) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def summary(out: str) -> dict[str, int]:
    """The summary's counts by label ("stored new": 3, ...)."""
    counts = {}
    for line in out.splitlines():
        if match := re.match(r"([a-z ]+?) +([\d,]+)(  |$)", line):
            counts[match[1]] = int(match[2].replace(",", ""))
    return counts


def rejects_of(path: Path) -> list[tuple[int, str]]:
    return [(r["line"], r["reason"]) for r in map(json.loads, path.read_text().splitlines())]


@pytest.fixture
def acme(brand_a: Brand) -> Brand:
    BrandAccountFactory(brand=brand_a, network="twitter", handle="acmecare")
    return brand_a


def test_ingests_a_jsonl_file_into_the_brand_it_mentions(acme: Brand, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "posts.jsonl", [row("1"), row("2"), row("3", "nothing to see here")])

    out, _ = ingest(path)

    assert summary(out) == {
        "read": 3, "stored new": 2, "already stored": 0, "not about any brand": 1, "rejected": 0,
    }  # fmt: skip
    assert sorted(PostRecord.objects.values_list("external_id", "brand_id")) == [
        ("1", acme.id),
        ("2", acme.id),
    ]
    assert (tmp_path / "posts.jsonl.rejects.jsonl").read_text() == ""


def test_ingesting_the_same_file_twice_stores_nothing_new(acme: Brand, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "posts.jsonl", [row(str(n)) for n in range(1, 6)])
    ingest(path)

    out, _ = ingest(path)

    assert summary(out)["stored new"] == 0
    assert summary(out)["already stored"] == 5
    assert PostRecord.objects.count() == 5


def test_brand_option_assigns_every_row_to_that_brand(acme: Brand, brand_b: Brand, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "posts.jsonl", [row("1"), row("2", "no mention at all")])

    out, _ = ingest(path, "--brand", "globex")

    assert summary(out)["stored new"] == 2
    assert set(PostRecord.objects.values_list("brand_id", flat=True)) == {brand_b.id}


def test_unknown_brand_is_a_clear_error_and_stores_nothing(acme: Brand, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "posts.jsonl", [row("1")])

    with pytest.raises(CommandError, match=r"no brand with slug 'initech' \(known brands: acme\)"):
        ingest(path, "--brand", "initech")

    assert PostRecord.objects.count() == 0
    assert not (tmp_path / "posts.jsonl.rejects.jsonl").exists()


def test_missing_file_is_a_clear_error(acme: Brand, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"missing\.jsonl: no such file"):
        ingest(tmp_path / "missing.jsonl")


def test_unknown_extension_asks_for_a_format(acme: Brand, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "posts.txt", [row("1")])

    with pytest.raises(CommandError, match="pass --format"):
        ingest(path)

    out, _ = ingest(path, "--format", "jsonl")
    assert summary(out)["stored new"] == 1


def test_ingests_a_csv_file_with_hubbub_columns(acme: Brand, tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(
        "network,external_id,author_id,author_handle,text,created_at,author_followers\n"
        'twitter,c1,a1,dana,"@acmecare my bill, again, is wrong",2026-03-01T10:00:00Z,1500\n'
        "twitter,c2,a2,eli,@acmecare thanks!,2026-03-01T11:00:00Z,3\n",
        encoding="utf-8",
    )

    out, _ = ingest(path)

    assert summary(out)["stored new"] == 2
    stored = PostRecord.objects.get(external_id="c1")
    assert (stored.text, stored.author_handle, stored.author_followers) == (
        "@acmecare my bill, again, is wrong", "dana", 1500,
    )  # fmt: skip


def test_ingests_the_customer_support_tweets_layout(acme: Brand, tmp_path: Path) -> None:
    path = tmp_path / "twcs.csv"
    path.write_text(
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        '119237,105834,True,Wed Oct 11 06:55:44 +0000 2017,"@acmecare my phone keeps dying",119236,\n'
        "119236,acmecare,False,Wed Oct 11 07:01:02 +0000 2017,@105834 Sorry! DM us your number,,119237\n",
        encoding="utf-8",
    )

    out, _ = ingest(path)

    assert summary(out)["stored new"] == 2
    inbound = PostRecord.objects.get(external_id="119237")
    reply = PostRecord.objects.get(external_id="119236")
    assert (inbound.is_inbound, inbound.author_id, inbound.brand_id) == (True, "105834", acme.id)
    assert (reply.is_inbound, reply.in_reply_to_id, reply.brand_id) == (False, "119237", acme.id)
    assert inbound.created_at.isoformat() == "2017-10-11T06:55:44+00:00"


def test_bad_jsonl_rows_are_reported_by_line_while_good_rows_are_stored(acme: Brand, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "posts.jsonl",
        [
            row("1"),
            '{"network": "twitter", "external_id": ',
            row("3", text=""),
            row("4", created_at="yesterday-ish"),
            row("5", network="myspace"),
            row("6", text="@acmecare 😡😡😡"),
            row("7", text="@acmecare الخدمة لا تعمل"),
            "[1, 2, 3]",
        ],
    )
    with path.open("ab") as handle:
        handle.write(b'{"network": "twitter", "external_id": "9", "text": "bad \xff\xfe bytes"}\n')
        handle.write(json.dumps(row("10", text="x" * 1_100_000)).encode() + b"\n")
        handle.write(json.dumps(row("11")).encode() + b"\n")

    out, _ = ingest(path)

    rejects = rejects_of(tmp_path / "posts.jsonl.rejects.jsonl")
    assert [line for line, _ in rejects] == [2, 3, 4, 5, 8, 9, 10]
    reasons = dict(rejects)
    assert reasons[2].startswith("not valid JSON")
    assert reasons[3] == "text: String should have at least 1 character"
    assert reasons[4] == 'created_at: Value error, Invalid date value or format "yesterday-ish"'
    assert reasons[5] == "network: Value error, unknown network 'myspace'"
    assert reasons[8] == "expected a JSON object, got list"
    assert reasons[9] == "not valid UTF-8"
    assert reasons[10] == "row longer than 1,000,000 characters"
    assert summary(out) == {
        "read": 11, "stored new": 4, "already stored": 0, "not about any brand": 0, "rejected": 7,
    }  # fmt: skip
    assert sorted(PostRecord.objects.values_list("external_id", flat=True)) == ["1", "11", "6", "7"]
    assert PostRecord.objects.get(external_id="7").text == "@acmecare الخدمة لا تعمل"


def test_bad_csv_rows_are_reported_by_line_while_good_rows_are_stored(acme: Brand, tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(
        b"network,external_id,author_id,text,created_at\n"
        b"twitter,1,a1,@acmecare hello,2026-03-01T10:00:00Z\n"
        b"twitter,2,a2,too,many,columns,2026-03-01T10:00:00Z\n"
        b"twitter,3,a3,,2026-03-01T10:00:00Z\n"
        b"twitter,4,a4,@acmecare caf\xe9 latin-1,2026-03-01T10:00:00Z\n"
        b"twitter,5,a5,@acmecare fine,not a date\n"
        b'twitter,6,a6,"@acmecare a quoted\nmultiline post",2026-03-01T10:00:00Z\n'
        b"twitter,7,a7,@acmecare last,2026-03-01T10:00:00Z\n"
    )

    out, _ = ingest(path, "--rejects", tmp_path / "bad.jsonl")

    assert [line for line, _ in rejects_of(tmp_path / "bad.jsonl")] == [3, 4, 5, 6]
    assert dict(rejects_of(tmp_path / "bad.jsonl"))[3] == "expected 5 columns, found 7"
    assert dict(rejects_of(tmp_path / "bad.jsonl"))[5] == "not valid UTF-8"
    assert summary(out)["stored new"] == 3
    assert sorted(PostRecord.objects.values_list("external_id", flat=True)) == ["1", "6", "7"]


def test_an_empty_file_is_read_without_error(acme: Brand, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    out, err = ingest(path)

    assert summary(out)["read"] == 0
    assert err == ""
    assert PostRecord.objects.count() == 0


def test_hostile_text_cannot_style_the_terminal(acme: Brand, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "posts.jsonl", [row("1", network="[bold red]x\x1b[31m\x1b]0;pwned\x07")])

    _, err = ingest(path)

    assert "\x1b" not in err
    assert "\x07" not in err
    assert "[bold red]x\\x1b[31m\\x1b]0;pwned\\x07" in err


def test_only_the_first_twenty_bad_rows_are_printed(acme: Brand, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "posts.jsonl", ["not json"] * 25 + [row("ok")])

    out, err = ingest(path)

    assert err.count("not valid JSON") == 20
    assert "... and 5 more rejected rows" in err
    assert len(rejects_of(tmp_path / "posts.jsonl.rejects.jsonl")) == 25
    assert summary(out)["stored new"] == 1


def test_small_batches_store_every_row_once(acme: Brand, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "posts.jsonl", [row(str(n)) for n in range(23)] + [row("0")])

    out, _ = ingest(path, "--batch-size", "5")

    assert summary(out)["stored new"] == 23
    assert summary(out)["already stored"] == 1
    assert PostRecord.objects.count() == 23


def test_an_unwritable_rejects_path_is_a_clear_error_and_stores_nothing(acme: Brand, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "posts.jsonl", [row("1")])

    with pytest.raises(CommandError, match="cannot write the rejects file"):
        ingest(path, "--rejects", tmp_path / "missing-dir" / "bad.jsonl")

    assert PostRecord.objects.count() == 0
