"""Inline Markdown that no rule changes skips the parser: the HTML must be the parser's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from specc.emitters.docs import markdown

ENV = markdown.PageEnv({"r": "A rule"}, frozenset({"n1"}), {"other": "other.html"})
PIECES = st.sampled_from(
    ["MUST", "MUST NOT", "SHOULD", "MAY", "word", "(c)", "(TM)", "..", "...", ",,"]
    + ["????", "a (b) c", "x.y", "don't", '"q"', "é", "\u00a0", "\t", "  ", "[^n1]"]
    + list("@_<*}#{-&+%`~>=$^!:][\\\n\r0;,./?")
)


def parsed(text: str) -> tuple[Markup, str]:
    """Return what markdown-it itself makes of ``text``: HTML and plain text."""
    md = markdown.parser()
    page = {"page": ENV}
    return (
        Markup(md.renderInline(text, page).strip()),
        markdown.plain_tokens(md.parseInline(text, page)),
    )


@settings(max_examples=3000, deadline=None)
@given(st.lists(PIECES, max_size=8).map(" ".join))
def test_inline_text_renders_as_the_parser_renders_it(text: str) -> None:
    assert (markdown.render_inline(text, ENV), markdown.plain(text, ENV)) == parsed(
        text
    )


def test_plain_text_skips_the_parser_and_keeps_its_keywords() -> None:
    text = "Each record MUST NOT change; it MAY grow"
    assert markdown._is_plain(text)
    assert markdown.render_inline(text, ENV) == parsed(text)[0]
    assert '<strong class="rfc2119 rfc2119-must-not">MUST NOT</strong>' in str(
        markdown.render_inline(text, ENV)
    )
    assert not markdown._is_plain("a -- b") and not markdown._is_plain("x (c) y")
