"""Mastodon statuses as hubbub Posts, and how Mastodon counts a status's length (pure, no I/O)."""

from __future__ import annotations

import re
from datetime import UTC

from hubbub.channels.html_text import html_to_text
from hubbub.channels.networks.base import AccountConfig
from hubbub.channels.networks.mastodon.payloads import Status
from hubbub.core.networks import Network, PostKind
from hubbub.core.posts import MAX_TEXT_CHARS, Post

# docs.joinmastodon.org/user/posting/#links: every URL counts as 23 characters, whatever its length;
# #mentions: only the username of a remote mention counts, not its domain.
URL_WEIGHT = 23
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_REMOTE_MENTION = re.compile(r"(?<![\w@])(@\w+)@[\w.-]+\w", re.ASCII)


def mastodon_length(text: str) -> int:
    """The length Mastodon checks against the server's limit (500 unless the server says more)."""
    text = _URL.sub("x" * URL_WEIGHT, text)
    return len(_REMOTE_MENTION.sub(r"\1", text))


def status_text(status: Status) -> str:
    """The status as plain text: its content warning first, as Mastodon shows it."""
    body = html_to_text(status.content, MAX_TEXT_CHARS)
    if status.spoiler_text:
        return f"CW: {status.spoiler_text}\n\n{body}"[:MAX_TEXT_CHARS]
    return body


def status_kind(status: Status) -> str:
    """Direct for visibility "direct", a comment when it answers a status, else a post."""
    if status.visibility == "direct":
        return PostKind.DIRECT
    return PostKind.COMMENT if status.in_reply_to_id else PostKind.POST


def author_server(acct: str, home_host: str) -> str:
    """The server an account lives on: the domain of "user@host", else our own server."""
    return acct.rpartition("@")[2].lower() if "@" in acct else home_host


def status_post(status: Status, account: AccountConfig, home_host: str, *, addressed: bool) -> Post:
    """One status as a Post; `addressed` when it reached the account (a mention), not a search."""
    return Post(
        network=Network.MASTODON,
        external_id=status.id,
        author_id=status.account.id,
        author_handle=status.account.acct,
        author_name=status.account.display_name,
        author_followers=max(0, status.account.followers_count),
        text=status_text(status),
        created_at=status.created_at.astimezone(UTC),  # Mastodon.py hands back local time
        in_reply_to_id=status.in_reply_to_id or "",
        is_inbound=status.account.id != account.external_id,
        brand_id=account.brand_id,
        kind=status_kind(status),
        # A status names only its parent; the root needs a context call per reply, so the parent
        # stands for the thread (docs.joinmastodon.org/methods/statuses/#context).
        thread_id=status.in_reply_to_id or status.id,
        account_id=account.account_id if addressed else None,
        url=status.url or status.uri,
        source=author_server(status.account.acct, home_host),
    )
