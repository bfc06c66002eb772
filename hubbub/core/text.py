"""Folding text for comparison: the one definition the matcher, search and the CRM share."""

from __future__ import annotations

import re
import unicodedata

_COMBINING_MARKS = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """Lower-case, accent-free text with whitespace runs as one space: "Café  Noir" -> "cafe noir"."""
    folded = " ".join(text.casefold().split())
    if folded.isascii():
        return folded
    return _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", folded))
