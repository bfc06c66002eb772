"""Facebook Page items as hubbub Posts: feed posts, comments and Messenger messages."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from hubbub.channels.networks.base import AccountConfig
from hubbub.channels.networks.facebook.payloads import (
    Author,
    FeedValue,
    GraphComment,
    GraphPost,
    MessagingEvent,
    from_epoch,
)
from hubbub.core.networks import Network, PostKind
from hubbub.core.posts import Post

FACEBOOK = "https://www.facebook.com"


def page_source(account: AccountConfig) -> str:
    """The page a post was published on, as a source: facebook.com/<page>."""
    return f"facebook.com/{account.handle or account.external_id}"


def comment_url(post_id: str, comment_id: str) -> str:
    """A comment's public link: its post with the comment's own part as `comment_id`."""
    return f"{FACEBOOK}/{post_id}?comment_id={comment_id.rsplit('_', 1)[-1]}"


def _item(account: AccountConfig, author: Author | None, **fields: Any) -> Post:
    author_id = author.id if author else ""
    return Post(
        network=Network.FACEBOOK.value,
        author_id=author_id,
        author_name=author.name if author else "",
        account_id=account.account_id,
        brand_id=account.brand_id,
        source=page_source(account),
        is_inbound=author_id != account.external_id,
        **fields,
    )


def post_from_graph_post(post: GraphPost, account: AccountConfig) -> Post:
    """A post of the page's feed (the page's own or a visitor's) as a Post."""
    return _item(
        account,
        post.author,
        external_id=post.id,
        text=post.message,
        created_at=post.created_time.astimezone(UTC),
        kind=PostKind.POST.value,
        thread_id=post.id,
        url=post.permalink_url or f"{FACEBOOK}/{post.id}",
    )


def post_from_graph_comment(comment: GraphComment, post_id: str, account: AccountConfig) -> Post:
    """A comment under `post_id` as a Post answering its parent comment, else the post."""
    return _item(
        account,
        comment.author,
        external_id=comment.id,
        text=comment.message,
        created_at=comment.created_time.astimezone(UTC),
        in_reply_to_id=comment.parent.id if comment.parent else post_id,
        kind=PostKind.COMMENT.value,
        thread_id=post_id,
        url=comment.permalink_url or comment_url(post_id, comment.id),
    )


def post_from_feed_change(change: FeedValue, account: AccountConfig) -> Post:
    """A pushed feed post or comment as a Post."""
    created_at = from_epoch(change.created_time)
    if change.comment_id:
        return _item(
            account,
            change.author,
            external_id=change.comment_id,
            text=change.message,
            created_at=created_at,
            in_reply_to_id=change.parent_id or change.post_id,
            kind=PostKind.COMMENT.value,
            thread_id=change.post_id,
            url=comment_url(change.post_id, change.comment_id),
        )
    return _item(
        account,
        change.author,
        external_id=change.post_id,
        text=change.message,
        created_at=created_at,
        kind=PostKind.POST.value,
        thread_id=change.post_id,
        url=f"{FACEBOOK}/{change.post_id}",
    )


def post_from_message(event: MessagingEvent, account: AccountConfig) -> Post:
    """A Messenger message as a direct Post; the thread is the sender's page-scoped id."""
    message = event.message
    kinds = ", ".join(attachment.type for attachment in message.attachments)
    text = message.text or (f"[attachment: {kinds}]" if kinds else "")
    return Post(
        network=Network.FACEBOOK.value,
        external_id=message.mid,
        author_id=event.sender.id,
        text=text,
        created_at=from_epoch(event.timestamp),
        kind=PostKind.DIRECT.value,
        thread_id=event.sender.id,
        account_id=account.account_id,
        brand_id=account.brand_id,
        source=page_source(account),
    )
