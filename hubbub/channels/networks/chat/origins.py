"""Which web pages may run a brand's chat widget: the browser's Origin header against the allowed list.

Origins are compared as the HTML standard serialises them (scheme, host, port; default ports
dropped; https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin).
A missing or opaque ("null") origin is never allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_ORIGIN_CHARS = 300


def normalise_origin(value: str) -> str | None:
    """`scheme://host[:port]` in lower case, or None when `value` is not an http(s) origin."""
    if not value or len(value) > MAX_ORIGIN_CHARS or not value.isascii():
        return None
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or parts.path not in {"", "/"}:
        return None
    if parts.query or parts.fragment or parts.username or parts.password:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" if port in (None, _DEFAULT_PORTS[scheme]) else f"{scheme}://{host}:{port}"


def is_allowed_origin(origin: str | None, allowed: Iterable[str]) -> bool:
    """Whether a request's Origin header names one of the `allowed` origins."""
    normalised = normalise_origin(origin or "")
    if normalised is None:
        return False
    return any(normalised == normalise_origin(entry) for entry in allowed)


def origin_host(origin: str) -> str:
    """The host of an origin, for a post's `source` (the site the visitor wrote from)."""
    return urlsplit(origin).hostname or ""
