"""Error text fit for the health page and the logs: bounded, one line, without credentials.

A client library's message may carry a request URL with an access token in its query string
(the Meta Graph API takes `access_token` as a query parameter) or echo a header; the account's
own secret values and every URL's query string and user info are cut out before the text is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hubbub.channels.models import MAX_ERROR_CHARS
from hubbub.channels.networks.base import ConnectorError
from hubbub.channels.secrets import SecretsError
from hubbub.pipeline.stages import clean_text

REDACTED = "[redacted]"
# Secrets shorter than this are too likely to match ordinary words; they are still kept out of URLs.
MIN_REDACTED_CHARS = 4
_SCAN_CHARS = 10_000
_URL_USERINFO = re.compile(r"(?i)\b(https?://)[^\s/@]+@")
_URL_QUERY = re.compile(r"(?i)\b(https?://[^\s?#]*)[?#][^\s'\"<>]*")
_WHITESPACE = re.compile(r"\s+")
# Failures whose message is written for people; anything else is a bug and is named by its type.
EXPECTED_ERRORS = (ConnectorError, SecretsError)


def describe_failure(error: BaseException, secrets: Iterable[str] = ()) -> str:
    """A bounded one-line description of `error` with credentials and URL queries removed."""
    text = str(error)[:_SCAN_CHARS] or "no details"
    if not isinstance(error, EXPECTED_ERRORS):
        text = f"{type(error).__name__}: {text}"
    for value in sorted(secrets, key=len, reverse=True):
        if len(value) >= MIN_REDACTED_CHARS:
            text = text.replace(value, REDACTED)
    text = _URL_USERINFO.sub(rf"\1{REDACTED}@", text)
    text = _URL_QUERY.sub(rf"\1?{REDACTED}", text)
    return clean_text(_WHITESPACE.sub(" ", text).strip(), MAX_ERROR_CHARS)
