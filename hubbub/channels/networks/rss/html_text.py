"""HTML from the outside world (feed entries, Mastodon statuses) turned into plain text.

Nothing of the markup survives: tags are dropped, entities decoded, `<script>`/`<style>` contents
discarded, and block elements become line breaks so paragraphs stay readable. The result is text to
be escaped by whatever sink shows it, never HTML to be trusted.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is never text a person wrote for readers.
_SKIPPED = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg", "head"})
_BLOCKS = frozenset(
    {"p", "div", "li", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table"}
)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BREAKS = re.compile(r"\n{3,}")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002  # HTMLParser's signature
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data.replace("\n", " "))


def html_to_text(html: str, limit: int) -> str:
    """The readable text of `html`, at most `limit` characters (the input is cut at 10x first)."""
    collector = _TextCollector()
    collector.feed(html[: limit * 10])
    collector.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(collector.parts).split("\n"))
    return _BREAKS.sub("\n\n", "\n".join(lines)).strip()[:limit]
