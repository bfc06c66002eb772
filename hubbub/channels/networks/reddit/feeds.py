"""Walking a Reddit listing back from its newest item to where the last poll stopped (pure).

Listings come newest first; `after=<fullname>` asks for the page below an item ("The last page
will have a `after` key with a `null` value", reddit.com/dev/api#listings). A walk reads pages
down until it meets an item the cursor already covers, so a deleted cursor item never wedges it
(`before=<deleted item>` answers an empty page forever).

Cursor values per feed: `<feed>` holds the newest fullname of each kind seen ("t1_l1x t4_2ab"; ids
of one kind only grow, so an item at or below it was seen). A walk cut short by the budget keeps
`<feed>` as it was and stores where to go on, `<feed>:after`, and the newest fullnames of the
unfinished walk, `<feed>:newest`; the next poll resumes there, and `<feed>` moves once the walk
reaches it. A first poll (no cursor) reads only the newest page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from hubbub.channels.networks.reddit.payloads import Page, Thing


@dataclass(frozen=True, slots=True)
class Feed:
    """One listing polled for an account: its cursor name, API path and query."""

    key: str
    path: str
    params: Mapping[str, str] = field(default_factory=dict)
    addressed: bool = False  # its items reached the account (the inbox), rather than being found


@dataclass(frozen=True, slots=True)
class Walked:
    """What one walk found, why items were rejected, and the feed's new cursor values."""

    things: list[Thing]
    rejected: list[str]
    cursor: dict[str, str]


Marks = dict[str, str]  # kind ("t1") -> the newest fullname of that kind


def read_marks(value: str) -> Marks:
    """The cursor value "t1_abc t4_xyz" as {kind: fullname}; anything else in it is ignored."""
    marks: Marks = {}
    for fullname in value.split()[:6]:
        kind, _, base36 = fullname.partition("_")
        if kind in {"t1", "t3", "t4"} and base36.isalnum() and len(base36) <= 13:
            marks[kind] = fullname.lower()
    return marks


def write_marks(marks: Marks) -> str:
    return " ".join(marks[kind] for kind in sorted(marks))


def newer_marks(marks: Marks, things: list[Thing]) -> Marks:
    """`marks` moved up to the newest item of each kind among `things`."""
    merged = dict(marks)
    for thing in things:
        merged = _merged(merged, {thing.name[:2]: thing.name})
    return merged


def _merged(marks: Marks, other: Marks) -> Marks:
    newest = dict(marks)
    for kind, fullname in other.items():
        if kind not in newest or _number(fullname) > _number(newest[kind]):
            newest[kind] = fullname
    return newest


def is_seen(thing: Thing, marks: Marks) -> bool:
    """At or below the cursor's newest item of its kind: an earlier poll returned it."""
    mark = marks.get(thing.name[:2])
    return mark is not None and _number(thing.name) <= _number(mark)


def _number(fullname: str) -> int:
    return int(fullname[3:], 36)


def walk(
    feed: Feed,
    cursor: Mapping[str, str],
    fetch: Callable[[Feed, str | None], Page],
    budget_spent: Callable[[], bool],
    max_pages: int,
) -> Walked:
    """New items of `feed` since `cursor`, newest first, page by page while the budget allows."""
    seen = read_marks(cursor.get(feed.key, ""))
    after = cursor.get(f"{feed.key}:after") or None
    newest = read_marks(cursor.get(f"{feed.key}:newest", ""))
    things: list[Thing] = []
    rejected: list[str] = []
    for _ in range(max_pages):
        if budget_spent():
            break
        page = fetch(feed, after)
        rejected += page.rejected
        fresh = [thing for thing in page.things if not is_seen(thing, seen)]
        things += fresh
        newest = newer_marks(newest, page.things)
        after = page.after
        if len(fresh) < len(page.things) or not after or not seen:
            return Walked(things, rejected, _finished(feed, _merged(seen, newest)))
    return Walked(things, rejected, _unfinished(feed, seen, after, newest))


def _finished(feed: Feed, marks: Marks) -> dict[str, str]:
    return {feed.key: write_marks(marks), f"{feed.key}:after": "", f"{feed.key}:newest": ""}


def _unfinished(feed: Feed, seen: Marks, after: str | None, newest: Marks) -> dict[str, str]:
    return {
        feed.key: write_marks(seen),
        f"{feed.key}:after": after or "",
        f"{feed.key}:newest": write_marks(newest),
    }
