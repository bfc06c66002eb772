"""Bluesky posts as hubbub Posts, their public links, and how Bluesky counts length (pure, no I/O)."""

from __future__ import annotations

import unicodedata
from datetime import UTC

from hubbub.channels.networks.base import AccountConfig
from hubbub.channels.networks.bluesky.payloads import Author, PostRecord
from hubbub.core.networks import Network, PostKind
from hubbub.core.posts import Post

SOURCE = "bsky.app"
_ZWJ = "\u200d"
_REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_TAGS = range(0xE0020, 0xE0080)


def _extends(char: str) -> bool:
    """True for characters that never start a grapheme: marks, joiners, skin tones, emoji tags."""
    point = ord(char)
    return (
        unicodedata.category(char) in {"Mn", "Me", "Mc"}
        or char == _ZWJ
        or point in _SKIN_TONES
        or point in _TAGS
    )


def grapheme_count(text: str) -> int:
    """User-perceived characters, as Bluesky's 300 limit counts them (UAX #29 for the cases that
    matter in posts: combining marks, emoji ZWJ sequences, skin tones, flags, tag sequences; CR LF)."""
    count, previous, pending_flag = 0, "", False
    for char in text:
        point = ord(char)
        joined = previous == _ZWJ or (previous == "\r" and char == "\n")
        if _extends(char) or joined:
            previous = char
            continue
        if point in _REGIONAL_INDICATORS:
            pending_flag = not pending_flag
            if not pending_flag:  # the second of a pair completes one flag
                previous = char
                continue
        else:
            pending_flag = False
        count += 1
        previous = char
    return count


def post_url(author: Author | str, uri: str) -> str:
    """The bsky.app link of a post: /profile/<handle or did>/post/<record key>."""
    actor = author.handle if isinstance(author, Author) else author
    return f"https://{SOURCE}/profile/{actor}/post/{uri.rsplit('/', 1)[-1]}"


def record_post(
    uri: str, author: Author | str, record: PostRecord, account: AccountConfig, *, addressed: bool
) -> Post:
    """One post record as a Post; `addressed` when it reached the account (mention, reply)."""
    did = author.did if isinstance(author, Author) else author
    return Post(
        network=Network.BLUESKY,
        external_id=uri,
        author_id=did,
        author_handle=author.handle if isinstance(author, Author) else "",
        author_name=author.display_name if isinstance(author, Author) else "",
        text=record.text,
        created_at=record.created_at.astimezone(UTC),
        in_reply_to_id=record.reply.parent.uri if record.reply else "",
        is_inbound=did != account.external_id,
        brand_id=account.brand_id,
        kind=PostKind.COMMENT if record.reply else PostKind.POST,
        thread_id=record.reply.root.uri if record.reply else uri,
        account_id=account.account_id if addressed else None,
        url=post_url(author, uri),
        source=SOURCE,
    )
