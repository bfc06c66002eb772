"""The generic stages every pipeline starts with: normalise, drop repeats, batch."""

from __future__ import annotations

from datetime import UTC, datetime

from hubbub.core.posts import MAX_ID_CHARS, MAX_NAME_CHARS, MAX_TEXT_CHARS
from hubbub.pipeline.stages import MAX_FOLLOWERS, batched, clean_text, drop_repeats_within, normalise
from hubbub.pipeline.tests.factories import PostFactory


def normalised(**fields):
    [post] = normalise([PostFactory(**fields)])
    return post


def test_normalise_removes_control_characters_but_keeps_tabs_and_newlines():
    post = normalised(text="a\x00b\x07c\x1bd\x7fe\x85f\tg\nh")

    assert post.text == "abcdef\tg\nh"


def test_normalise_removes_bidirectional_overrides_that_disguise_text():
    post = normalised(text="invoice\u202efdp.exe \u2066isolated\u2069 \u202aembedded\u202c")

    assert post.text == "invoicefdp.exe isolated embedded"


def test_normalise_bounds_text_to_the_maximum_length():
    post = normalised(text="a" * (MAX_TEXT_CHARS + 500))

    assert post.text == "a" * MAX_TEXT_CHARS


def test_normalise_bounds_text_after_removing_control_characters():
    post = normalised(text="\x00" * 10 + "b" * MAX_TEXT_CHARS)

    assert post.text == "b" * MAX_TEXT_CHARS


def test_normalise_composes_text_to_nfc():
    post = normalised(text="Cafe\u0301 au lait", author_name="Ame\u0301lie")

    assert post.text == "Caf\u00e9 au lait"
    assert post.author_name == "Am\u00e9lie"


def test_normalise_strips_the_at_sign_from_handles():
    assert normalised(author_handle="@dana").author_handle == "dana"
    assert normalised(author_handle="@@dana").author_handle == "dana"
    assert normalised(author_handle="dana").author_handle == "dana"


def test_normalise_cleans_and_bounds_names_and_handles():
    post = normalised(author_handle="@da\u202ena" + "x" * 300, author_name="Dana\x00 " + "y" * 300)

    assert post.author_handle == ("dana" + "x" * 300)[: MAX_NAME_CHARS - 1]
    assert post.author_name == ("Dana " + "y" * 300)[:MAX_NAME_CHARS]


def test_normalise_clamps_negative_followers_to_zero():
    assert normalised(author_followers=-5).author_followers == 0
    assert normalised(author_followers=0).author_followers == 0
    assert normalised(author_followers=1234).author_followers == 1234


def test_normalise_clamps_absurd_follower_counts_to_what_the_column_holds():
    assert normalised(author_followers=10**12).author_followers == MAX_FOLLOWERS == 2_147_483_647


def test_normalise_bounds_and_cleans_every_id():
    post = normalised(
        external_id="e\x00" + "1" * 300, author_id="a\x00" + "2" * 300, in_reply_to_id="r\x00" + "3" * 300
    )

    assert post.external_id == "e" + "1" * (MAX_ID_CHARS - 1)
    assert post.author_id == "a" + "2" * (MAX_ID_CHARS - 1)
    assert post.in_reply_to_id == "r" + "3" * (MAX_ID_CHARS - 1)


def test_normalise_leaves_fields_that_did_not_come_from_outside_untouched():
    created = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    original = PostFactory(
        network="mastodon", external_id="m-1", created_at=created, brand_id=7, is_inbound=False
    )

    [post] = normalise([original])

    assert post == original


def test_normalise_keeps_the_order_of_the_batch():
    posts = PostFactory.build_batch(5)

    assert [post.external_id for post in normalise(posts)] == [post.external_id for post in posts]


def test_normalise_of_an_empty_batch_is_empty():
    assert normalise([]) == []


def test_clean_text_cuts_to_the_given_limit():
    assert clean_text("Caf\u00e9\x00 ok", 4) == "Caf\u00e9"
    assert clean_text("", 10) == ""


def test_drop_repeats_within_keeps_the_first_of_posts_sharing_a_key():
    first = PostFactory(external_id="1", text="first delivery")
    repeat = PostFactory(external_id="1", text="second delivery")
    other = PostFactory(external_id="2")

    assert drop_repeats_within([first, other, repeat]) == [first, other]


def test_drop_repeats_within_treats_the_same_id_on_two_networks_as_two_posts():
    tweet = PostFactory(network="twitter", external_id="42")
    toot = PostFactory(network="mastodon", external_id="42")

    assert drop_repeats_within([tweet, toot]) == [tweet, toot]


def test_drop_repeats_within_an_empty_batch_is_empty():
    assert drop_repeats_within([]) == []


def test_batched_yields_lists_of_at_most_the_given_size():
    assert list(batched(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert list(batched(range(4), 2)) == [[0, 1], [2, 3]]
    assert list(batched(iter(range(3)), 10)) == [[0, 1, 2]]


def test_batched_of_nothing_yields_nothing():
    assert list(batched([], 3)) == []


def test_normalise_keeps_http_links_and_drops_every_other_scheme():
    assert normalised(url="https://example.com/p/1").url == "https://example.com/p/1"
    assert normalised(url=" http://example.com/a ").url == "http://example.com/a"
    assert normalised(url="javascript:alert(1)").url == ""
    assert normalised(url="data:text/html,<script>").url == ""
    assert normalised(url="https://example.com/" + "a" * 3000).url == ""


def test_normalise_bounds_thread_ids_and_lower_cases_sources():
    post = normalised(thread_id="t\x00" + "4" * 300, source="Blog.Example.COM")

    assert post.thread_id == "t" + "4" * (MAX_ID_CHARS - 1)
    assert post.source == "blog.example.com"
