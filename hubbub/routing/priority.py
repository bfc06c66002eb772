"""How urgent a post is, as a sum of named parts an agent can read. Pure: no database."""

from __future__ import annotations

from hubbub.core.posts import Post, PriorityPart

TIER_POINTS = {"platinum": 30, "gold": 20, "silver": 10}
# (followers at least, points): a public post's reach, in steps a person can reason about.
REACH_STEPS = ((1_000_000, 25), (100_000, 20), (10_000, 12), (1_000, 6))
STRONGLY_NEGATIVE = -0.5
RISKY_REACH = 10_000
# Where a post was published (listening.SourceClass values). A complaint on a rant site is public and
# gathers other unhappy readers, so it adds points; the other classes show on the post, not here.
SOURCE_CLASS_PARTS = {"rant": PriorityPart("from a rant site", 10)}
# A source's configured rating (1-5): the sites that weigh most add points; 1 and 2 add none.
RATING_POINTS = {5: 15, 4: 10, 3: 5}


def priority_parts(post: Post) -> tuple[PriorityPart, ...]:
    """The reasons this post deserves attention, each with its points."""
    parts = []
    if post.tier in TIER_POINTS:
        parts.append(PriorityPart(f"{post.tier} customer", TIER_POINTS[post.tier]))
    for threshold, points in REACH_STEPS:
        if post.author_followers >= threshold:
            parts.append(PriorityPart(f"reach of {threshold:,}+ followers", points))
            break
    if post.sentiment == "negative":
        strong = post.sentiment_score <= STRONGLY_NEGATIVE
        parts.append(PriorityPart("strongly negative" if strong else "negative", 20 if strong else 12))
        if post.author_followers >= RISKY_REACH:
            parts.append(PriorityPart("public complaint with reach", 10))
    return (*parts, *_source_parts(post))


def _source_parts(post: Post) -> list[PriorityPart]:
    """The class of the configured source the post was published on, and the source's rating."""
    parts = [SOURCE_CLASS_PARTS[post.source_class]] if post.source_class in SOURCE_CLASS_PARTS else []
    if post.source_class and post.source_rating in RATING_POINTS:
        parts.append(
            PriorityPart(f"source rated {post.source_rating} of 5", RATING_POINTS[post.source_rating])
        )
    return parts


def prioritise(post: Post) -> tuple[int, tuple[PriorityPart, ...]]:
    """The post's priority (the sum of its parts, at most 100) and the parts."""
    parts = priority_parts(post)
    return min(100, sum(part.points for part in parts)), parts
