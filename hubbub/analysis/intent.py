"""Intent of each post of a batch, and whether it is a (possibly hidden) call for help. Pure.

The trained `service` head tells customer-service messages (request, complaint, contact) from everyday
chatter; the `offensive` and `hate` heads find abuse. Phrase cues (`cues.py`) cover what no labelled set
here teaches: a question's shape, a request to be contacted, complaint phrases and claims that may be
incorrect facts (rumours, hoaxes). The rules are thresholds on the heads' columns, applied to the whole
batch at once with numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hubbub.analysis.cues import CUES

QUESTION = "question"
COMPLAINT = "complaint"
PRAISE = "praise"
INCORRECT_FACTS = "incorrect_facts"
CONTACT_REQUEST = "contact_request"
RANT = "rant"
OTHER = "other"
INTENTS = (QUESTION, COMPLAINT, PRAISE, INCORRECT_FACTS, CONTACT_REQUEST, RANT, OTHER)
# The service head's customer-service kinds (its fourth label, chatter, is what they are told from).
SERVICE_KINDS = ("request", "complaint", "contact")

ABUSE_FROM = 0.6
HELP_FROM = 0.5
PRAISE_FROM = 0.6

# Why, for each intent; filled with the post's own scores.
REASONS = {
    RANT: "abusive or offensive language ({abuse:.0%})",
    CONTACT_REQUEST: "asks to be contacted or to speak to a person",
    INCORRECT_FACTS: "repeats a claim or rumour that may be incorrect",
    COMPLAINT: "a problem with a product or service (customer-service message {help_score:.0%})",
    QUESTION: "asks a question or for something to be done",
    PRAISE: "positive ({positive:.0%})",
    OTHER: "no question, complaint, request or praise found",
}

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class IntentInputs:
    """What intent reads, one entry per post: the phrase cues and the heads' labels and chances."""

    cues: BoolArray  # posts x CUES, from `cues.find_cues`
    negative_sentiment: BoolArray  # the sentiment head's label is negative
    positive_sentiment: BoolArray
    positive: FloatArray  # P(positive sentiment)
    help_score: FloatArray  # 1 - P(chatter): how much it reads as a customer's message
    service: IntArray  # the service head's likeliest of SERVICE_KINDS
    offensive: FloatArray
    hate: FloatArray


@dataclass(frozen=True, slots=True)
class Intents:
    """Each post's intent (an index into INTENTS), whether it asks for help (even without addressing
    the brand), and the abuse score its reason quotes."""

    label: IntArray
    call_for_help: BoolArray
    abuse: FloatArray


def classify_intents(inputs: IntentInputs) -> Intents:
    """One of INTENTS per post, from the heads and the phrase cues: the first rule that holds, in order
    of what the brand must act on."""
    needs_help = inputs.help_score >= HELP_FROM
    abuse = np.maximum(inputs.offensive, inputs.hate)
    cue = {name: inputs.cues[:, CUES.index(name)] for name in CUES}
    service = {kind: inputs.service == SERVICE_KINDS.index(kind) for kind in SERVICE_KINDS}
    rules = {
        RANT: (abuse >= ABUSE_FROM) & ~needs_help,
        CONTACT_REQUEST: cue["contact"] | (needs_help & service["contact"]),
        INCORRECT_FACTS: cue["misinformation"],
        COMPLAINT: cue["complaint"] | (needs_help & (service["complaint"] | inputs.negative_sentiment)),
        QUESTION: cue["question"] | needs_help,
        PRAISE: inputs.positive_sentiment & (inputs.positive >= PRAISE_FROM),
    }
    label = np.select(
        list(rules.values()), [INTENTS.index(intent) for intent in rules], INTENTS.index(OTHER)
    ).astype(np.int64)
    return Intents(label, needs_help & (label != INTENTS.index(RANT)), abuse)


def intent_reason(intent: str, abuse: float, help_score: float, positive: float) -> str:
    """Why the post has this intent, in words."""
    return REASONS[intent].format(abuse=abuse, help_score=help_score, positive=positive)
