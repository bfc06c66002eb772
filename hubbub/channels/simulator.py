"""A simulated live stream: seeded, templated posts about the demo brands, at a chosen rate.

`posts()` is a pure, endless generator (the same seed gives the same posts), used by `hubbub demo`,
the throughput benchmark and the storm drill. `LiveStream` paces it in a daemon thread and feeds
small batches to a `process` callable (the pipeline), which this package does not know.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import islice

from django.db import connections
from django.utils import timezone

from hubbub.core.networks import Network
from hubbub.core.posts import Post

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Persona:
    """A known customer's account: the simulator writes as them, the demo seeds them into the CRM."""

    brand: str
    network: str
    author_id: str
    handle: str
    name: str
    followers: int
    tier: str


@dataclass(frozen=True, slots=True)
class SiteScript:
    """A site or community where people write about a brand away from its accounts."""

    name: str
    network: str
    source: str  # the host of a site, or "r/name" of a community
    url: str  # its pages: this prefix and a number
    source_class: str  # a listening.SourceClass value, for the demo's configured sources
    rating: int  # 1-5


@dataclass(frozen=True, slots=True)
class BrandScript:
    """What people say about one brand: its accounts, products, rivals, typical problems and sites."""

    slug: str
    name: str
    accounts: tuple[tuple[str, str], ...]  # (network, handle without @)
    products: tuple[str, ...]
    competitors: tuple[str, ...]
    issues: tuple[str, ...]
    fail_tag: str
    sites: tuple[SiteScript, ...] = ()


@dataclass(frozen=True, slots=True)
class Scenario:
    """The brands a stream talks about, and the regulars who keep writing."""

    brands: tuple[BrandScript, ...]
    regulars: tuple[Persona, ...]


DEMO_SCENARIO = Scenario(
    brands=(
        BrandScript(
            slug="acme",
            name="Acme Mobile",
            accounts=(
                (Network.TWITTER, "acmecare"),
                (Network.FACEBOOK, "AcmeMobile"),
                (Network.MASTODON, "acme"),
                (Network.BLUESKY, "acmemobile.bsky.social"),
            ),
            products=("Acme X5", "Acme Buds", "Unlimited Plus"),
            competitors=("Initech Wireless",),
            issues=("battery", "outage", "refund", "signal"),
            fail_tag="#acmefail",
            sites=(
                SiteScript(
                    "Acme Sucks forum",
                    Network.RSS,
                    "acmesucks.example.com",
                    "https://acmesucks.example.com/t/",
                    "rant",
                    4,
                ),
                SiteScript(
                    "r/acmesucks",
                    Network.REDDIT,
                    "r/acmesucks",
                    "https://www.reddit.com/r/acmesucks/comments/",
                    "rant",
                    3,
                ),
                SiteScript(
                    "Acme Fans",
                    Network.RSS,
                    "acmefans.example.org",
                    "https://acmefans.example.org/p/",
                    "fan",
                    3,
                ),
                SiteScript(
                    "Initech community",
                    Network.RSS,
                    "community.initech.example.com",
                    "https://community.initech.example.com/d/",
                    "competitor",
                    2,
                ),
            ),
        ),
        BrandScript(
            slug="globex",
            name="Globex Bank",
            accounts=(
                (Network.TWITTER, "globexhelp"),
                (Network.FACEBOOK, "GlobexBank"),
                (Network.MASTODON, "globex"),
                (Network.BLUESKY, "globexbank.bsky.social"),
            ),
            products=("Globex app", "Globex Gold card", "mortgage"),
            competitors=("Hooli Pay",),
            issues=("outage", "refund", "fraud", "login"),
            fail_tag="#globexfail",
            sites=(
                SiteScript(
                    "Bank Rants",
                    Network.RSS,
                    "bankrants.example.net",
                    "https://bankrants.example.net/r/",
                    "rant",
                    4,
                ),
                SiteScript(
                    "Fintech Weekly",
                    Network.RSS,
                    "fintechweekly.example.com",
                    "https://fintechweekly.example.com/news/",
                    "industry",
                    5,
                ),
            ),
        ),
    ),
    regulars=(
        Persona("acme", Network.TWITTER, "demo-1001", "priya_r", "Priya Raman", 182_000, "platinum"),
        Persona("acme", Network.TWITTER, "demo-1002", "marcorossi", "Marco Rossi", 2_400, "gold"),
        Persona("acme", Network.MASTODON, "demo-1003", "lenav", "Lena Vogel", 640, "silver"),
        Persona("acme", Network.TWITTER, "demo-1004", "samlee", "Sam Lee", 95, "bronze"),
        Persona("globex", Network.TWITTER, "demo-2001", "oliviachen", "Olivia Chen", 54_000, "platinum"),
        Persona("globex", Network.FACEBOOK, "demo-2002", "tomas.garcia", "Tomás García", 310, "gold"),
        Persona("globex", Network.TWITTER, "demo-2003", "aiyana_b", "Aiyana Brooks", 1_200, "silver"),
    ),
)

# (kind, template). Placeholders: {to} a mention of the brand (or its name where the network has no
# mentions), {brand}, {product}, {issue}, {rival}, {fail}. Several languages, emoji and RTL on purpose.
TEMPLATES: tuple[tuple[str, str], ...] = (
    ("complaint", "{to} my {product} has a {issue} problem again. Third time this month. {fail}"),
    ("complaint", "{to} still no fix for the {issue} issue?? I've been waiting 3 days. Terrible service."),
    ("complaint", "{to} you charged me twice and now refuse a refund. Awful. {fail}"),
    ("complaint", "{to} the {issue} is so bad I can't use my {product} at all. Fix it please"),
    ("rant", "Never again {brand}. Worst {issue} experience ever, switching to {rival}. {fail}"),
    ("rant", "{to} WHY is everything broken today?! {issue} everywhere 😡😡 {fail}"),
    ("rant", "Honestly {brand} is a joke. {issue} for the second day and nobody answers. {fail}"),
    ("question", "{to} how do I set up my new {product}? The guide doesn't say."),
    ("question", "{to} is there a {issue} in my area right now? Nothing works since 9am"),
    ("question", "{to} can I upgrade to the {product} before my contract ends?"),
    ("question", "{to} what's the difference between {product} and what {rival} offers?"),
    ("praise", "{to} thanks for sorting out my {product} so quickly, great support! 🙌"),
    ("praise", "Loving my {product} from {brand}, best decision this year ❤️"),
    ("praise", "{to} shout-out to your agent who fixed my {issue} issue in 5 minutes. Amazing."),
    ("complaint", "{to} mi {product} no funciona desde ayer, necesito ayuda urgente {fail}"),
    ("question", "{to} ¿cómo puedo cambiar mi plan? No encuentro la opción en la web"),
    ("complaint", "{to} mon {product} ne marche plus depuis la mise à jour, c'est inadmissible {fail}"),
    ("praise", "{to} merci pour votre aide rapide, le service client est au top !"),
    ("complaint", "{to} seit zwei Tagen kein Netz, und niemand antwortet. Sehr enttäuschend {fail}"),
    ("question", "{to} wie kann ich mein {product} zurückgeben?"),
    ("complaint", "{to} meu {product} parou de funcionar, preciso de ajuda por favor"),
    ("complaint", "{to} لا تعمل الخدمة منذ الصباح، أرجو المساعدة {fail}"),
    ("question", "{to} {product} の設定方法を教えてください"),
    ("rant", "{to} 😤😤😤 {fail}"),
    ("praise", "{to} 👍👍"),
)
NOISE: tuple[str, ...] = (
    "Anyone watching the match tonight? ⚽",
    "Coffee first, then the world ☕",
    "Just finished a 10k run, feeling great",
    "Rain again. Of course it is raining again.",
)
NOISE_SHARE = 0.04
REGULAR_SHARE = 0.15  # of posts on a network where the brand has regulars
SITE_SHARE = 0.08  # of a brand's posts, published on one of its sites instead of at its accounts
DEFAULT_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _mention(network: str, handle: str, brand_name: str) -> str:
    # Facebook page posts carry no @-mention of the page: the brand is found by its name.
    return brand_name if network == Network.FACEBOOK else f"@{handle}"


def _followers(rng: random.Random) -> int:
    """Follower counts spread over six orders of magnitude, as on real networks."""
    return int(10 ** rng.uniform(0, 6.3))


def _author(rng: random.Random, scenario: Scenario, brand: BrandScript, network: str) -> Persona:
    regulars = [p for p in scenario.regulars if p.brand == brand.slug and p.network == network]
    if regulars and rng.random() < REGULAR_SHARE:
        return rng.choice(regulars)
    number = rng.randrange(1, 50_000)
    return Persona(brand.slug, network, f"sim-user-{number}", f"user{number}", f"User {number}", 0, "")


def _brand_post(
    rng: random.Random, site_rng: random.Random, scenario: Scenario
) -> tuple[str, Persona, str, SiteScript | None]:
    brand = rng.choice(scenario.brands)
    network, handle = rng.choice(brand.accounts)
    author = _author(rng, scenario, brand, network)
    # Regulars write to the brand's accounts; now and then someone else posts on one of its sites.
    # The sites draw from their own generator so that the rest of a seed's stream stays as it was.
    on_site = brand.sites and not author.tier and site_rng.random() < SITE_SHARE
    site = site_rng.choice(brand.sites) if on_site else None
    _kind, template = rng.choice(TEMPLATES)
    text = template.format(
        # On a site nobody @-mentions the brand's accounts: the brand is found by its name.
        to=brand.name if site is not None else _mention(network, handle, brand.name),
        brand=brand.name,
        product=rng.choice(brand.products),
        issue=rng.choice(brand.issues),
        rival=rng.choice(brand.competitors),
        fail=brand.fail_tag,
    )
    return (site.network if site is not None else network), author, text, site


def _noise_post(rng: random.Random) -> tuple[str, Persona, str, SiteScript | None]:
    number = rng.randrange(1, 50_000)
    author = Persona("", Network.TWITTER, f"sim-user-{number}", f"user{number}", f"User {number}", 0, "")
    return Network.TWITTER, author, rng.choice(NOISE), None


def posts(
    rate: float = 1.0,
    seed: int = 0,
    *,
    scenario: Scenario = DEMO_SCENARIO,
    start: datetime = DEFAULT_START,
    id_prefix: str | None = None,
) -> Iterator[Post]:
    """An endless, seeded stream of posts, `rate` per second of their `created_at` clock."""
    if rate <= 0:
        raise ValueError(f"rate must be positive, not {rate}")
    rng = random.Random(seed)  # noqa: S311 (a reproducible simulation, not a secret)
    site_rng = random.Random(f"{seed}:sites")  # noqa: S311 (as above)
    prefix = f"sim-{seed}-" if id_prefix is None else id_prefix
    step = timedelta(seconds=1 / rate)
    number = 0
    while True:
        number += 1
        is_noise = rng.random() < NOISE_SHARE
        network, author, text, site = _noise_post(rng) if is_noise else _brand_post(rng, site_rng, scenario)
        yield Post(
            network=str(network),
            external_id=f"{prefix}{number}",
            author_id=author.author_id,
            author_handle=author.handle,
            author_name=author.name,
            author_followers=author.followers or _followers(rng),
            text=text,
            created_at=start + step * number,
            source=site.source if site is not None else "",
            url=f"{site.url}{number}" if site is not None else "",
        )


Process = Callable[[list[Post]], object]


class LiveStream:
    """Feeds simulated posts to `process` at `rate` posts per second, from a daemon thread.

    The first `burst` posts go out at once, so a fresh demo shows an inbox within a second.
    A failed batch is retried on the next tick (processing is idempotent), never fatal.
    """

    def __init__(
        self,
        process: Process,
        *,
        rate: float,
        seed: int,
        burst: int = 5,
        max_batch: int = 500,
        tick: float = 0.5,
    ) -> None:
        self.process = process
        self.rate = rate
        self.seed = seed
        self.burst = burst
        self.max_batch = max_batch
        self.tick = tick
        self.delivered = 0
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hubbub-live-stream", daemon=True)

    def start(self) -> None:
        """Start feeding posts in the background."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to finish its current batch and wait for it."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        source = posts(self.rate, self.seed)
        started = time.monotonic()
        pending: list[Post] = []
        try:
            while not self._stop.is_set():
                due = self.burst + int((time.monotonic() - started) * self.rate)
                wanted = min(due - self.delivered, self.max_batch) - len(pending)
                pending.extend(islice(source, max(wanted, 0)))
                if pending and self._deliver(pending):
                    pending = []
                if not pending and due - self.delivered < self.max_batch:
                    self._stop.wait(self.tick)
        finally:
            # Django opens one connection per thread; this thread's must not outlive it.
            connections.close_all()

    def _deliver(self, batch: list[Post]) -> bool:
        now = timezone.now()
        try:
            self.process([replace(post, created_at=now) for post in batch])
        except Exception:  # a bad batch (e.g. a locked database) must not end the stream
            self.failures += 1
            logger.exception("simulated stream: batch of %d posts failed, retrying", len(batch))
            connections.close_all()
            self._stop.wait(self.tick)
            return False
        self.delivered += len(batch)
        return True
