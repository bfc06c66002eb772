"""One HTML-to-text for every connector: visible text only, readable breaks, bounded."""

from __future__ import annotations

from hubbub.channels.html_text import html_to_text


def test_scripts_styles_and_titles_are_dropped_and_entities_decoded() -> None:
    html = (
        "<title>Outside the head</title><svg><title>Icon</title></svg><p>5 &gt; 4 &amp; "
        "<script>alert(1)</script><style>p{}</style><noscript>enable JS</noscript>ok</p>"
    )

    assert html_to_text(html) == "5 > 4 & ok"


def test_paragraphs_become_blank_lines_and_list_items_dashed_lines() -> None:
    html = (
        "<h1>Refund</h1><p>Items:</p><ul><li>broken lid</li><li>late <b>delivery</b></li></ul><p>Thanks</p>"
    )

    assert html_to_text(html) == "Refund\n\nItems:\n\n- broken lid\n- late delivery\n\nThanks"


def test_a_paragraph_inside_a_list_item_stays_on_its_line() -> None:
    assert html_to_text("<ol><li><p>first</p></li><li><div>second</div></li></ol>") == "- first\n\n- second"


def test_line_breaks_in_running_text_are_spaces_but_br_and_pre_keep_theirs() -> None:
    html = "<p>one\ntwo&nbsp;&nbsp;three<br>four</p><pre>a\n  b</pre>"

    assert html_to_text(html) == "one two three\nfour\n\na\nb"


def test_the_text_is_cut_at_the_limit_and_the_input_before_parsing() -> None:
    assert html_to_text("<p>" + "x" * 50 + "</p>", limit=10) == "x" * 10
    assert html_to_text("<b></b>" * 14 + "visible", limit=10) == "vi"


def test_a_hostile_body_becomes_inert_text() -> None:
    html = '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">click</a> &lt;script&gt;'

    assert html_to_text(html) == "click <script>"
