"""Error text kept for the health page: no credentials, no URL queries, bounded, one line."""

from __future__ import annotations

from hubbub.channels.models import MAX_ERROR_CHARS
from hubbub.channels.networks.base import ConnectorError
from hubbub.channels.redaction import describe_failure


def test_secrets_url_queries_and_user_info_are_cut_out() -> None:
    error = ConnectorError(
        "GET https://graph.example/v19.0/me?access_token=EAAB123&fields=id failed;\n"
        "retry https://bot:pa55word@api.example/x with header Bearer sk-live-999",
        retryable=True,
    )

    text = describe_failure(error, ["sk-live-999", "abc"])

    assert text == (
        "GET https://graph.example/v19.0/me?[redacted] failed; "
        "retry https://[redacted]@api.example/x with header Bearer [redacted]"
    )


def test_unexpected_errors_are_named_by_their_type_and_bounded() -> None:
    text = describe_failure(KeyError("x" * 5_000))

    assert text.startswith("KeyError: 'xxx")
    assert len(text) == MAX_ERROR_CHARS


def test_control_characters_are_removed() -> None:
    assert describe_failure(ConnectorError("bad\x1b[31m red\u202e", retryable=False)) == "bad[31m red"
