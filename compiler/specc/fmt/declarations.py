"""The canonical layout of a `specc` block, printed from the front end's declaration drafts.

Each declaration starts on its own line. A `{…}` or `(…)` the author wrote on
one line stays on one line while it fits in `WIDTH` columns; otherwise its
members go one per line, indented by two spaces, with the types of
neighbouring fields aligned. Doc comments, `//` comments and single blank
lines between declarations and members stay where they were.
"""

from __future__ import annotations

from dataclasses import dataclass

from specc.fmt.examples import join_lines
from specc.fmt.values import value_text
from specc.frontend.idl import (
    DeclDraft,
    FieldDraft,
    TagDraft,
    UseDraft,
    parse_declarations,
)
from specc.frontend.lexer import LexError, Token, tokenize
from specc.ir import EnumMember
from specc.source import Span

WIDTH = 88
INDENT = "  "

Member = EnumMember | TagDraft | FieldDraft


@dataclass
class _Line:
    """One output line and the tokens of the block it prints."""

    depth: int
    text: str
    first: int
    """Index of the first token it prints."""
    last: int
    """Index of the last token it prints."""
    kind: str = "item"
    """`item`, `doc`, `open` (ends in `{` or `(`), `close` or `comment`."""
    field: str = ""
    """For a field: its name, to align the types of neighbouring fields."""
    comment: str = ""
    """A `//` comment that ends the line."""
    start: int = 0
    """The source line it starts on."""
    end: int = 0
    """The source line it ends on."""


def format_declarations(content: str) -> str:
    """Return a `specc` block's content laid out canonically (as is when it has an error)."""
    uses: list[UseDraft] = []
    decls, error = parse_declarations("", content, 1, 1, uses)
    if error is not None or not (decls or uses):
        return content
    try:
        return _Printer(content, decls, uses).render()
    except LexError:
        return content


class _Printer:
    """Lays out the declarations of one block, keeping its comments."""

    def __init__(
        self, content: str, decls: list[DeclDraft], uses: list[UseDraft]
    ) -> None:
        self.content = content
        self.tokens = tokenize(content)
        self.index = {(t.line, t.col): i for i, t in enumerate(self.tokens)}
        self.items: list[DeclDraft | UseDraft] = sorted(
            [*decls, *uses], key=lambda d: (d.span.line, d.span.col)
        )
        self.lines: list[_Line] = []

    def render(self) -> str:
        """Return the block's text."""
        starts = [self._docs_before(self._at(d.span) - 1) for d in self.items]
        ends = [s - 1 for s in starts[1:]] + [len(self.tokens) - 2]
        for item, start, end in zip(self.items, starts, ends, strict=True):
            self._docs(start, 0)
            if isinstance(item, UseDraft):
                self._use(item, end)
            else:
                self._declaration(item, end)
        lines = _with_comments(self.lines, self.content, self.tokens)
        return join_lines(_text(lines))

    def _at(self, span: Span) -> int:
        """Return the index of the token a draft's span starts at."""
        return self.index[(span.line, span.col)]

    def _docs_before(self, i: int) -> int:
        """Return the index of the first doc comment right before token ``i``."""
        while i > 0 and self.tokens[i - 1].kind == "doc":
            i -= 1
        return i

    def _close(self, open_: int) -> int:
        """Return the index of the bracket that closes the one at ``open_``."""
        opener = self.tokens[open_].text
        closer = {"{": "}", "(": ")"}[opener]
        depth = 0
        for i in range(open_, len(self.tokens)):
            token = self.tokens[i]
            if token.kind == "punct" and token.text == opener:
                depth += 1
            elif token.kind == "punct" and token.text == closer:
                depth -= 1
                if depth == 0:
                    return i
        raise LexError("unclosed bracket", 1, 1)

    def _next(self, i: int, text: str) -> int:
        """Return the index of the first token ``text`` from ``i`` on."""
        while self.tokens[i].text != text:
            i += 1
        return i

    def _docs(self, i: int, depth: int) -> int:
        """Print the doc comments from token ``i``; return the index after them."""
        while self.tokens[i].kind == "doc":
            text = f"/// {self.tokens[i].value}".rstrip()
            self.lines.append(_Line(depth, text, i, i, kind="doc"))
            i += 1
        return i

    def _use(self, u: UseDraft, end: int) -> None:
        """Print `use spec.Name`, or `use spec.{A, B}` for several names."""
        keyword = self._at(u.span) - 1
        names = [n.name for n in u.names]
        text = f"use {u.spec}." + (
            names[0] if len(names) == 1 else "{" + ", ".join(names) + "}"
        )
        if len(names) < 2 or len(text) <= WIDTH:
            self.lines.append(_Line(0, text, keyword, end))
            return
        self.lines.append(
            _Line(0, f"use {u.spec}.{{", keyword, keyword + 3, kind="open")
        )
        for name in u.names:
            at = self._at(name.span)
            self.lines.append(_Line(1, f"{name.name},", at, at))
        self.lines.append(_Line(0, "}", end, end, kind="close"))

    def _declaration(self, d: DeclDraft, end: int) -> None:
        """Print one declaration whose tokens end at ``end``."""
        name = self._at(d.span)
        head = f"{self.tokens[name - 1].text} {d.name}"
        message = self.tokens[name + 1]
        if d.kind == "error" and message.kind == "string":
            head += f" {message.text}"
        if d.kind == "alias":
            self.lines.append(_Line(0, f"{head} = {d.target}", name - 1, end))
        elif d.kind == "function":
            self._function(d, name, end)
        elif d.kind == "error" and self.tokens[end].text != "}":
            self.lines.append(_Line(0, head, name - 1, end))
        else:
            self._group(head, d, self._next(name, "{"), end, 0, name - 1)

    def _group(
        self,
        head: str,
        owner: DeclDraft | TagDraft,
        open_: int,
        end: int,
        depth: int,
        first: int,
    ) -> None:
        """Print `head { members }` on one line when it was and fits, else one per line."""
        close = self._close(open_)
        members = _members(owner)
        inline = ", ".join(_member_text(m) for m in members)
        one_line = f"{head} {{ {inline} }}" if members else f"{head} {{}}"
        same_line = self.tokens[open_].line == self.tokens[close].line
        fits = len(INDENT * depth + one_line) <= WIDTH
        if not members or (same_line and fits):
            self.lines.append(_Line(depth, one_line, first, end))
            return
        self.lines.append(_Line(depth, f"{head} {{", first, open_, kind="open"))
        starts = [self._docs_before(self._at(m.span)) for m in members]
        ends = [s - 1 for s in starts[1:]] + [close - 1]
        for member, start, last in zip(members, starts, ends, strict=True):
            self._member(member, start, last, depth + 1)
        self.lines.append(_Line(depth, "}", close, end, kind="close"))

    def _member(self, member: Member, start: int, last: int, depth: int) -> None:
        """Print one member on its own line (a tag with fields may open a group)."""
        name = self._docs(start, depth)
        if isinstance(member, TagDraft) and member.fields:
            self._group(member.name, member, self._next(name, "{"), last, depth, name)
        elif isinstance(member, FieldDraft):
            rest = _member_text(member)[len(member.name) + 2 :]
            self.lines.append(_Line(depth, rest, name, last, field=member.name))
        else:
            self.lines.append(_Line(depth, member.name, name, last))

    def _function(self, d: DeclDraft, name: int, end: int) -> None:
        """Print `fn name(params) -> R raises E`, one parameter per line when long."""
        open_ = name + 1
        close = self._close(open_)
        tail = f") -> {d.returns}"
        if d.raises:
            tail += " raises " + ", ".join(
                f"{u.spec}.{u.name}" if u.spec else u.name for u in d.raises
            )
        params = ", ".join(_member_text(f) for f in d.fields)
        one_line = f"fn {d.name}({params}{tail}"
        same_line = self.tokens[open_].line == self.tokens[close].line
        if not d.fields or (same_line and len(one_line) <= WIDTH):
            self.lines.append(_Line(0, one_line, name - 1, end))
            return
        self.lines.append(_Line(0, f"fn {d.name}(", name - 1, open_, kind="open"))
        starts = [self._at(f.span) for f in d.fields]
        ends = [s - 1 for s in starts[1:]] + [close - 1]
        for f, start, last in zip(d.fields, starts, ends, strict=True):
            self.lines.append(_Line(1, _member_text(f) + ",", start, last))
        self.lines.append(_Line(0, tail, close, end, kind="close"))


def _members(owner: DeclDraft | TagDraft) -> list[Member]:
    """Return a group's members in source order."""
    found: list[Member] = list(owner.fields)
    if isinstance(owner, DeclDraft):
        found += owner.members
        found += owner.tags
    return sorted(found, key=lambda m: (m.span.line, m.span.col))


def _member_text(member: Member) -> str:
    """Return a member on one line: `name`, `name: T = default` or `tag { … }`."""
    if isinstance(member, FieldDraft):
        text = f"{member.name}: {member.type}"
        if member.default is not None:
            text += f" = {value_text(member.default)}"
        return text
    if isinstance(member, TagDraft) and member.fields:
        return (
            f"{member.name} {{ {', '.join(_member_text(f) for f in member.fields)} }}"
        )
    return member.name


def _with_comments(
    lines: list[_Line], content: str, tokens: list[Token]
) -> list[_Line]:
    """Place the block's `//` comments: at the end of a line, or on lines of their own."""
    for line in lines:
        line.start = tokens[line.first].line
        line.end = tokens[line.last].line
    out = list(lines)
    for after, text, alone, source_line in _comments(content, tokens):
        if not alone:
            host = next(
                ln for ln in reversed(out) if ln.first <= after and ln.kind != "comment"
            )
            host.comment = f"{host.comment} {text}".strip()
            continue
        index = next((n for n, ln in enumerate(out) if ln.first > after), len(out))
        depth = 0
        if index < len(out):
            following = out[index]
            depth = following.depth + (1 if following.kind == "close" else 0)
        comment = _Line(depth, text, after, after, kind="comment")
        comment.start = comment.end = source_line
        out.insert(index, comment)
    return out


def _comments(content: str, tokens: list[Token]) -> list[tuple[int, str, bool, int]]:
    """Return each `//` comment: the index of the token before it, its text, whether
    it stands on a line of its own, and its line."""
    starts = [0] + [n + 1 for n, char in enumerate(content) if char == "\n"]
    found = []
    for i in range(-1, len(tokens) - 1):
        begin, line = 0, 1
        if i >= 0:
            token = tokens[i]
            begin = starts[token.line - 1] + token.col - 1 + len(token.text)
            line = token.line
        after = tokens[i + 1]
        gap = content[begin : starts[after.line - 1] + after.col - 1]
        for n, part in enumerate(gap.split("\n")):
            text = part.strip()
            if text.startswith("//"):
                found.append((i, text, n > 0 or i < 0, line + n))
    return found


def _text(lines: list[_Line]) -> list[str]:
    """Return the output text: blank lines where the source had them, fields aligned."""
    blank = [False] * len(lines)
    for n in range(1, len(lines)):
        before, line = lines[n - 1], lines[n]
        blank[n] = (
            line.start - before.end > 1
            and before.kind not in ("doc", "open")
            and line.kind != "close"
        )
    widths: dict[int, int] = {}
    run: list[int] = []
    breaks = [*blank, True]
    for n, line in enumerate([*lines, _Line(-1, "", 0, 0, kind="end")]):
        if line.kind in ("doc", "comment") and not breaks[n]:
            continue
        if line.field and not breaks[n] and run and lines[run[0]].depth == line.depth:
            run.append(n)
            continue
        widths.update(
            dict.fromkeys(run, max((len(lines[r].field) for r in run), default=0))
        )
        run = [n] if line.field else []
    out = []
    for n, line in enumerate(lines):
        if blank[n]:
            out.append("")
        text = line.text
        if line.field:
            text = f"{line.field}:".ljust(widths[n] + 1) + f" {text}"
        if line.comment:
            text += f"  {line.comment}"
        out.append(INDENT * line.depth + text)
    return out
