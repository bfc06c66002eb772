"""HTML from the outside world (email bodies, feed entries, Mastodon statuses) turned into plain text.

Nothing of the markup survives: tags are dropped, entities decoded, the contents of `<script>`,
`<style>`, `<title>` and the like discarded, and block elements become line breaks so paragraphs
stay readable (list items as "- " lines). Line breaks inside running text are spaces, as a browser
shows them, except within `<pre>`. The result is text to be escaped by whatever sink shows it, never
HTML to be trusted. The input is bounded before parsing and the output to `limit` characters.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hubbub.core.posts import MAX_TEXT_CHARS

# Elements whose content is never text a person wrote for readers.
_SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript", "iframe", "object", "svg"})
# Elements that stand apart from the text around them: a paragraph break before and after.
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "ul",
        "ol",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
        "hr",
    }
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BREAKS = re.compile(r"\n{3,}")
# Markup costs characters: parsing at most this many input characters per output character.
_INPUT_PER_OUTPUT_CHAR = 10


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._preformatted = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002  # HTMLParser's signature
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCKS:
            self._preformatted += tag == "pre"
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self._preformatted = max(0, self._preformatted - (tag == "pre"))
            self._break()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data if self._preformatted else data.replace("\n", " "))

    def _break(self) -> None:
        # A paragraph inside a list item stays on the item's "- " line.
        if not self.parts or self.parts[-1] != "\n- ":
            self.parts.append("\n\n")


def html_to_text(html: str, limit: int = MAX_TEXT_CHARS) -> str:
    """The readable text of `html`, at most `limit` characters."""
    collector = _TextCollector()
    collector.feed(html[: limit * _INPUT_PER_OUTPUT_CHAR])
    collector.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(collector.parts).split("\n"))
    return _BREAKS.sub("\n\n", "\n".join(lines)).strip()[:limit]
