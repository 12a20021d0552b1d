"""Spec Markdown to safe HTML: no raw HTML, only harmless links, normative words marked."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token
    from markdown_it.utils import OptionsDict

#: Link schemes a reader may follow; anything else (javascript:, data:, vbscript:,
#: file:, …) is refused and the link shown as text.
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
#: Patterns of links (compiled by `re` when a page first has one).
_SCHEME = r"^([a-z][a-z0-9+.-]*):"
_INVISIBLE = r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]+"
NORMATIVE = re.compile(r"\b(MUST\s+NOT|MUST|SHOULD\s+NOT|SHOULD|MAY)\b")
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")


@dataclass(eq=False, repr=False)
class PageEnv:
    """What rendering one page's Markdown needs to know about the page."""

    titles: dict[str, str] = field(default_factory=dict)
    """Anchor -> plain title, for `[?](#id)` links that borrow the target's title."""
    footnotes: frozenset[str] = frozenset()
    """Footnote IDs the page defines (markers of others stay plain)."""
    specs: dict[str, str] = field(default_factory=dict)
    """ID -> page of each spec this one uses, so `[text](billing#charge)` links there."""


def safe_link(url: str) -> bool:
    """Return whether a link destination is harmless to follow."""
    squeezed = re.sub(_INVISIBLE, "", url).lower()
    match = re.match(_SCHEME, squeezed)
    return match is None or match.group(1) in SAFE_SCHEMES


def is_external(url: str) -> bool:
    """Return whether a link leaves the site (has a scheme or is protocol-relative)."""
    return url.startswith("//") or re.match(_SCHEME, url.lower()) is not None


def highlight(text: str) -> str:
    """Return text HTML-escaped, with RFC 2119 keywords wrapped for emphasis."""
    return NORMATIVE.sub(_keyword, str(escape(text)))


def _keyword(match: re.Match[str]) -> str:
    word = " ".join(match.group(1).split())
    kind = word.lower().replace(" ", "-")
    return f'<strong class="rfc2119 rfc2119-{kind}">{word}</strong>'


_MD: MarkdownIt | None = None


def parser() -> MarkdownIt:
    """Return the shared CommonMark parser with HTML off and the page rules on."""
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt

        class SafeLinks(MarkdownIt):
            """markdown-it with specc's link policy (`safe_link`)."""

            def validateLink(self, url: str) -> bool:  # markdown-it names it so
                return safe_link(url)

        md = SafeLinks(
            "commonmark", {"html": False, "linkify": False, "typographer": True}
        )
        # Dashes and ellipses only: quotes stay as the author typed them.
        md.enable(["table", "strikethrough", "replacements"])
        md.inline.ruler.before("link", "footnote_marker", _footnote_marker)
        md.core.ruler.push("page_links", _page_links)
        md.add_render_rule("text", _render_text)
        md.add_render_rule("footnote_marker", _render_footnote)
        md.add_render_rule("link_open", _render_link_open)
        md.add_render_rule("image", _render_image)
        _MD = md
    return _MD


def parse(text: str, env: PageEnv) -> list[Token]:
    """Return the tokens of block Markdown, for `render_tokens` and `plain_tokens`."""
    return parser().parse(text, {"page": env})


def render_tokens(tokens: Sequence[Token], env: PageEnv) -> Markup:
    """Return parsed block Markdown as safe HTML."""
    md = parser()
    return Markup(md.renderer.render(tokens, md.options, {"page": env}))


def render(text: str, env: PageEnv) -> Markup:
    """Return block Markdown as safe HTML."""
    return render_tokens(parse(text, env), env)


#: Inline text the parser reads as one text token that no rule changes: none
#: of the characters its inline rules start at (its `terminator_re`), no line
#: break or NUL, no typographic replacement (`..`, `,,`, `(c)`).
_PLAIN_INLINE = re.compile(r"[^\n\r\x00@_<*}#{\-&+%`~>=$^!:\]\\\[]*")
_REPLACED = re.compile(r"\.\.|\?\?\?\?|,,|\((?:c|tm|r)\)", re.IGNORECASE)


def _is_plain(text: str) -> bool:
    """Return whether inline Markdown renders as its text, escaped (see `_PLAIN_INLINE`)."""
    return _PLAIN_INLINE.fullmatch(text) is not None and not _REPLACED.search(text)


#: One line of plain inline text and code spans, starting with a letter: a
#: paragraph and nothing else (no block starts with a letter, and every block
#: but a paragraph needs a second line to be one), whose text runs no inline
#: rule changes (`_PLAIN_INLINE`) and whose spans are single backticks around
#: text that neither starts nor ends with whitespace, never side by side (so
#: each span closes at the next backtick, and a run is never longer than one).
_PLAIN_CHAR = r"[^\n\r\x00@_<*}#{\-&+%`~>=$^!:\]\\\[]"
_CODE = r"`[^`\s\x00](?:[^`\n\r\x00]*[^`\s\x00])?`"
_SIMPLE_PARAGRAPH = re.compile(
    rf"[A-Za-z]{_PLAIN_CHAR}*(?:{_CODE}{_PLAIN_CHAR}+)*(?:{_CODE})?\n?"
)
_SPANS = re.compile(rf"({_CODE})")


def simple_paragraph(text: str) -> list[tuple[str, str]] | None:
    """Return block Markdown that is one plain paragraph as its runs, `("text", …)`
    and `("code", …)` in order, as the parser would make its tokens; None when
    it is anything else (then only the parser says what it is).

    A spec's prose is mostly such paragraphs, and parsing one costs about 30 µs:
    a page of 1000 rules spent a sixth of its time there.
    """
    if _SIMPLE_PARAGRAPH.fullmatch(text) is None:
        return None
    line = text.removesuffix("\n")
    if line != line.rstrip():
        return None
    runs: list[tuple[str, str]] = []
    for i, part in enumerate(_SPANS.split(line)):
        if i % 2:
            runs.append(("code", part[1:-1]))
        elif part:
            if _REPLACED.search(part):
                return None
            runs.append(("text", part))
    return runs


def paragraph_html(runs: list[tuple[str, str]]) -> Markup:
    """Return a `simple_paragraph` as the renderer writes it."""
    from markdown_it.common.utils import escapeHtml

    inner = "".join(
        highlight(run) if kind == "text" else f"<code>{escapeHtml(run)}</code>"
        for kind, run in runs
    )
    return Markup(f"<p>{inner}</p>\n")


def paragraph_text(runs: list[tuple[str, str]]) -> str:
    """Return a `simple_paragraph` as plain text (what `plain_tokens` makes of it)."""
    return " ".join("".join(run for _, run in runs).split())


def block_html(
    text: str, tokens: Callable[[str], Sequence[Token]], env: PageEnv
) -> Markup:
    """Return block Markdown as safe HTML, parsed by ``tokens`` unless it is a
    `simple_paragraph`."""
    runs = simple_paragraph(text)
    return render_tokens(tokens(text), env) if runs is None else paragraph_html(runs)


def block_text(text: str, tokens: Callable[[str], Sequence[Token]]) -> str:
    """Return block Markdown as plain text, parsed by ``tokens`` unless it is a
    `simple_paragraph`."""
    runs = simple_paragraph(text)
    return plain_tokens(tokens(text)) if runs is None else paragraph_text(runs)


def render_inline(text: str, env: PageEnv) -> Markup:
    """Return one line of inline Markdown (a heading, a title) as safe HTML."""
    if _is_plain(text):  # what the parser and `_render_text` make of it, directly
        return Markup(highlight(text).strip())
    return Markup(parser().renderInline(text, {"page": env}).strip())


def plain(text: str, env: PageEnv | None = None) -> str:
    """Return inline Markdown as plain text: markup dropped, footnote markers too."""
    if _is_plain(text):
        return " ".join(text.split())
    return plain_tokens(parser().parseInline(text, {"page": env or PageEnv()}))


def plain_tokens(tokens: Sequence[Token]) -> str:
    """Return parsed Markdown as plain text, for the search index."""
    parts: list[str] = []
    for token in tokens:
        if token.type in ("code_block", "fence"):
            parts.append(" " + token.content + " ")
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        if token.type == "inline":
            parts.append(" ")
    return " ".join("".join(parts).split())


# --- markdown-it rules ---------------------------------------------------------


def _footnote_marker(state: StateInline, silent: bool) -> bool:
    """Parse `[^id]` as a footnote marker rather than as a link."""
    if not state.src.startswith("[^", state.pos):
        return False
    match = _FOOTNOTE.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("footnote_marker", "sup", 0)
        token.meta = {"id": match.group(1)}
    state.pos = match.end()
    return True


def _page_links(state: StateCore) -> None:
    """Give `[?](#id)` links their target's title, point `[text](spec#id)` at the
    spec's page; join lines split inside MUST NOT."""
    page: PageEnv = state.env.get("page") or PageEnv()
    for block in state.tokens:
        children = block.children
        if block.type != "inline" or not children:
            continue
        _join_soft_breaks(children)
        for i, token in enumerate(children[:-2]):
            href = str(token.attrGet("href") or "") if token.type == "link_open" else ""
            spec, hash_, rule = href.partition("#")
            if hash_ and spec in page.specs:
                token.attrSet("href", f"{page.specs[spec]}#{rule}")
            following = children[i + 1]
            if (
                href.startswith("#")
                and following.type == "text"
                and following.content.strip() == "?"
                and children[i + 2].type == "link_close"
            ):
                following.content = page.titles.get(href[1:], following.content)


def _join_soft_breaks(children: list[Token]) -> None:
    """Merge text, soft break, text into one text token (renders the same)."""
    i = 0
    while i + 2 < len(children):
        a, brk, b = children[i : i + 3]
        if a.type == "text" and brk.type == "softbreak" and b.type == "text":
            a.content = a.content + "\n" + b.content
            del children[i + 1 : i + 3]
        else:
            i += 1


def _render_text(
    self: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: dict[str, Any],
) -> str:
    return highlight(tokens[idx].content)


def _render_footnote(
    self: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: dict[str, Any],
) -> str:
    marker = str(tokens[idx].meta["id"])
    page: PageEnv = env.get("page") or PageEnv()
    label = escape(marker)
    if marker in page.footnotes:
        href = escape(f"#footnote/{marker}")
        return (
            f'<sup class="fn-marker"><a href="{href}" '
            f'title="Footnote {label}">{label}</a></sup>'
        )
    return f'<sup class="fn-marker" title="Footnote marker {label}">{label}</sup>'


def _render_link_open(
    self: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: dict[str, Any],
) -> str:
    token = tokens[idx]
    if is_external(str(token.attrGet("href") or "")):
        token.attrSet("rel", "noopener noreferrer")
        token.attrJoin("class", "external")
    return self.renderToken(tokens, idx, options, env)


def _render_image(
    self: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: dict[str, Any],
) -> str:
    """Show an image as a link to it: the site loads nothing from elsewhere."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env) or "image"
    src = str(token.attrGet("src") or "")
    return (
        f'<a class="image-link external" href="{escape(src)}" '
        f'rel="noopener noreferrer">[image: {escape(alt)}]</a>'
    )
