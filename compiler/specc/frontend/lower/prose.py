"""Prose: one statement per sentence, with its RFC 2119 strength, and cross-references."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from specc import ir
from specc.frontend.lower.context import SpecContext
from specc.frontend.lower.drafts import SectionDraft
from specc.frontend.parse import RawBlock
from specc.source import Span

if TYPE_CHECKING:
    from markdown_it.token import Token

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]*_]*\s+(?=[A-Z0-9\"'`*\[(_])")
_STRENGTH = re.compile(r"\b(MUST NOT|MUST|SHOULD NOT|SHOULD|MAY)\b")
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")
#: `spec#rule`: a link that may name another spec's rule (when `spec` is one).
_SPEC_LINK = r"([A-Za-z_][A-Za-z0-9_]*)#([A-Za-z0-9_][A-Za-z0-9_.:-]*)\Z"
_RANK: dict[ir.Strength, int] = {
    "MUST": 3,
    "MUST NOT": 3,
    "SHOULD": 2,
    "SHOULD NOT": 2,
    "MAY": 1,
}


class ProseReader:
    """Splits prose into a section's statements and collects its links."""

    def __init__(self, ctx: SpecContext) -> None:
        self.ctx = ctx
        self.loose_links: list[ir.Link] = []
        """Cross-references outside any section (before the first heading)."""

    def read(
        self, block: RawBlock, draft: SectionDraft | None, statements: bool = True
    ) -> None:
        """Split prose into statements (of a section) and collect its cross-references."""
        links = draft.links if draft is not None else self.loose_links
        last_map: list[int] | None = None
        in_title = False
        for token in block.tokens:
            if token.type.startswith("admonition_title"):
                in_title = token.nesting == 1
            if token.map is not None:
                last_map = token.map
            if token.type != "inline" or last_map is None or in_title:
                continue
            first_line = last_map[0] + 1
            if statements and draft is not None:
                self._statements(token.content, first_line, draft)
            cursor = (first_line, 0)
            children = token.children or []
            for i, child in enumerate(children):
                href = (
                    str(child.attrs.get("href", ""))
                    if child.type == "link_open"
                    else ""
                )
                if href.startswith("#") or (href and re.match(_SPEC_LINK, href)):
                    text = _link_text(children, i + 1)
                    link, cursor = self._link(href, text, cursor, last_map[1])
                    links.append(link)

    def _statements(self, content: str, first_line: int, draft: SectionDraft) -> None:
        """Append one statement per sentence of an inline run."""
        find, path, statements = self.ctx.source.find, self.ctx.path, draft.statements
        start = 0
        counted, line = 0, first_line  # newlines before `counted`, kept as we go
        bounds = [m.end() for m in _SENTENCE_END.finditer(content)] + [len(content)]
        for end in bounds:
            text = content[start:end].strip()
            offset = start + (
                len(content[start:end]) - len(content[start:end].lstrip())
            )
            start = end
            if not text:
                continue
            line += content.count("\n", counted, offset)
            counted = offset
            head = text.split("\n", 1)[0][:30]
            col = find(line, head) + 1 or 1
            statements.append(
                ir.Statement(
                    text=" ".join(text.split()),
                    strength=_strongest(text),
                    footnotes=_FOOTNOTE.findall(text),
                    span=Span(path=path, line=line, col=col),
                )
            )

    def _link(
        self, href: str, text: str, cursor: tuple[int, int], last: int
    ) -> tuple[ir.Link, tuple[int, int]]:
        """Locate a cross-reference at or after ``cursor`` (line, offset) in a block."""
        source = self.ctx.source
        first, offset = cursor
        spec, _, target = href.rpartition("#")
        made = {"target": target, "text": text}
        if spec:
            made["spec"] = spec
        inline, label = (
            self._find(needle, first, offset, last)
            for needle in (f"]({href}", f"[{text}]")
        )
        # A reference link (`[text][label]`) has no `](href`: the next inline
        # link's would be taken for it, so the earlier `[text]` wins, unless
        # it is this inline link's own text.
        own = inline and label and label == (inline[0], inline[1] - len(text) - 1)
        if inline and not (label and label < inline and not own):
            line, col = inline
            span = source.span(line, col + 3, len(href))
        elif label:
            line, col = label
            span = source.span(line, col + 1, len(text) + 2)  # at its `[`
        else:
            return ir.Link(span=source.span(first), **made), cursor
        return ir.Link(span=span, **made), (line, col + 1)

    def _find(
        self, needle: str, first: int, offset: int, last: int
    ) -> tuple[int, int] | None:
        """Return (line, 0-based column) of ``needle`` from (first, offset) on."""
        for line in range(first, last + 1):
            col = self.ctx.source.find(line, needle, offset if line == first else 0)
            if col != -1:
                return line, col
        return None


def _link_text(children: list[Token], start: int) -> str:
    """Return the plain text of inline tokens up to the link's closing token."""
    parts = []
    for index in range(start, len(children)):
        child = children[index]
        if child.type == "link_close":
            break
        parts.append(child.content)
    return "".join(parts)


def _strongest(text: str) -> ir.Strength | None:
    """Return the strongest RFC 2119 keyword of a sentence (the first among equals)."""
    best: ir.Strength | None = None
    for match in _STRENGTH.finditer(" ".join(text.split())):
        word = match.group(1)
        if word in _RANK and (best is None or _RANK[word] > _RANK[best]):
            best = word
    return best
