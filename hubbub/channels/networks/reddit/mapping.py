"""Reddit submissions, comments and private messages as hubbub Posts (pure, no I/O).

External ids are fullnames (`t3_...`, `t1_...`, `t4_...`), as Reddit's `parent_id`, `link_id` and
`thing_id` name things, so `in_reply_to_id` and `thread_id` point at other posts' external ids and a
reply is sent to `in_reply_to` as it is. Markdown is kept as text. An item whose account is gone
(author `[deleted]`) is kept while its text is there, under an id of its own (`[deleted]:<fullname>`)
so that the CRM never merges every deleted account into one customer; an item whose text is gone
(`[deleted]`, `[removed]`) is skipped: nothing to read or answer.
"""

from __future__ import annotations

from datetime import UTC

from hubbub.channels.networks.base import AccountConfig
from hubbub.channels.networks.reddit.payloads import DELETED, Comment, Message, Submission, Thing
from hubbub.core.networks import Network, PostKind
from hubbub.core.posts import MAX_TEXT_CHARS, Post

WEB = "https://www.reddit.com"
SOURCE = "reddit.com"  # where a private message was published: no subreddit
_GONE = frozenset({"[deleted]", "[removed]"})


def thing_post(thing: Thing, account: AccountConfig, *, addressed: bool) -> Post | None:
    """One item as a Post, or None when its text was deleted or removed; `addressed` when it
    reached the account (its inbox), not a subreddit or a search."""
    if isinstance(thing, Submission):
        return _submission_post(thing, account, addressed=addressed)
    if isinstance(thing, Comment):
        return _comment_post(thing, account, addressed=addressed)
    return _message_post(thing, account)


def is_own(author: str, account: AccountConfig) -> bool:
    """Written by the brand account itself (Reddit usernames are case-insensitive)."""
    return author.lower() == (account.external_id or account.handle).lower()


def _author_id(author: str, fullname: str) -> str:
    return f"{DELETED}:{fullname}" if author == DELETED else author


def _source(subreddit: str | None) -> str:
    return f"r/{subreddit.lower()}" if subreddit else SOURCE


def _present(text: str) -> str:
    return "" if text.strip() in _GONE else text


def _submission_post(submission: Submission, account: AccountConfig, *, addressed: bool) -> Post | None:
    body = _present(submission.selftext)
    text = f"{submission.title}\n\n{body}" if body else _present(submission.title)
    if not text:
        return None
    return Post(
        network=Network.REDDIT,
        external_id=submission.name,
        author_id=_author_id(submission.author, submission.name),
        author_handle=submission.author,
        text=text[:MAX_TEXT_CHARS],
        created_at=submission.created_utc.astimezone(UTC),
        is_inbound=not is_own(submission.author, account),
        brand_id=account.brand_id,
        kind=PostKind.POST,
        thread_id=submission.name,
        account_id=account.account_id if addressed else None,
        url=WEB + submission.permalink,
        source=_source(submission.subreddit),
    )


def _comment_post(comment: Comment, account: AccountConfig, *, addressed: bool) -> Post | None:
    text = _present(comment.body)
    if not text:
        return None
    # Inbox items carry no permalink, only the context path ("...?context=3": the parents shown too).
    path = comment.permalink or comment.context.partition("?")[0]
    return Post(
        network=Network.REDDIT,
        external_id=comment.name,
        author_id=_author_id(comment.author, comment.name),
        author_handle=comment.author,
        text=text,
        created_at=comment.created_utc.astimezone(UTC),
        in_reply_to_id=comment.parent_id,
        is_inbound=not is_own(comment.author, account),
        brand_id=account.brand_id,
        kind=PostKind.COMMENT,
        thread_id=comment.thread_id,
        account_id=account.account_id if addressed else None,
        url=WEB + path if path else "",
        source=_source(comment.subreddit),
    )


def _message_post(message: Message, account: AccountConfig) -> Post | None:
    body = _present(message.body)
    if not body:
        return None
    first = message.first_message_name is None  # a conversation's first message: its subject says what
    text = f"{message.subject}\n\n{body}" if first and message.subject else body
    return Post(
        network=Network.REDDIT,
        external_id=message.name,
        author_id=_author_id(message.author, message.name),
        author_handle=message.author,
        text=text[:MAX_TEXT_CHARS],
        created_at=message.created_utc.astimezone(UTC),
        in_reply_to_id=message.parent_id or "",
        is_inbound=not is_own(message.author, account),
        brand_id=account.brand_id,
        kind=PostKind.DIRECT,
        thread_id=message.first_message_name or message.name,
        account_id=account.account_id,
        url=f"{WEB}/message/messages/{message.name.removeprefix('t4_')}",
        source=SOURCE,
    )
