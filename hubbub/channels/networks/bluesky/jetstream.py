"""Jetstream (github.com/bluesky-social/jetstream): the firehose as JSON, one event per websocket
message. This module turns a batch of messages into the Posts that concern a brand; the websocket
itself (`wss://<host>/subscribe?wantedCollections=app.bsky.feed.post&cursor=<time_us>`) is left to
the runtime, which resumes from the cursor this returns.

An event concerns the brand when it replies into the brand's own repository, mentions the brand's
DID in a facet, or contains one of its terms; everything else on the firehose is dropped here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hubbub.channels.networks.base import AccountConfig, Fetched
from hubbub.channels.networks.bluesky.mapping import record_post
from hubbub.channels.networks.bluesky.payloads import POST_COLLECTION, Did, PostRecord
from hubbub.core.posts import Post

logger = logging.getLogger(__name__)

JETSTREAM_CURSOR = "jetstream"
MAX_MESSAGE_BYTES = 64 * 1024  # a post record is a few kilobytes at most
MENTION_FACET = "app.bsky.richtext.facet#mention"


class JetstreamCommit(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    operation: str
    collection: str
    rkey: Annotated[str, Field(pattern=r"^[A-Za-z0-9._:~-]+$", max_length=512)]
    record: dict[str, Any] | None = None


class JetstreamEvent(BaseModel):
    """One Jetstream message: `kind` is commit, identity or account."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    did: Did
    time_us: int
    kind: str
    commit: JetstreamCommit | None = None


def _mentions(record: PostRecord, did: str) -> bool:
    features = (feature for facet in record.facets for feature in facet.get("features") or [])
    return any(
        isinstance(feature, dict) and feature.get("$type") == MENTION_FACET and feature.get("did") == did
        for feature in features
    )


def addresses_brand(record: PostRecord, brand_did: str) -> bool:
    """True when the post replies into the brand's repository or mentions the brand."""
    repo = f"at://{brand_did}/"
    replies = record.reply is not None and (
        record.reply.parent.uri.startswith(repo) or record.reply.root.uri.startswith(repo)
    )
    return bool(brand_did) and (replies or _mentions(record, brand_did))


def _event(message: str | bytes) -> JetstreamEvent:
    if len(message) > MAX_MESSAGE_BYTES:
        raise ValueError("message larger than a post can be")
    return JetstreamEvent.model_validate(json.loads(message))


def jetstream_post(message: str | bytes, account: AccountConfig, terms: Sequence[str]) -> Post | None:
    """The Post in one Jetstream message if it is a new post that concerns the brand, else None.
    Raises ValueError (with the reason) for a malformed message."""
    try:
        event = _event(message)
        commit = event.commit
        if event.kind != "commit" or commit is None or commit.operation != "create":
            return None
        if commit.collection != POST_COLLECTION:
            return None
        record = PostRecord.model_validate(commit.record)
    except (ValidationError, json.JSONDecodeError) as error:
        raise ValueError(str(error).splitlines()[0][:200]) from error
    addressed = addresses_brand(record, account.external_id)
    text = record.text.casefold()
    if not addressed and not any(term.casefold() in text for term in terms):
        return None
    uri = f"at://{event.did}/{POST_COLLECTION}/{commit.rkey}"
    return record_post(uri, event.did, record, account, addressed=addressed)


def _time_us(message: str | bytes) -> int | None:
    try:
        value = json.loads(message).get("time_us")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def read_jetstream(messages: Iterable[str | bytes], account: AccountConfig, terms: Sequence[str]) -> Fetched:
    """The brand's posts in a batch of Jetstream messages, and the cursor to resume after them."""
    posts: list[Post] = []
    newest = 0
    for index, message in enumerate(messages):
        try:
            post = jetstream_post(message, account, terms)
        except ValueError as error:
            logger.warning("jetstream %s: rejected message %d: %s", account.budget_key, index, error)
            continue
        newest = max(newest, _time_us(message) or 0)
        if post is not None:
            posts.append(post)
    cursor = {JETSTREAM_CURSOR: str(newest)} if newest else {}
    return Fetched(sorted(posts, key=lambda post: (post.created_at, post.external_id)), cursor)
