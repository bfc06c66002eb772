"""Pipeline stage: the customer behind each post's author, created on first contact.

Runs on the hot path, so it speaks bulk SQL against the tables `hubbub.crm.models` defines.

What is cached and why it needs no invalidation. The resolver caches only which customer an
identity belongs to, and that never changes: merging links customers instead of moving identities,
and an erased customer's identities are deleted with it. What does change (a tier recomputed, a
merge or an unmerge in any process) is read once per batch: one primary-key query per 900 distinct
authors returns each cached customer's id with the tier of its group's root. So every process sees
every committed change on its next batch, with no counter to bump and no signal to miss. A cached
customer that no longer exists (erased) is looked up again, like a new author.

A post keeps its author's own customer id (the identity's customer); its tier is the root's tier
(`merged_into`, one level deep: merging never lets chains form). New authors on the email and
phone channels, or with a handle an identity of the brand already has, are linked to the customer
they match exactly (`hubbub.crm.actions.identities.find_exact_matches`) instead of a new one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from hubbub.core.posts import Post, evolve
from hubbub.core.text import fold
from hubbub.crm.actions.identities import find_exact_matches
from hubbub.crm.actions.identities import source_key as identity_source_key
from hubbub.crm.models import Customer, Identity, Tier
from hubbub.pipeline.bulk import in_chunks, insert_ignoring_conflicts

IdentityKey = tuple[int, str, str]  # (brand id, network, external id)
Resolved = tuple[int, str]  # (customer id, the tier of its group's root)

_CUSTOMERS = Customer._meta.db_table
_IDENTITIES = Identity._meta.db_table
CACHE_LIMIT = 200_000


def source_key(key: IdentityKey) -> str:
    """The unique key of a customer created from this identity."""
    return identity_source_key(*key)


class CustomerResolver:
    """Finds or creates the customer of each inbound post's author, in bulk."""

    def __init__(self) -> None:
        self._cache: dict[IdentityKey, int] = {}

    def forget(self) -> None:
        """Drop cached identities (only memory; nothing is ever stale, see the module's docstring)."""
        self._cache.clear()

    def resolve_customers(self, posts: list[Post]) -> list[Post]:
        """Pipeline stage: set `customer_id` and the root's `tier` on inbound posts of a known brand."""
        first_posts: dict[IdentityKey, Post] = {}
        for post in posts:
            if post.is_inbound and post.brand_id is not None:
                first_posts.setdefault(_key(post), post)
        if not first_posts:
            return posts
        resolved = self._cached(first_posts)
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
            found = {key: customer_id for key, (customer_id, _) in looked_up.items()}
            transaction.on_commit(lambda: self._remember(found))
        return [self._with_customer(post, resolved) for post in posts]

    def _cached(self, first_posts: dict[IdentityKey, Post]) -> dict[IdentityKey, Resolved]:
        known = {key: self._cache[key] for key in first_posts if key in self._cache}
        tiers = _root_tiers(set(known.values())) if known else {}
        for key, customer_id in known.items():
            if customer_id not in tiers:  # erased since: look the author up again
                self._cache.pop(key, None)
        return {
            key: (customer_id, tiers[customer_id])
            for key, customer_id in known.items()
            if customer_id in tiers
        }

    @staticmethod
    def _with_customer(post: Post, resolved: dict[IdentityKey, Resolved]) -> Post:
        if not post.is_inbound or post.brand_id is None:
            return post
        customer_id, tier = resolved[_key(post)]
        return evolve(post, customer_id=customer_id, tier=tier)

    def _remember(self, found: dict[IdentityKey, int]) -> None:
        if len(self._cache) + len(found) > CACHE_LIMIT:
            self._cache.clear()
        self._cache.update(found)


def _key(post: Post) -> IdentityKey:
    return (post.brand_id or 0, post.network, post.author_id)


def _root_tiers(customer_ids: set[int]) -> dict[int, str]:
    select = (
        f"SELECT c.id, COALESCE(r.tier, c.tier) FROM {_CUSTOMERS} c "  # noqa: S608 (constants)
        f"LEFT JOIN {_CUSTOMERS} r ON r.id = c.merged_into_id WHERE c.id "
    )
    tiers: dict[int, str] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array parameter: PostgreSQL plans a 900-item IN list slowly, ANY(array) quickly.
            cursor.execute(select + "= ANY(%s)", [sorted(customer_ids)])
            return dict(cursor.fetchall())
        for marks, chunk in in_chunks(sorted(customer_ids)):
            cursor.execute(f"{select}IN ({marks})", chunk)
            tiers.update(cursor.fetchall())
    return tiers


def _lookup(keys: Iterable[IdentityKey]) -> dict[IdentityKey, Resolved]:
    groups: dict[tuple[int, str], list[str]] = defaultdict(list)
    for brand_id, network, external_id in keys:
        groups[(brand_id, network)].append(external_id)
    found: dict[IdentityKey, Resolved] = {}
    with connection.cursor() as cursor:
        for (brand_id, network), ids in groups.items():
            for marks, chunk in in_chunks(ids):
                cursor.execute(
                    f"SELECT i.external_id, c.id, COALESCE(r.tier, c.tier) FROM {_IDENTITIES} i "  # noqa: S608
                    f"JOIN {_CUSTOMERS} c ON c.id = i.customer_id "
                    f"LEFT JOIN {_CUSTOMERS} r ON r.id = c.merged_into_id "
                    f"WHERE i.brand_id = %s AND i.network = %s AND i.external_id IN ({marks})",
                    [brand_id, network, *chunk],
                )
                for external_id, customer_id, tier in cursor.fetchall():
                    found[(brand_id, network, external_id)] = (customer_id, tier)
    return found


def _create(keys: list[IdentityKey], first_posts: dict[IdentityKey, Post]) -> None:
    matched = _exact_matches(keys, first_posts)
    fresh = [key for key in keys if key not in matched]
    # Customers are keyed by the identity they come from, so two workers racing on the same new
    # author both end up pointing at one customer (ON CONFLICT DO NOTHING on source_key).
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    customer_rows = []
    for key in fresh:
        post = first_posts[key]
        name = post.author_name or post.author_handle or post.author_id
        customer_rows.append((key[0], name, fold(name), Tier.BRONZE.value, source_key(key), now, now))
    # The other columns take their database defaults (see hubbub.crm.models).
    insert_ignoring_conflicts(
        _CUSTOMERS,
        ("brand_id", "display_name", "search_name", "tier", "source_key", "created_at", "updated_at"),
        customer_rows,
        conflict=("source_key",),
    )
    owners = {**_customer_ids(fresh), **matched}
    identity_rows = [
        (
            owners[key],
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


def _exact_matches(keys: list[IdentityKey], first_posts: dict[IdentityKey, Post]) -> dict[IdentityKey, int]:
    groups: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
    for key in keys:
        groups[(key[0], key[1])].append((key[2], first_posts[key].author_handle))
    matched: dict[IdentityKey, int] = {}
    for (brand_id, network), authors in groups.items():
        for external_id, customer_id in find_exact_matches(brand_id, network, authors).items():
            matched[(brand_id, network, external_id)] = customer_id
    return matched


def _customer_ids(keys: list[IdentityKey]) -> dict[IdentityKey, int]:
    by_source = {source_key(key): key for key in keys}
    ids: dict[IdentityKey, int] = {}
    with connection.cursor() as cursor:
        for marks, chunk in in_chunks(list(by_source)):
            cursor.execute(
                f"SELECT source_key, id FROM {_CUSTOMERS} WHERE source_key IN ({marks})",  # noqa: S608
                chunk,
            )
            ids.update((by_source[key], customer_id) for key, customer_id in cursor.fetchall())
    return ids
