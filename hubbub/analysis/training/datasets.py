"""Readers for the labelled sets in ../shared/data (see its README for provenance and licences)."""

from __future__ import annotations

import csv
import json
import zlib
from dataclasses import dataclass
from pathlib import Path

XLMT_LANGUAGES = ("arabic", "english", "french", "german", "hindi", "italian", "portuguese", "spanish")
SERVICE_LABELS = ("chatter", "request", "complaint", "contact")
_CONTACT_INTENTS = {"contact_human_agent", "contact_customer_service"}


@dataclass(frozen=True)
class Split:
    """Texts and their label indices, with the label names."""

    texts: list[str]
    labels: list[int]
    names: tuple[str, ...]

    def __add__(self, other: Split) -> Split:
        return Split(self.texts + other.texts, self.labels + other.labels, self.names)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def tweeteval(data: Path, task: str, split: str) -> Split:
    """One TweetEval task's train or val split."""
    folder = data / "tweeteval" / task
    names = tuple(line.split("\t")[1] for line in _lines(folder / "mapping.txt") if "\t" in line)
    texts = _lines(folder / f"{split}_text.txt")
    labels = [int(label) for label in _lines(folder / f"{split}_labels.txt")]
    return Split(texts, labels, names)


def xlmt(data: Path, language: str, split: str) -> Split:
    """One XLM-T language's sentiment split (0 negative, 1 neutral, 2 positive)."""
    folder = data / "xlmt" / language
    texts = _lines(folder / f"{split}_text.txt")
    labels = [int(label) for label in _lines(folder / f"{split}_labels.txt")]
    return Split(texts, labels, ("negative", "neutral", "positive"))


def _held_out(text: str) -> bool:
    """A fixed tenth of a set without its own validation split, chosen by a hash of the text."""
    return zlib.crc32(text.encode("utf-8")) % 10 == 0


def service(data: Path, split: str) -> Split:
    """Customer-service messages (request, complaint, contact) against everyday tweets (chatter)."""
    texts: list[str] = []
    labels: list[int] = []
    want_val = split == "val"

    def add(text: str, label: str) -> None:
        texts.append(text)
        labels.append(SERVICE_LABELS.index(label))

    banking = "test.csv" if want_val else "train.csv"
    with (data / "banking77" / banking).open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            add(row["text"], "request")
    bitext = data / "bitext_customer_support" / "Bitext_Sample_Customer_Support_Training_Dataset.csv"
    with bitext.open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            if _held_out(row["instruction"]) == want_val:
                label = "complaint" if row["intent"] == "complaint" else "request"
                add(row["instruction"], "contact" if row["intent"] in _CONTACT_INTENTS else label)
    for message in _ibm_first_messages(
        data / "ibm_customer_care" / ("test.json" if want_val else "dev.json")
    ):
        add(message, "request")
    chatter = tweeteval(data, "sentiment", "val" if want_val else "train")
    step = 1 if want_val else 2  # half of TweetEval's 47k tweets keeps the classes within 2:1
    for text in chatter.texts[::step]:
        add(text, "chatter")
    return Split(texts, labels, SERVICE_LABELS)


def _ibm_first_messages(path: Path) -> list[str]:
    conversations = json.loads(path.read_text(encoding="utf-8"))
    return [c["dialogContent"][0]["message"] for c in conversations if c.get("dialogContent")]
