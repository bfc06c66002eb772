"""`evolve` copies a Post with changes exactly as `dataclasses.replace` would."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubbub.core.posts import Post, PriorityPart, evolve

BASE = Post(
    network="twitter",
    external_id="1",
    author_id="u1",
    text="my phone died",
    created_at=datetime(2026, 11, 1, tzinfo=UTC),
    topic_ids=frozenset({3}),
)

parts = st.lists(st.builds(PriorityPart, st.text(max_size=5), st.integers(0, 30))).map(tuple)
changes = st.fixed_dictionaries(
    {},
    optional={
        "text": st.text(max_size=20),
        "customer_id": st.none() | st.integers(min_value=1),
        "tier": st.sampled_from(["", "gold"]),
        "priority": st.integers(0, 100),
        "priority_parts": st.lists(st.builds(PriorityPart, st.text(max_size=5), st.integers(0, 30))).map(
            tuple
        ),
        "is_inbound": st.booleans(),
    },
)


@given(changes)
def test_evolve_gives_what_replace_gives(updates):
    evolved = evolve(BASE, **updates)

    assert evolved == replace(BASE, **updates)
    assert evolved is not BASE


def test_evolve_leaves_the_original_untouched():
    evolve(BASE, text="changed", customer_id=7)

    assert (BASE.text, BASE.customer_id) == ("my phone died", None)


def test_evolve_refuses_a_field_the_post_does_not_have():
    with pytest.raises(TypeError, match="Post has no field"):
        evolve(BASE, colour="red")
