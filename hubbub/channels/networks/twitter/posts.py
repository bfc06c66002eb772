"""X items as hubbub Posts: API v2 tweets (polling) and v1.1 tweets and DMs (Account Activity)."""

from __future__ import annotations

from datetime import UTC

from hubbub.channels.networks.base import AccountConfig
from hubbub.channels.networks.twitter.payloads import DmUser, Tweet, User, V1DirectMessage, V1Tweet
from hubbub.core.networks import Network, PostKind
from hubbub.core.posts import Post

SOURCE = "x.com"


def tweet_url(handle: str, tweet_id: str) -> str:
    """The public link of a tweet (X redirects /i/web/status/ when the handle is unknown)."""
    return f"https://x.com/{handle or 'i/web'}/status/{tweet_id}"


def conversation_id(user_a: str, user_b: str) -> str:
    """X's id of a one-to-one DM conversation: the two user ids, smaller first, joined by '-'."""
    return "-".join(sorted((user_a, user_b), key=int))


def post_from_tweet(
    tweet: Tweet, author: User | None, account: AccountConfig, account_id: int | None
) -> Post:
    """A v2 tweet as a Post; `account_id` is None for tweets found by search."""
    handle = author.username if author else ""
    return Post(
        network=Network.TWITTER.value,
        external_id=tweet.id,
        author_id=tweet.author_id,
        author_handle=handle,
        author_name=author.name if author else "",
        author_followers=author.public_metrics.followers_count if author else 0,
        text=tweet.text,
        created_at=tweet.created_at.astimezone(UTC),
        in_reply_to_id=tweet.replied_to,
        kind=(PostKind.COMMENT if tweet.replied_to else PostKind.POST).value,
        thread_id=tweet.conversation_id or tweet.id,
        account_id=account_id,
        brand_id=account.brand_id,
        url=tweet_url(handle, tweet.id),
        source=SOURCE,
        is_inbound=tweet.author_id != account.external_id,
    )


def post_from_v1_tweet(tweet: V1Tweet, account: AccountConfig) -> Post:
    """A pushed v1.1 tweet as a Post.

    v1.1 tweets carry no conversation id: a reply's thread is the tweet it answers, which is the
    conversation root for the common case of a reply to a brand's or customer's own post.
    """
    replied_to = tweet.in_reply_to_status_id_str or ""
    return Post(
        network=Network.TWITTER.value,
        external_id=tweet.id_str,
        author_id=tweet.user.id_str,
        author_handle=tweet.user.screen_name,
        author_name=tweet.user.name,
        author_followers=tweet.user.followers_count,
        text=tweet.full_text,
        created_at=tweet.created_at,
        in_reply_to_id=replied_to,
        kind=(PostKind.COMMENT if replied_to else PostKind.POST).value,
        thread_id=replied_to or tweet.id_str,
        account_id=account.account_id,
        brand_id=account.brand_id,
        url=tweet_url(tweet.user.screen_name, tweet.id_str),
        source=SOURCE,
        is_inbound=tweet.user.id_str != account.external_id,
    )


def post_from_v1_message(message: V1DirectMessage, sender: DmUser | None, account: AccountConfig) -> Post:
    """A pushed direct message as a Post whose thread is the one-to-one conversation."""
    create = message.message_create
    return Post(
        network=Network.TWITTER.value,
        external_id=message.id,
        author_id=create.sender_id,
        author_handle=sender.screen_name if sender else "",
        author_name=sender.name if sender else "",
        author_followers=sender.followers_count if sender else 0,
        text=create.message_data.text,
        created_at=message.created_at,
        kind=PostKind.DIRECT.value,
        thread_id=conversation_id(create.sender_id, create.target.recipient_id),
        account_id=account.account_id,
        brand_id=account.brand_id,
        source=SOURCE,
        is_inbound=create.sender_id != account.external_id,
    )
