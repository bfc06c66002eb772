"""The RightNow response decision (the US Air Force's web-posting assessment): what to do, and why.

Pure: it reads the analysis' labels and scores, never the database.
"""

from __future__ import annotations

from dataclasses import dataclass

THANK = "thank"
MONITOR = "monitor"
CORRECT = "correct"
SERVICE_RECOVERY = "service_recovery"
SHARE = "share"
NONE = "none"

# Above these the models are more often right than wrong on their validation splits.
IRONY_FROM = 0.7
RAGE_ANGER_FROM = 0.8
RAGE_OFFENSIVE_FROM = 0.4


@dataclass(frozen=True, slots=True)
class Signals:
    """What the decision reads: the post's intent and tone, and whether someone needs help."""

    intent: str
    sentiment: str
    emotion: str
    emotion_score: float
    irony: float
    offensive: float
    call_for_help: bool


@dataclass(frozen=True, slots=True)
class Decision:
    """The response to give, with the reason shown to the agent."""

    action: str
    reason: str


def decide_response(signals: Signals) -> Decision:  # noqa: PLR0911 (the RightNow table, one branch a line)
    """RightNow: positive → thank; rant, ridicule, rage → monitor; incorrect facts → correct;
    unhappy customer → service recovery; factual → share and join the conversation."""
    if signals.intent == "rant":
        return Decision(MONITOR, "rant or abuse: monitor only, do not engage")
    needs_help = signals.call_for_help or signals.intent in {"complaint", "contact_request"}
    if not needs_help and signals.irony >= IRONY_FROM:
        return Decision(MONITOR, f"ridicule (irony {signals.irony:.0%}): monitor only")
    if (
        not needs_help
        and signals.emotion == "anger"
        and signals.emotion_score >= RAGE_ANGER_FROM
        and signals.offensive >= RAGE_OFFENSIVE_FROM
    ):
        return Decision(MONITOR, "rage (angry and offensive): monitor only")
    if signals.intent == "incorrect_facts":
        return Decision(CORRECT, "incorrect facts: correct them, politely and with a source")
    if needs_help or signals.sentiment == "negative":
        return Decision(
            SERVICE_RECOVERY, f"unhappy customer ({signals.intent}): fix the problem, then follow up"
        )
    if signals.sentiment == "positive" or signals.intent == "praise":
        return Decision(THANK, "positive: thank them")
    return Decision(SHARE, f"factual ({signals.intent}): share information and join the conversation")
