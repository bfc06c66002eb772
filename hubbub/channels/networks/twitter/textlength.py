"""X's weighted tweet length (twitter-text v3): the count X checks against 280.

From twitter-text's `config/v3.json` and `parseTweet`: the text is NFC-normalised; code points in
the Latin-and-friends ranges below weigh 1, every other code point 2; every URL counts as 23 (its
t.co form) whatever its length; an emoji sequence (ZWJ families, flags, skin tones, keycaps) counts
as one character of weight 2. Known simplification: bare domains are recognised for common TLDs only
(twitter-text knows every TLD); URLs with a scheme are always recognised.
"""

from __future__ import annotations

import re
import unicodedata

MAX_WEIGHTED_LENGTH = 280
URL_LENGTH = 23
_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))

_TLDS = (
    "com|org|net|edu|gov|io|co|me|ly|info|biz|app|dev|ai|tv"
    "|uk|de|fr|es|it|nl|eu|us|ca|jp|cn|ru|br|in|au|ch|be|at"
)
_URL = re.compile(
    r"(?<![\w@.$#/-])(?:https?://[^\s<>\"]+"
    rf"|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS})\b(?::\d{{1,5}})?(?:/[^\s<>\"]*)?)",
    re.IGNORECASE,
)
# twitter-text leaves these out of the end of a URL ("see https://x.com/a." keeps the dot as text).
_URL_TRAILING = ".,:;!?'\")]}"

_ZWJ = 0x200D
_KEYCAP = 0x20E3
_VARIATION_SELECTORS = (0xFE0E, 0xFE0F)
_SKIN_TONES = (0x1F3FB, 0x1F3FF)
_TAGS = (0xE0020, 0xE007F)
_REGIONAL_INDICATORS = (0x1F1E6, 0x1F1FF)
_EMOJI_RANGES = ((0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2300, 0x23FF), (0x2B00, 0x2BFF))


def weighted_length(text: str) -> int:
    """The length X counts for `text` (at most MAX_WEIGHTED_LENGTH in a tweet)."""
    normalised = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    for start, end in _url_spans(normalised):
        total += _weigh(normalised[position:start]) + URL_LENGTH
        position = end
    return total + _weigh(normalised[position:])


def _url_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _URL.finditer(text):
        url = match.group().rstrip(_URL_TRAILING)
        spans.append((match.start(), match.start() + len(url)))
    return spans


def _weigh(segment: str) -> int:
    points = [ord(char) for char in segment]
    total, index = 0, 0
    while index < len(points):
        emoji_end = _emoji_end(points, index)
        if emoji_end > index:
            total, index = total + 2, emoji_end
            continue
        total += 1 if _within(points[index], _LIGHT_RANGES) else 2
        index += 1
    return total


def _emoji_end(points: list[int], index: int) -> int:
    """Where the emoji sequence starting at `index` ends (`index` itself when there is none)."""
    point = points[index]
    if _within(point, (_REGIONAL_INDICATORS,)):
        pair = index + 1 < len(points) and _within(points[index + 1], (_REGIONAL_INDICATORS,))
        return index + (2 if pair else 1)
    if chr(point) in "0123456789#*":
        return _keycap_end(points, index)
    if not _within(point, _EMOJI_RANGES):
        return index
    end = index + 1
    while end < len(points):
        if points[end] == _ZWJ and end + 1 < len(points):
            end += 2
        elif points[end] in _VARIATION_SELECTORS or _within(points[end], (_SKIN_TONES, _TAGS)):
            end += 1
        else:
            break
    return end


def _keycap_end(points: list[int], index: int) -> int:
    """A keycap emoji is a digit, # or *, an optional U+FE0F, then U+20E3."""
    end = index + 1
    if end < len(points) and points[end] == _VARIATION_SELECTORS[1]:
        end += 1
    return end + 1 if end < len(points) and points[end] == _KEYCAP else index


def _within(point: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= point <= high for low, high in ranges)
