"""A first influence estimate, 1 to 10, from the followers of a customer's identities.

Reach is the sum of followers over the customer's identities; the score grows with its logarithm:
`1 + floor(1.5 * log10(reach + 1))`, capped at 10 (0 followers: 1, 100: 4, 10,000: 7, 1,000,000: 10).
A customer who objects to profiling (GDPR Art. 21) gets no estimate at all. The influence issue
replaces this with a real score; until then every estimate shows the accounts it came from.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

LOG_FACTOR = 1.5
MAX_SCORE = 10


@dataclass(frozen=True, slots=True)
class Audience:
    """One identity's audience: its network, handle and follower count."""

    network: str
    handle: str
    followers: int


@dataclass(frozen=True, slots=True)
class InfluenceEstimate:
    """A 1-10 score, the reach it came from, and each identity's part of that reach."""

    score: int
    reach: int
    parts: tuple[Audience, ...]

    def as_json(self) -> dict[str, object]:
        """The estimate with its parts, for a tier explanation."""
        return {
            "score": self.score,
            "reach": self.reach,
            "formula": "1 + floor(1.5 * log10(reach + 1)), at most 10",
            "parts": [[part.network, part.handle, part.followers] for part in self.parts],
        }


def estimate_influence(
    audiences: Iterable[Audience], *, objects_to_profiling: bool
) -> InfluenceEstimate | None:
    """The estimate from the identities' followers; None for a customer who objects to profiling."""
    if objects_to_profiling:
        return None
    parts = tuple(sorted(audiences, key=lambda part: (-part.followers, part.network, part.handle)))
    reach = sum(max(part.followers, 0) for part in parts)
    score = min(MAX_SCORE, 1 + math.floor(LOG_FACTOR * math.log10(reach + 1)))
    return InfluenceEstimate(score, reach, parts)
