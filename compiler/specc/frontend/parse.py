"""Markdown to a document tree of sections and raw blocks; builds no IR."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from specc.source import SourceFile

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

BlockKind = Literal["prose", "fence", "admonition"]

_FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]*(.*)$")


@dataclass(eq=False, repr=False)
class RawBlock:
    """A top-level block: prose tokens, a fenced/indented code block, or an admonition."""

    kind: BlockKind
    line: int
    """First source line, 1-based."""
    end_line: int
    """Last source line, 1-based, inclusive."""
    tokens: list[Token] = field(default_factory=list)
    """The block's markdown-it tokens, open to close."""
    info: str = ""
    """Fence info string, or the admonition's `kind "Title"`."""
    content: str = ""
    """Fence content, or the admonition body dedented."""
    content_line: int = 0
    """Source line where ``content`` starts."""
    content_col: int = 1
    """Column where ``content`` starts on each line (fence indentation + 1)."""


@dataclass(eq=False, repr=False)
class RawHeading:
    """A heading's level, inline text and position."""

    level: int
    text: str
    line: int
    col: int
    """Column where the heading text starts."""


@dataclass(eq=False, repr=False)
class RawSection:
    """A heading with the blocks that follow it and its subsections."""

    heading: RawHeading
    blocks: list[RawBlock] = field(default_factory=list)
    children: list[RawSection] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class FootnoteDef:
    """A `[^id]: text` definition."""

    id: str
    text: str
    line: int


@dataclass(eq=False, repr=False)
class Document:
    """A parsed spec file: front matter, preamble, section tree and footnotes."""

    source: SourceFile
    front_matter: str | None = None
    front_matter_line: int = 0
    preamble: list[RawBlock] = field(default_factory=list)
    sections: list[RawSection] = field(default_factory=list)
    footnotes: list[FootnoteDef] = field(default_factory=list)


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    """Return the shared CommonMark parser with front matter, admonitions, footnotes."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.admon import admon_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    return (
        MarkdownIt("commonmark")
        .use(front_matter_plugin)
        .use(admon_plugin)
        .use(footnote_plugin)
    )


def parse_document(source: SourceFile) -> Document:
    """Parse a spec's Markdown into a document tree."""
    tokens = markdown().parse(source.text)
    doc = Document(source=source)
    stack: list[RawSection] = []
    blocks = doc.preamble
    code_lines: set[int] = set()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "front_matter":
            doc.front_matter = token.content
            doc.front_matter_line = 2
            i += 1
            continue
        if token.type == "footnote_block_open":
            i = _matching_close(tokens, i) + 1
            continue
        close = _matching_close(tokens, i)
        if token.type == "heading_open":
            heading = _heading(source, token, tokens[i + 1])
            section = RawSection(heading)
            while stack and stack[-1].heading.level >= heading.level:
                stack.pop()
            (stack[-1].children if stack else doc.sections).append(section)
            stack.append(section)
            blocks = section.blocks
        elif token.type in ("fence", "code_block"):
            block = _code(source, token)
            code_lines.update(range(block.line, block.end_line + 1))
            blocks.append(block)
        elif token.type == "admonition_open":
            blocks.append(_admonition(source, tokens[i : close + 1]))
        else:
            _add_prose(blocks, tokens[i : close + 1])
        i = close + 1
    doc.footnotes = _footnote_defs(source, code_lines)
    return doc


def _matching_close(tokens: list[Token], i: int) -> int:
    """Return the index of the token closing ``tokens[i]`` (itself if it nests nothing)."""
    if tokens[i].nesting != 1:
        return i
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _lines(token: Token) -> tuple[int, int]:
    start, end = token.map or (0, 1)
    return start + 1, max(start + 1, end)


def _heading(source: SourceFile, token: Token, inline: Token) -> RawHeading:
    line, _ = _lines(token)
    raw = source.line(line)
    text = inline.content
    col = raw.find(text[:20]) + 1 if text else len(raw) + 1
    return RawHeading(level=int(token.tag[1]), text=text, line=line, col=max(col, 1))


def _code(source: SourceFile, token: Token) -> RawBlock:
    line, end = _lines(token)
    if token.type == "fence":
        raw = source.line(line)
        indent = len(raw) - len(raw.lstrip(" "))
        return RawBlock(
            "fence",
            line,
            end,
            [token],
            info=token.info.strip(),
            content=token.content,
            content_line=line + 1,
            content_col=indent + 1,
        )
    return RawBlock(
        "fence",
        line,
        end,
        [token],
        content=token.content,
        content_line=line,
        content_col=5,
    )


def _admonition(source: SourceFile, tokens: list[Token]) -> RawBlock:
    open_ = tokens[0]
    line, end = _lines(open_)
    while end > line and not source.line(end).strip():
        end -= 1
    body = [source.line(n) for n in range(line + 1, end + 1)]
    text = "\n".join(b[4:] if b.startswith("    ") else b.lstrip() for b in body)
    return RawBlock(
        "admonition",
        line,
        end,
        tokens,
        info=open_.info.strip(),
        content=text.strip("\n") + "\n",
        content_line=line + 1,
        content_col=5,
    )


def _add_prose(blocks: list[RawBlock], tokens: list[Token]) -> None:
    """Append prose tokens, merging with a preceding prose block."""
    line, end = _lines(tokens[0])
    if blocks and blocks[-1].kind == "prose" and example_title(blocks[-1]) is None:
        if _is_example_title_tokens(tokens) is None:
            last = blocks[-1]
            last.tokens.extend(tokens)
            last.end_line = max(last.end_line, end)
            return
    blocks.append(RawBlock("prose", line, end, list(tokens)))


_EXAMPLE_TITLE = re.compile(r"^\*\*Example\*\*\s*:?\s*(.*)$", re.S)


def _is_example_title_tokens(tokens: list[Token]) -> str | None:
    if len(tokens) == 3 and tokens[0].type == "paragraph_open":
        match = _EXAMPLE_TITLE.match(tokens[1].content)
        if match:
            return " ".join(match.group(1).split()).strip()
    return None


def example_title(block: RawBlock) -> str | None:
    """Return the title if ``block`` is a lone `**Example**: title` paragraph."""
    return _is_example_title_tokens(block.tokens) if block.kind == "prose" else None


def _footnote_defs(source: SourceFile, code_lines: set[int]) -> list[FootnoteDef]:
    defs: list[FootnoteDef] = []
    if "[^" not in source.text:
        return defs
    for number in range(1, source.line_count + 1):
        if number in code_lines:
            continue
        match = _FOOTNOTE_DEF.match(source.line(number))
        if match:
            defs.append(FootnoteDef(match.group(1), match.group(2).strip(), number))
    return defs
