"""A Twitter storm against one brand: seeded, pure, shaped over time (ramp up, peak, decay).

Many distinct authors, a few of them with large followings, pile onto one issue and the brand's
hashtag (`fail_tag` in the simulator's scenario): mostly angry posts, about a third of them
retweets of earlier ones (of loud accounts most of all), copy-pasted calls to join in, and a few
customers defending the brand. The brand's regulars from the scenario join in now and then, as
real customers do. Posts are published over `seconds` from `start`, rising to a peak and then
decaying, and come in `created_at` order, except that a small share is delivered a second time
with the same id, as streaming APIs redeliver after a reconnect, for the pipeline's dedupe to drop.

The same seed gives the same storm. External ids carry the seed, so a storm with a new seed stores
new posts and a rerun with the same seed stores nothing new. The crowd is the same people in every
storm (an author's handle and following depend on their number only), as on a real network.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from hubbub.channels.simulator import DEMO_SCENARIO, BrandScript, Persona, Scenario
from hubbub.core.networks import Network
from hubbub.core.posts import Post

# Placeholders: {to} a mention of the brand's X account (or its name), {brand}, {product}, {issue},
# {rival}, {tag} the storm's hashtag, {hours}, {day}. Every attack names the issue and the hashtag.
ATTACKS: tuple[str, ...] = (
    "{to} {issue} AGAIN. {hours} hours and not a word from you. Disgraceful. {tag}",
    "Day {day} of the {brand} {issue}. Paying for a service that does not work. Furious. {tag}",
    "{to} worst {issue} ever, my {product} is useless and your support is a joke {tag}",
    "{to} total {issue} here and nobody answers. Absolutely pathetic. {tag}",
    "Cancelling my {brand} contract today. {hours} hours of {issue} is unacceptable. {tag}",
    "{to} you owe every customer a refund for this {issue}. Shameful. {tag}",
    "{to} stop posting ads and fix the {issue}! Terrible, terrible service {tag}",
    "{brand} {issue} again?! I hate this company, switching to {rival}. Never again. {tag}",
    "{to} {hours} hours of {issue} and you lie about it. Awful. {tag}",
    "So angry. {brand} ruined my day with this {issue}. Worst provider ever {tag}",
)
CALLS_TO_JOIN: tuple[str, ...] = (
    "Everyone tweet {tag} until {brand} fixes the {issue}! They ignore us, awful company",
    "{brand} customers: the {issue} is their fault and they hide it. Spread {tag}, disgraceful",
)
DEFENCES: tuple[str, ...] = (
    "{to} my {product} works fine, thank you for the great service 🙌",
    "Give {brand} a break, their support sorted my problem in minutes last week. Love my {product} ❤️",
    "Been with {brand} for 10 years, always great. Thanks to the team, you will fix it 👍",
)
# Copy-pasted posts differ by what the angry add at the end: near-duplicates, not duplicates.
SHOUTS: tuple[str, ...] = ("", "", " 😡", " 🤬", "!!", " 👎👎")
REDELIVERY_SHARE = 0.01
RETWEET_SHARE = 0.35
LOUD_RETWEET_SHARE = 0.6  # of retweets, those of a loud account's post
DEFENCE_SHARE = 0.04
CALL_SHARE = 0.08
REGULAR_SHARE = 0.01
LOUD_SHARE = 0.03  # of the crowd: journalists, influencers, angry celebrities
LOUD_FOLLOWERS = 10_000
MAX_TWEET_CHARS = 280
_CELLS = 1_000  # resolution of the shape's inverse distribution


@dataclass(frozen=True, slots=True)
class StormShape:
    """How volume moves over the span, in shares of it: a linear rise, a plateau, then an
    exponential decay with time constant `decay`."""

    ramp: float = 0.2
    peak: float = 0.15
    decay: float = 0.15

    def density(self, at: float) -> float:
        """Relative volume at `at` (0 is the start of the span, 1 its end)."""
        if at < self.ramp:
            return at / self.ramp
        if at < self.ramp + self.peak:
            return 1.0
        return math.exp(-(at - self.ramp - self.peak) / self.decay)


DEFAULT_SHAPE = StormShape()


def storm_issue(brand: BrandScript) -> str:
    """The issue a storm is about unless told otherwise: an outage, or the brand's first issue."""
    return "outage" if "outage" in brand.issues or not brand.issues else brand.issues[0]


def storm_posts(
    brand: BrandScript,
    count: int,
    *,
    seed: int,
    start: datetime,
    seconds: float,
    issue: str | None = None,
    shape: StormShape = DEFAULT_SHAPE,
    scenario: Scenario = DEMO_SCENARIO,
) -> Iterator[Post]:
    """`count` posts (redeliveries included) of a storm against `brand`, published over `seconds`."""
    if count < 0 or seconds <= 0:
        raise ValueError(f"a storm needs a count >= 0 and a positive span, not {count} and {seconds:g}")
    rng = random.Random(seed)  # noqa: S311 (a reproducible simulation, not a secret)
    crowd = _Crowd(brand, scenario, size=max(50, count), rng=rng)
    writer = _Writer(brand, issue or storm_issue(brand), rng)
    for number, offset in enumerate(_offsets(count, shape, rng), start=1):
        created_at = start + timedelta(seconds=offset * seconds)
        yield writer.post(f"storm-{seed}-{number}", created_at, crowd)


def _offsets(count: int, shape: StormShape, rng: random.Random) -> list[float]:
    """`count` rising moments in [0, 1), one in each of `count` equal slices of the shape's
    distribution (stratified, so that even a small storm has the shape)."""
    mass = [shape.density((cell + 0.5) / _CELLS) for cell in range(_CELLS)]
    cumulative: list[float] = []
    for weight in mass:
        cumulative.append((cumulative[-1] if cumulative else 0.0) + weight)
    total = cumulative[-1]
    offsets = []
    for index in range(count):
        target = (index + rng.random()) / count * total
        cell = min(bisect.bisect_left(cumulative, target), _CELLS - 1)
        below = cumulative[cell - 1] if cell else 0.0
        within = min(max((target - below) / mass[cell], 0.0), 1.0) if mass[cell] else 0.0
        offsets.append((cell + within) / _CELLS)
    return offsets


class _Crowd:
    """Who writes: mostly people from a crowd about as large as the storm, now and then a regular."""

    def __init__(self, brand: BrandScript, scenario: Scenario, *, size: int, rng: random.Random) -> None:
        self.regulars = [
            p for p in scenario.regulars if p.brand == brand.slug and p.network == Network.TWITTER
        ]
        self.size = size
        self.rng = rng
        self.known: dict[int, Persona] = {}

    def someone(self) -> Persona:
        """The author of the next post."""
        if self.regulars and self.rng.random() < REGULAR_SHARE:
            return self.rng.choice(self.regulars)
        number = self.rng.randrange(1, self.size + 1)
        if number not in self.known:
            self.known[number] = _crowd_member(number)
        return self.known[number]


def _crowd_member(number: int) -> Persona:
    """Person `number` of the crowd, with the same handle and following in every storm."""
    own = random.Random(number)  # noqa: S311 (as above)
    followers = (
        int(10 ** own.uniform(4.2, 6.3)) if own.random() < LOUD_SHARE else int(10 ** own.uniform(0, 3.5))
    )
    return Persona(
        "", Network.TWITTER, f"storm-user-{number}", f"angry{number}", f"User {number}", followers, ""
    )


class _Writer:
    """Writes the posts one by one, remembering what can be retweeted or redelivered."""

    def __init__(self, brand: BrandScript, issue: str, rng: random.Random) -> None:
        self.brand = brand
        self.issue = issue
        self.rng = rng
        handle = next((handle for network, handle in brand.accounts if network == Network.TWITTER), "")
        self.mention = f"@{handle}" if handle else brand.name
        self.originals: list[tuple[str, str]] = []  # (handle, text) of attacks and calls to join
        self.loud: list[tuple[str, str]] = []  # those of them by loud accounts
        self.sent: list[Post] = []

    def post(self, external_id: str, created_at: datetime, crowd: _Crowd) -> Post:
        """The next post: a redelivery, a retweet, a defence, a call to join in or an attack."""
        draw = self.rng.random()
        if self.sent and draw < REDELIVERY_SHARE:
            return self.rng.choice(self.sent)
        author = crowd.someone()
        if self.originals and draw < REDELIVERY_SHARE + RETWEET_SHARE:
            text = self._retweet()
        else:
            text = self._original(author)
        post = Post(
            network=Network.TWITTER,
            external_id=external_id,
            author_id=author.author_id,
            author_handle=author.handle,
            author_name=author.name,
            author_followers=author.followers,
            text=text[:MAX_TWEET_CHARS],
            created_at=created_at,
        )
        self.sent.append(post)
        return post

    def _retweet(self) -> str:
        pool = self.loud if self.loud and self.rng.random() < LOUD_RETWEET_SHARE else self.originals
        handle, text = self.rng.choice(pool)
        return f"RT @{handle}: {text}"

    def _original(self, author: Persona) -> str:
        draw = self.rng.random()
        if draw < DEFENCE_SHARE:
            return self._fill(self.rng.choice(DEFENCES))
        templates = CALLS_TO_JOIN if draw < DEFENCE_SHARE + CALL_SHARE else ATTACKS
        text = self._fill(self.rng.choice(templates)) + self.rng.choice(SHOUTS)
        self.originals.append((author.handle, text))
        if author.followers >= LOUD_FOLLOWERS:
            self.loud.append((author.handle, text))
        return text

    def _fill(self, template: str) -> str:
        brand = self.brand
        return template.format(
            to=self.mention,
            brand=brand.name,
            product=self.rng.choice(brand.products) if brand.products else brand.name,
            issue=self.issue,
            rival=self.rng.choice(brand.competitors) if brand.competitors else "anyone else",
            tag=brand.fail_tag,
            hours=self.rng.randint(2, 30),
            day=self.rng.randint(2, 4),
        )
