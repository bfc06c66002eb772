"""Who may be the same person: candidate pairs of customers, each reason with its weight.

Reasons and weights (a pair's score is their sum, capped at 1; a pair at or above THRESHOLD is
suggested to a supervisor, who decides):

- similar names: `NAME_WEIGHT * similarity` when the similarity of the folded names (case and
  accents folded, tokens sorted, difflib's ratio) is at least NAME_SIMILARITY; the same name alone
  is enough for a suggestion, a near miss alone is not;
- a shared email address (case folded) or phone number (digits and a leading +);
- one customer's post states an order number of the other customer's purchase.

Pairs are found by blocking, never by comparing every customer with every other: only customers
sharing an email, a phone, an order number, a folded name or a surname are compared, and name
blocks larger than MAX_BLOCK (a very common surname) are skipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import combinations

THRESHOLD = 0.5
NAME_SIMILARITY = 0.85
NAME_WEIGHT = 0.5
EMAIL_WEIGHT = 0.7
PHONE_WEIGHT = 0.7
ORDER_WEIGHT = 0.9
MAX_BLOCK = 50
# Order numbers look like "A-10023" or "100234": letters, digits and dashes, at least 4 long.
ORDER_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{3,63}")


@dataclass(frozen=True, slots=True)
class Profile:
    """What the scoring knows of one customer (with everyone merged into them)."""

    customer_id: int
    brand_id: int
    name: str
    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    order_numbers: frozenset[str] = frozenset()
    stated_order_numbers: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence and the weight it adds."""

    kind: str
    detail: str
    weight: float

    def as_json(self) -> dict[str, str | float]:
        """The reason as `MergeSuggestion.reasons` stores it."""
        return {"kind": self.kind, "detail": self.detail, "weight": self.weight}


@dataclass(frozen=True, slots=True)
class PairScore:
    """A scored pair (lower customer id first) with its reasons."""

    customer_id: int
    candidate_id: int
    reasons: tuple[Reason, ...] = field(default=())

    @property
    def score(self) -> float:
        """The sum of the reasons' weights, at most 1."""
        return round(min(1.0, sum(reason.weight for reason in self.reasons)), 3)

    @property
    def is_suggested(self) -> bool:
        """Whether the pair reaches the threshold."""
        return self.score >= THRESHOLD


def fold_name(name: str) -> str:
    """The name without case, accents or token order: "Zoë  Ávila" -> "avila zoe"."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join(sorted(re.findall(r"\w+", plain)))


def normalise_email(email: str) -> str:
    """An address compared without case or surrounding space."""
    return email.strip().casefold()


def normalise_phone(phone: str) -> str:
    """A number compared by its digits, keeping a leading + ("+49 (30) 123-456" -> "+4930123456")."""
    digits = re.sub(r"\D", "", phone)
    return f"+{digits}" if phone.strip().startswith("+") and digits else digits


def stated_order_numbers(texts: Iterable[str], known: frozenset[str]) -> frozenset[str]:
    """The known order numbers that occur as tokens in the texts."""
    found: set[str] = set()
    for text in texts:
        found.update(token for token in ORDER_TOKEN.findall(text) if token in known)
    return frozenset(found)


def score_pair(first: Profile, second: Profile) -> PairScore:
    """The reasons two customers of one brand may be the same person (none for self or cross-brand)."""
    low, high = sorted((first, second), key=lambda profile: profile.customer_id)
    if low.customer_id == high.customer_id or low.brand_id != high.brand_id:
        return PairScore(low.customer_id, high.customer_id)
    reasons = [
        *_name_reasons(low, high),
        *(Reason("email", email, EMAIL_WEIGHT) for email in sorted(low.emails & high.emails)),
        *(Reason("phone", phone, PHONE_WEIGHT) for phone in sorted(low.phones & high.phones)),
        *_order_reasons(low, high),
        *_order_reasons(high, low),
    ]
    return PairScore(low.customer_id, high.customer_id, tuple(reasons))


def suggested_pairs(profiles: Iterable[Profile]) -> list[PairScore]:
    """Every blocked pair that reaches the threshold, best first."""
    by_id = {profile.customer_id: profile for profile in profiles}
    scored = [score_pair(by_id[low], by_id[high]) for low, high in candidate_pairs(by_id.values())]
    suggested = [pair for pair in scored if pair.is_suggested]
    return sorted(suggested, key=lambda pair: (-pair.score, pair.customer_id, pair.candidate_id))


def candidate_pairs(profiles: Iterable[Profile]) -> set[tuple[int, int]]:
    """Pairs of customer ids (lower first) sharing at least one blocking key within a brand."""
    blocks: dict[tuple[object, ...], set[int]] = defaultdict(set)
    for profile in profiles:
        for kind, value in _blocking_keys(profile):
            blocks[(profile.brand_id, kind, value)].add(profile.customer_id)
    pairs: set[tuple[int, int]] = set()
    for block, ids in blocks.items():
        if block[1] == "name" and len(ids) > MAX_BLOCK:
            continue
        pairs.update(combinations(sorted(ids), 2))
    return pairs


def _blocking_keys(profile: Profile) -> Iterable[tuple[str, str]]:
    folded = fold_name(profile.name)
    if folded:
        yield ("name", folded)
        yield ("name", f"surname {_surname(profile.name)}")
    yield from (("email", email) for email in profile.emails)
    yield from (("phone", phone) for phone in profile.phones)
    yield from (("order", number) for number in profile.order_numbers | profile.stated_order_numbers)


def _surname(name: str) -> str:
    return fold_name(name.rsplit(maxsplit=1)[-1])


def _name_reasons(low: Profile, high: Profile) -> list[Reason]:
    first, second = fold_name(low.name), fold_name(high.name)
    if not first or not second:
        return []
    similarity = SequenceMatcher(None, first, second).ratio()
    if similarity < NAME_SIMILARITY:
        return []
    return [
        Reason("name", f"{low.name} ~ {high.name} ({similarity:.2f})", round(NAME_WEIGHT * similarity, 3))
    ]


def _order_reasons(writer: Profile, owner: Profile) -> list[Reason]:
    stated = sorted(writer.stated_order_numbers & owner.order_numbers)
    return [Reason("order", number, ORDER_WEIGHT) for number in stated]
