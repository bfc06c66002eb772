"""Parsing at the door: Message-IDs, filenames and HTML bodies from hostile senders."""

from __future__ import annotations

import pytest

from hubbub.channels.html_text import html_to_text
from hubbub.channels.networks.email.payloads import message_ids, normalise_message_id, safe_filename


def test_normalises_a_message_id_to_what_is_between_the_angle_brackets() -> None:
    assert (
        normalise_message_id("  <CAF7x1q3=Order@Mail.example.net> (comment)")
        == "CAF7x1q3=Order@Mail.example.net"
    )


def test_a_message_id_longer_than_hubbub_stores_becomes_a_stable_digest() -> None:
    long_id = "<" + "x" * 300 + "@example.net>"

    normalised = normalise_message_id(long_id)

    assert normalised == normalise_message_id(long_id)
    assert normalised.startswith("sha256.")
    assert normalised.endswith("@long-id.invalid")
    assert len(normalised) <= 128
    assert message_ids(f"<root@example.net> {long_id}") == ("root@example.net", normalised)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\eve\\invoice.pdf", "invoice.pdf"),
        ("report\n<b>.pdf", "report_b_.pdf"),
        ("...", "attachment"),
        ("", "attachment"),
        ("a" * 150 + ".pdf", "a" * 96 + ".pdf"),
        ("\uff46\uff55\uff4c\uff4c.txt", "full.txt"),  # fullwidth letters fold to ASCII (NFKC)
    ],
)
def test_attachment_names_lose_paths_and_unsafe_characters(sent: str, kept: str) -> None:
    assert safe_filename(sent) == kept


def test_html_keeps_the_visible_text_only() -> None:
    html = (
        "<html><head><style>p{}</style><title>T</title></head><body><p>Hi &lt;there&gt;</p>"
        "<script>alert(1)</script><p>Line&nbsp;two<br>three</p></body></html>"
    )

    assert html_to_text(html) == "Hi <there>\n\nLine two\nthree"
