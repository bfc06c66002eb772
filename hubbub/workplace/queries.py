"""Reads for the Agent Workplace, and the rule of who may see which post.

A person sees nothing of a brand without a Membership for it. Within their brands, an agent sees
the posts of the queues they work (`Queue.members`); a supervisor or administrator sees every
queue of the brand. Everything else answers 404, so that nobody learns that a post exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Max, Q, QuerySet
from django.http import Http404

from hubbub.core.models import Membership, PostRecord, Role
from hubbub.crm.models import Customer, Identity
from hubbub.routing.models import Queue

AnyUser = AbstractBaseUser | AnonymousUser

SUPERVISING_ROLES = (Role.SUPERVISOR, Role.ADMIN)
INBOX_LIMIT = 50
HISTORY_LIMIT = 20
# Posts per poll of a live stream; a larger backlog is sent over the following polls.
LIVE_BATCH_LIMIT = 100
SENTIMENTS = frozenset({"positive", "negative", "neutral", "mixed"})


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A post as the inbox shows it, with its queue and the customer behind its author."""

    post: PostRecord
    queue: Queue
    customer: Customer | None

    @property
    def parts(self) -> list[tuple[str, int]]:
        """Why the post has its priority: (label, points) pairs."""
        return priority_parts(self.post)

    @property
    def priority_explanation(self) -> str:
        """The priority's parts in one line, e.g. "gold customer +20 · negative +12"."""
        return " · ".join(f"{label} +{points}" for label, points in self.parts)

    @property
    def priority_band(self) -> str:
        """How urgent the post looks at a glance: high, medium or low."""
        if self.post.priority >= 50:
            return "high"
        return "medium" if self.post.priority >= 20 else "low"

    @property
    def sentiment_class(self) -> str:
        """A CSS modifier from a closed set, whatever the column holds."""
        return self.post.sentiment if self.post.sentiment in SENTIMENTS else "unknown"


@dataclass(frozen=True, slots=True)
class Inbox:
    """The inbox page: the top posts, the queues they come from, and the newest visible post id."""

    items: list[InboxItem]
    queues: list[Queue]
    latest_id: int


@dataclass(frozen=True, slots=True)
class PostDetail:
    """One post with its pipeline results, its author as a customer, and the author's history."""

    item: InboxItem
    identities: list[Identity]
    history: list[InboxItem]


def priority_parts(post: PostRecord) -> list[tuple[str, int]]:
    """The stored priority parts as (label, points), skipping entries of any other shape."""
    parts = post.priority_parts if isinstance(post.priority_parts, list) else []
    return [
        (str(part.get("label", "")), int(part.get("points", 0)))
        for part in parts
        if isinstance(part, dict) and isinstance(part.get("points", 0), int)
    ]


def visible_queues(user: AnyUser) -> QuerySet[Queue]:
    """The queues whose posts `user` may see: those worked as an agent, all of a supervised brand."""
    if not user.is_authenticated:
        return Queue.objects.none()
    brands = Membership.objects.filter(user_id=user.pk).values("brand_id")
    supervised = Membership.objects.filter(user_id=user.pk, role__in=SUPERVISING_ROLES).values("brand_id")
    worked = Queue.members.through.objects.filter(user_id=user.pk).values("queue_id")
    return Queue.objects.filter(Q(brand_id__in=supervised) | Q(brand_id__in=brands, id__in=worked))


def inbox_for(user: AnyUser, *, limit: int = INBOX_LIMIT) -> Inbox:
    """The inbox: the visible inbound posts, highest priority first, then newest."""
    queues = _queues_by_id(user)
    posts = _inbound_posts(queues).order_by("-priority", "-id")[:limit]
    latest_id = _inbound_posts(queues).aggregate(latest=Max("id"))["latest"] if queues else None
    return Inbox(items=_items(posts, queues), queues=list(queues.values()), latest_id=latest_id or 0)


def inbox_items_after(user: AnyUser, after: int, *, limit: int = LIVE_BATCH_LIMIT) -> list[InboxItem]:
    """Visible inbound posts with an id above `after`, oldest first (what a live stream sends next)."""
    queues = _queues_by_id(user)
    return _items(_inbound_posts(queues).filter(id__gt=after).order_by("id")[:limit], queues)


def latest_inbox_post_id(user: AnyUser) -> int:
    """The id of the newest visible inbound post, 0 when there is none."""
    latest = _inbound_posts(_queues_by_id(user)).aggregate(latest=Max("id"))["latest"]
    return int(latest or 0)


def visible_post_or_404(user: AnyUser, post_id: int) -> PostRecord:
    """The post if `user` may see it; Http404 otherwise, exactly as for a post that does not exist."""
    try:
        return PostRecord.objects.get(id=post_id, queue_id__in=visible_queues(user).values("id"))
    except PostRecord.DoesNotExist:
        raise Http404("No such post.") from None


def openable_post_ids(user: AnyUser, post_ids: Iterable[int | None]) -> set[int]:
    """Which of these posts `user` may open (a customer's timeline shows the brand's posts in every queue)."""
    ids = [post_id for post_id in post_ids if post_id is not None]
    if not ids:
        return set()
    visible = PostRecord.objects.filter(id__in=ids, queue_id__in=visible_queues(user).values("id"))
    return set(visible.values_list("id", flat=True))


def post_detail_for(user: AnyUser, post_id: int) -> PostDetail:
    """A visible post with its customer, the customer's identities and the author's visible history."""
    queues = _queues_by_id(user)
    post = visible_post_or_404(user, post_id)
    [item] = _items([post], queues)
    identities = list(item.customer.identities.order_by("network", "handle")) if item.customer else []
    history = _items(_author_history(post, queues), queues)
    return PostDetail(item=item, identities=identities, history=history)


def _queues_by_id(user: AnyUser) -> dict[int, Queue]:
    return {queue.id: queue for queue in visible_queues(user).select_related("brand")}


def _inbound_posts(queues: Mapping[int, Queue]) -> QuerySet[PostRecord]:
    return PostRecord.objects.filter(is_inbound=True, queue_id__in=list(queues))


def _author_history(post: PostRecord, queues: Mapping[int, Queue]) -> QuerySet[PostRecord]:
    """The author's other visible posts, newest first: by customer, else by their network account."""
    same_author = (
        Q(customer_id=post.customer_id)
        if post.customer_id is not None
        else Q(network=post.network, author_id=post.author_id)
    )
    posts = PostRecord.objects.filter(same_author, brand_id=post.brand_id, queue_id__in=list(queues))
    return posts.exclude(id=post.id).order_by("-created_at", "-id")[:HISTORY_LIMIT]


def _items(posts: Iterable[PostRecord], queues: Mapping[int, Queue]) -> list[InboxItem]:
    """Posts joined with their queues and customers: one query for all the customers, none per post."""
    posts = list(posts)
    customers = Customer.objects.in_bulk({post.customer_id for post in posts if post.customer_id is not None})
    items = []
    for post in posts:
        queue = queues.get(post.queue_id) if post.queue_id is not None else None
        if queue is not None:
            items.append(InboxItem(post=post, queue=queue, customer=_customer_of(post, customers)))
    return items


def _customer_of(post: PostRecord, customers: Mapping[int, Customer]) -> Customer | None:
    # A customer of another brand is never shown, even if a bad row pointed at one.
    customer = customers.get(post.customer_id) if post.customer_id is not None else None
    return customer if customer is not None and customer.brand_id == post.brand_id else None
