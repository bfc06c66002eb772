"""Pipeline stage: the loop guard on the way in. What the brand's own accounts wrote, and the
messages hubbub sent that come back from a network, are kept as outbound and never queued."""

from __future__ import annotations

from dataclasses import dataclass

from hubbub.channels.queries import sent_message_keys
from hubbub.core.models import BrandAccount
from hubbub.core.posts import Post, evolve
from hubbub.pipeline.snapshots import Snapshot


@dataclass(frozen=True, slots=True)
class OwnAccounts:
    """The brands' own accounts as (network, id) and (network, lower-case handle) pairs."""

    ids: frozenset[tuple[str, str]]
    handles: frozenset[tuple[str, str]]


def load_own_accounts() -> OwnAccounts:
    """Read every brand account from the database."""
    rows = BrandAccount.objects.values_list("network", "external_id", "handle")
    return OwnAccounts(
        ids=frozenset((network, external_id) for network, external_id, _ in rows if external_id),
        handles=frozenset((network, handle.lower()) for network, _, handle in rows if handle),
    )


def is_own_account(post: Post, accounts: OwnAccounts) -> bool:
    """Whether one of the brands' own accounts wrote `post`."""
    by_id = bool(post.author_id) and (post.network, post.author_id) in accounts.ids
    by_handle = bool(post.author_handle) and (post.network, post.author_handle.lower()) in accounts.handles
    return by_id or by_handle


class OwnPosts:
    """Marks the posts of the brands' own accounts, and the echoes of sent messages, as outbound."""

    def __init__(self, accounts: Snapshot[OwnAccounts] | None = None) -> None:
        self.accounts = accounts or Snapshot(load_own_accounts)

    def mark_own_posts(self, posts: list[Post]) -> list[Post]:
        """Pipeline stage: `is_inbound=False` (so no queue) for our own posts and sent messages."""
        inbound = [post for post in posts if post.is_inbound]
        if not inbound:
            return posts
        accounts = self.accounts.get()
        sent = sent_message_keys(post.key for post in inbound)
        return [
            evolve(post, is_inbound=False, queue_id=None)
            if post.is_inbound and (post.key in sent or is_own_account(post, accounts))
            else post
            for post in posts
        ]
