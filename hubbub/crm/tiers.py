"""Tier rules, decided in pure code: which tier a customer's facts earn, and why.

Rules are tried platinum first, then gold, silver and bronze; within a tier by position (then by
the order given). The first rule whose every *set* threshold holds wins; a fact that is unknown
(no invoices yet, an objection to profiling) meets no threshold. Without a matching rule the
customer is bronze, and the explanation says "no rule matched". A rule with no threshold set
matches everyone, which is how a brand gives every customer a floor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hubbub.crm.facts import CustomerFacts

TIER_ORDER = ("platinum", "gold", "silver", "bronze")
FALLBACK_TIER = "bronze"
NO_RULE = "no rule matched"
# (threshold on the rule, fact on CustomerFacts), in the order explanations list them.
THRESHOLDS = (
    ("min_spend_12m", "spend_12m"),
    ("min_tenure_days", "tenure_days"),
    ("min_payment_reliability", "payment_reliability"),
    ("min_products", "active_products"),
    ("min_influence", "influence"),
)

Number = Decimal | int


@dataclass(frozen=True, slots=True)
class Rule:
    """A tier rule as the policy sees it (loaded from `TierRule`)."""

    name: str
    tier: str
    position: int = 0
    min_spend_12m: Decimal | None = None
    min_tenure_days: int | None = None
    min_payment_reliability: Decimal | None = None
    min_products: int | None = None
    min_influence: int | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """One threshold of a rule against the customer's value."""

    fact: str
    minimum: Number
    value: Number | None

    @property
    def holds(self) -> bool:
        """Whether the value is known and at least the minimum."""
        return self.value is not None and self.value >= self.minimum


@dataclass(frozen=True, slots=True)
class TierDecision:
    """The tier, the rule that gave it (empty for the bronze fallback), its checks and the facts."""

    tier: str
    rule: str
    checks: tuple[Check, ...]
    facts: CustomerFacts

    def as_explanation(self) -> dict[str, Any]:
        """The decision as `Customer.tier_explanation` stores it (decimals as strings)."""
        return {
            "tier": self.tier,
            "rule": self.rule or NO_RULE,
            "checks": [
                {"fact": check.fact, "minimum": _text(check.minimum), "value": _text(check.value)}
                for check in self.checks
            ],
            "facts": self.facts.as_json(),
        }


def checks_of(rule: Rule, facts: CustomerFacts) -> tuple[Check, ...]:
    """The rule's set thresholds, each with the customer's value."""
    return tuple(
        Check(fact, minimum, getattr(facts, fact))
        for threshold, fact in THRESHOLDS
        if (minimum := getattr(rule, threshold)) is not None
    )


def in_trial_order(rules: Iterable[Rule]) -> list[Rule]:
    """Rules in the order they are tried: higher tiers first, then by position."""
    ranked = [rule for rule in rules if rule.tier in TIER_ORDER]
    return sorted(ranked, key=lambda rule: (TIER_ORDER.index(rule.tier), rule.position))


def decide_tier(rules: Iterable[Rule], facts: CustomerFacts) -> TierDecision:
    """The first rule (in trial order) whose every set threshold holds, else bronze."""
    for rule in in_trial_order(rules):
        checks = checks_of(rule, facts)
        if all(check.holds for check in checks):
            return TierDecision(rule.tier, rule.name, checks, facts)
    return TierDecision(FALLBACK_TIER, "", (), facts)


def _text(value: Number | None) -> str | int | None:
    return str(value) if isinstance(value, Decimal) else value
