"""Pipeline stage: the customer behind each post's author, created on first contact.

Runs on the hot path, so it speaks bulk SQL against the tables `hubbub.crm.models` defines, and
keeps a bounded cache of identities it has resolved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from django.db import connection, transaction
from django.utils import timezone

from hubbub.core.posts import Post
from hubbub.crm.models import Customer, Identity, Tier
from hubbub.pipeline.bulk import in_chunks, insert_ignoring_conflicts

IdentityKey = tuple[int, str, str]  # (brand id, network, external id)
Resolved = tuple[int, str]  # (customer id, tier)

_CUSTOMERS = Customer._meta.db_table
_IDENTITIES = Identity._meta.db_table
CACHE_LIMIT = 200_000


def source_key(key: IdentityKey) -> str:
    """The unique key of a customer created from this identity."""
    brand_id, network, external_id = key
    return f"{brand_id}:{network}:{external_id}"


class CustomerResolver:
    """Finds or creates the customer of each inbound post's author, in bulk."""

    def __init__(self) -> None:
        self._cache: dict[IdentityKey, Resolved] = {}

    def forget(self) -> None:
        """Drop cached identities (after customers are merged, re-tiered or erased)."""
        self._cache.clear()

    def resolve_customers(self, posts: list[Post]) -> list[Post]:
        """Pipeline stage: set `customer_id` and `tier` on inbound posts of a known brand."""
        first_posts: dict[IdentityKey, Post] = {}
        for post in posts:
            if post.is_inbound and post.brand_id is not None:
                first_posts.setdefault(_key(post), post)
        resolved = {key: self._cache[key] for key in first_posts if key in self._cache}
        missing = [key for key in first_posts if key not in resolved]
        if missing:
            looked_up = _lookup(missing)
            new = [key for key in missing if key not in looked_up]
            if new:
                _create(new, first_posts)
                looked_up.update(_lookup(new))
            resolved.update(looked_up)
            # Cache only what the batch's transaction commits: a rolled-back batch leaves no
            # cached customer id that the database does not have.
            transaction.on_commit(lambda: self._remember(looked_up))
        return [self._with_customer(post, resolved) for post in posts]

    @staticmethod
    def _with_customer(post: Post, resolved: dict[IdentityKey, Resolved]) -> Post:
        if not post.is_inbound or post.brand_id is None:
            return post
        customer_id, tier = resolved[_key(post)]
        return replace(post, customer_id=customer_id, tier=tier)

    def _remember(self, found: dict[IdentityKey, Resolved]) -> None:
        if len(self._cache) + len(found) > CACHE_LIMIT:
            self._cache.clear()
        self._cache.update(found)


def _key(post: Post) -> IdentityKey:
    return (post.brand_id or 0, post.network, post.author_id)


def _lookup(keys: Iterable[IdentityKey]) -> dict[IdentityKey, Resolved]:
    groups: dict[tuple[int, str], list[str]] = {}
    for brand_id, network, external_id in keys:
        groups.setdefault((brand_id, network), []).append(external_id)
    found: dict[IdentityKey, Resolved] = {}
    with connection.cursor() as cursor:
        for (brand_id, network), ids in groups.items():
            for marks, chunk in in_chunks(ids):
                cursor.execute(
                    f"SELECT i.external_id, c.id, c.tier FROM {_IDENTITIES} i "  # noqa: S608 (constants)
                    f"JOIN {_CUSTOMERS} c ON c.id = i.customer_id "
                    f"WHERE i.brand_id = %s AND i.network = %s AND i.external_id IN ({marks})",
                    [brand_id, network, *chunk],
                )
                for external_id, customer_id, tier in cursor.fetchall():
                    found[(brand_id, network, external_id)] = (customer_id, tier)
    return found


def _create(keys: list[IdentityKey], first_posts: dict[IdentityKey, Post]) -> None:
    # Customers are keyed by the identity they come from, so two workers racing on the same new
    # author both end up pointing at one customer (ON CONFLICT DO NOTHING on source_key).
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    customer_rows = []
    for key in keys:
        post = first_posts[key]
        name = post.author_name or post.author_handle or post.author_id
        customer_rows.append((key[0], name, Tier.BRONZE.value, source_key(key), now, now))
    # The other columns take their database defaults (see hubbub.crm.models).
    insert_ignoring_conflicts(
        _CUSTOMERS,
        ("brand_id", "display_name", "tier", "source_key", "created_at", "updated_at"),
        customer_rows,
        conflict=("source_key",),
    )
    ids = _customer_ids([source_key(key) for key in keys])
    identity_rows = [
        (
            ids[source_key(key)],
            key[0],
            key[1],
            key[2],
            first_posts[key].author_handle,
            first_posts[key].author_followers,
        )
        for key in keys
    ]
    insert_ignoring_conflicts(
        _IDENTITIES,
        ("customer_id", "brand_id", "network", "external_id", "handle", "followers"),
        identity_rows,
        conflict=("brand_id", "network", "external_id"),
    )


def _customer_ids(keys: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    with connection.cursor() as cursor:
        for marks, chunk in in_chunks(keys):
            cursor.execute(
                f"SELECT source_key, id FROM {_CUSTOMERS} WHERE source_key IN ({marks})",  # noqa: S608
                chunk,
            )
            ids.update(cursor.fetchall())
    return ids
