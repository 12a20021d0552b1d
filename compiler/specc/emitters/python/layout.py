"""Lay out generated Python statements exactly as black would, without running black.

The Python target emits a small set of statement shapes: assignments and calls
whose values are names, literals, calls with keyword arguments, lists and
dicts. For those shapes black's line splitting is simple to state: a line that
fits in 88 columns stays; otherwise it is split at its last bracket (the
right-hand split), the part inside goes one level deeper, and that part is
split at its commas, one item a line with a trailing comma, when it does not
fit or when the bracket is a list or dict literal with more than one item.
Whatever falls outside these shapes (an over-long line that cannot be split
this way, a non-ASCII line whose width black measures differently) marks the
file `unsure`, and the emitter formats that file with black instead: the
output is the same either way, this is only faster. The tests prove it with
`black --check` on the goldens, hostile specs and large generated specs.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

LINE_LENGTH = 88
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")
INDENT = "    "


class Atom:
    """An expression with no brackets to split at: a name, number or string.

    Inside brackets, an expression without a prefix is its own element (an
    `Item` of prefix "" and itself as value): a list's items and a call's
    positional arguments need no `Item` each (24 000 of them in the tests of
    N = 1000 full).
    """

    __slots__ = ("text",)
    prefix = ""

    def __init__(self, text: str) -> None:
        self.text: str = text

    def __str__(self) -> str:
        return self.text

    @property
    def value(self) -> Atom:
        """Return the element's value: the expression itself."""
        return self


class Item:
    """One element inside brackets: `prefix` (`name=` or `key: `) then a value."""

    __slots__ = ("prefix", "value", "text")
    text: str

    def __init__(self, prefix: str, value: Expr) -> None:
        self.prefix = prefix
        self.value = value
        self.text = prefix + value.text

    def __str__(self) -> str:
        return self.text


class Brackets:
    """A call (`head` is the callee) or a list or dict literal (`head` is empty).

    Each node keeps its one-line text, so laying out a tree reads each part once;
    what is inside the brackets is sliced from it when asked for (kept as well, it
    was another copy of every level of every test value: tens of MB at 30 000
    examples).
    """

    __slots__ = ("head", "opening", "items", "closing", "text")
    prefix = ""
    text: str

    def __init__(
        self, head: str, opening: str, items: tuple[Element, ...], closing: str
    ) -> None:
        self.head = head
        self.opening = opening
        self.items = items
        self.closing = closing
        self.text = f"{head}{opening}{', '.join([i.text for i in items])}{closing}"

    def __str__(self) -> str:
        return self.text

    @property
    def inner(self) -> str:
        """Return the one-line text inside the brackets."""
        return self.text[
            len(self.head) + len(self.opening) : len(self.text) - len(self.closing)
        ]

    @property
    def literal(self) -> bool:
        """Return whether black explodes it when split (a list or dict display)."""
        return not self.head

    @property
    def value(self) -> Brackets:
        """Return the element's value: the expression itself (see `Atom`)."""
        return self


Expr = Atom | Brackets
Element = Item | Atom | Brackets
"""One element inside brackets: an `Item`, or an expression without a prefix."""


def call(head: str, args: Sequence[Element]) -> Brackets:
    """Return a call of ``head`` with positional or keyword arguments."""
    return Brackets(head, "(", tuple(args), ")")


def listing(items: Sequence[Expr]) -> Brackets:
    """Return a list display."""
    return Brackets("", "[", tuple(items), "]")


def mapping(entries: Sequence[tuple[Expr, Expr]]) -> Brackets:
    """Return a dict display (keys are atoms; other keys make the layout unsure)."""
    return Brackets("", "{", tuple(Item(f"{k}: ", v) for k, v in entries), "}")


class Unsure(Exception):
    """Raised when a statement falls outside the shapes this module lays out."""


def width(text: str) -> int:
    """Return the width black measures (exact for ASCII; others are unsure)."""
    if not text.isascii():
        raise Unsure(text)
    return len(text)


def fits(text: str, depth: int) -> bool:
    """Return whether ``text`` fits on one line at indentation ``depth``."""
    return 4 * depth + width(text) <= LINE_LENGTH


@dataclass(eq=False, repr=False)
class Layout:
    """Lays out the statements of one file; `unsure` once black must format it."""

    unsure: bool = False
    reasons: list[str] = field(default_factory=list)

    def _unsure(self, reason: str) -> None:
        self.unsure = True
        self.reasons.append(reason)

    def line(self, text: str, depth: int = 0) -> str:
        """Return a line that black would leave alone, or mark the file unsure."""
        try:
            if not fits(text, depth):
                self._unsure(text)
        except Unsure:
            self._unsure(text)
        return text

    def docstring(self, body: str, depth: int) -> str:
        """Return a docstring (from its escaped body) as black writes it at ``depth``."""
        try:
            return docstring(body, depth)
        except Unsure:
            self._unsure(body)
            return f'"""{body}"""'

    def imports(self, module: str, names: Sequence[str]) -> str:
        """Return `from module import names` as black writes it."""
        try:
            return imports(module, names)
        except Unsure:
            self._unsure(module)
            return f"from {module} import {', '.join(names)}"

    def signature(self, head: str, params: Sequence[str], tail: str, depth: int) -> str:
        """Return a `def` line as black writes it (split at its parameters when long)."""
        try:
            lines = signature(head, params, tail, depth)
        except Unsure as error:
            self._unsure(str(error))
            return f"{head}({', '.join(params)}){tail}"
        return _indented(lines)

    def statement(self, head: str, expr: Expr, tail: str = "", depth: int = 0) -> str:
        """Return ``head + expr + tail`` as black lays it out, indented but the first line.

        ``head`` is what precedes the expression (`result = `, `with `); a head
        ending in `= ` is an assignment, whose right-hand side black puts in
        invisible parentheses but splits at the value's own bracket.
        """
        text = head + expr.text + tail
        if text.isascii() and 4 * depth + len(text) <= LINE_LENGTH:
            return text  # it fits: what `statement` returns first, made directly
        try:
            lines = statement(head, expr, tail, depth)
        except Unsure as error:
            self._unsure(str(error))
            return head + expr.text + tail
        return _indented(lines)


Lines = list[tuple[int, str]]


def _indented(lines: Lines) -> str:
    """Return the lines joined, each indented to its depth but the first."""
    return "\n".join([lines[0][1], *[INDENT * d + line for d, line in lines[1:]]])


def statement(head: str, expr: Expr, tail: str, depth: int) -> Lines:
    """Return the lines of a statement, each with its depth."""
    text = head + expr.text + tail
    if fits(text, depth):
        return [(depth, text)]
    if not isinstance(expr, Brackets) or not expr.items:
        raise Unsure(text)
    return _split(head + expr.head + expr.opening, expr, expr.closing + tail, depth)


def _split(first: str, expr: Brackets, last: str, depth: int) -> Lines:
    """Return the right-hand split at ``expr``'s brackets: head, body, tail."""
    room = LINE_LENGTH - 4 * depth  # `fits` of each end, written out
    if not first.isascii() or len(first) > room:
        raise Unsure(first)
    if not last.isascii():
        raise Unsure(last)
    if len(last) > room:
        raise Unsure(first)
    return [(depth, first)] + _body(expr, depth + 1) + [(depth, last)]


def _body(expr: Brackets, depth: int) -> Lines:
    """Return the lines of what is inside brackets, exploded at commas if need be."""
    text = expr.inner
    if not (expr.literal and len(expr.items) > 1):  # not forced to explode
        if not text.isascii():  # `fits`, written out
            raise Unsure(text)
        if 4 * depth + len(text) <= LINE_LENGTH:
            return [(depth, text)]
    if len(expr.items) == 1:
        return _element(expr.items[0], "", depth)
    lines: Lines = []
    for item in expr.items:
        lines += _element(item, ",", depth)
    return lines


def _element(item: Element, tail: str, depth: int) -> Lines:
    """Return one element of a body: on its line if it fits, else split at its bracket."""
    text = item.text  # joined with ``tail`` only where it is the line
    if not text.isascii() or not tail.isascii():  # `fits`, written out
        raise Unsure(text + tail)
    if 4 * depth + len(text) + len(tail) <= LINE_LENGTH:
        return [(depth, text + tail)]
    value = item.value
    if not isinstance(value, Brackets) or not value.items:
        raise Unsure(text + tail)
    return _split(
        item.prefix + value.head + value.opening, value, value.closing + tail, depth
    )


def signature(head: str, params: Sequence[str], tail: str, depth: int) -> Lines:
    """Return the lines of a `def` as black's left-hand split makes them."""
    text = f"{head}({', '.join(params)}){tail}"
    if fits(text, depth):
        return [(depth, text)]
    first, last = head + "(", ")" + tail
    if not params or not fits(first, depth) or not fits(last, depth):
        raise Unsure(text)
    body = ", ".join(params) + ("," if len(params) == 1 else "")
    if fits(body, depth + 1):
        return [(depth, first), (depth + 1, body), (depth, last)]
    lines = [(depth + 1, p + ",") for p in params]
    if not all(fits(line, depth + 1) for _, line in lines):
        raise Unsure(text)
    return [(depth, first)] + lines + [(depth, last)]


def imports(module: str, names: Sequence[str]) -> str:
    """Return `from module import names`, parenthesised one a line when too long."""
    line = f"from {module} import {', '.join(names)}"
    if fits(line, 0):
        return line
    body = "".join(f"{INDENT}{n},\n" for n in names)
    return f"from {module} import (\n{body})"


# --- Docstrings and string literals as black normalises them ------------------------


def wrap(text: str, bullet: str = "", width: int = 76) -> str:
    """Return prose wrapped for a docstring, as a bullet item when ``bullet`` is set.

    What `textwrap.fill` makes of the text's words (whitespace squeezed to
    single spaces; words neither broken nor split at hyphens, a word too
    long for a line on a line of its own, later lines indented as deep as the
    bullet), filled greedily here: textwrap splits the text with a regular
    expression and walks its chunks, four times slower on a 1000-function API.
    """
    lines: list[str] = []
    line = ""
    for word in text.split():
        if not line:
            line = (" " * len(bullet) if lines else bullet) + word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = " " * len(bullet) + word
    if line:
        lines.append(line)
    return "\n".join(lines)


def docstring(body: str, depth: int) -> str:
    """Return a docstring as black writes it at ``depth``, from its escaped body.

    This follows black's docstring handling: the first line is stripped, the
    others re-indented to the block, a quote or odd backslash at either end
    padded with a space, and closing quotes that would overflow put on their
    own line.
    """
    indent = INDENT * depth
    if re.search(r"\\\s*\n", body):
        raise Unsure(body)
    if "\n" in body:
        text = _fix_multiline(body, indent)
    else:
        text = body.strip()
    backslash = False
    if text:
        if text[0] == '"':
            text = " " + text
        if text[-1] == '"':
            text += " "
        if text[-1] == "\\" and (len(text) - len(text.rstrip("\\"))) % 2:
            text += " "
            backslash = True
    elif body:
        text = " "
    lines = text.splitlines()
    last = len(lines[-1]) if text and not text.endswith("\n") else 0
    if text != text.strip("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029") or any(
        c in text for c in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    ):
        raise Unsure(text)
    if len(lines) > 1 and last + 3 > LINE_LENGTH and not backslash:
        return f'"""{text}\n{indent}"""'
    return f'"""{text}"""'


def _fix_multiline(text: str, prefix: str) -> str:
    """Re-indent a docstring's lines after the first, as PEP 257 (and black) do."""
    lines = [_expand_leading_tabs(line) for line in _LINE_BREAK.split(text)]
    indent = sys.maxsize
    for line in lines[1:]:
        stripped = line.lstrip()
        if stripped:
            indent = min(indent, len(line) - len(stripped))
    trimmed = [lines[0].strip()]
    if indent < sys.maxsize:
        last = len(lines) - 2
        for i, line in enumerate(lines[1:]):
            kept = line[indent:].rstrip()
            trimmed.append(prefix + kept if kept or i == last else "")
    return "\n".join(trimmed)


def _expand_leading_tabs(line: str) -> str:
    stripped = line.lstrip()
    if not stripped or stripped == line:
        return line
    return line[: len(line) - len(stripped)].expandtabs(4) + stripped


_PREFIX_CHARS = "furbFURB"
_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    found = _PATTERNS.get(pattern)
    if found is None:
        found = _PATTERNS[pattern] = re.compile(pattern)
    return found


def _sub_twice(regex: re.Pattern[str], replacement: str, text: str) -> str:
    return regex.sub(replacement, regex.sub(replacement, text))


def string_quotes(literal: str) -> str:
    """Return a one-line string literal with black's quotes: double, unless that escapes more."""
    if literal[0] == '"' and '\\"' not in literal:
        return literal  # nothing to unescape: black keeps double quotes
    value = literal.lstrip(_PREFIX_CHARS)
    if value[:3] in ('"""', "'''"):
        raise Unsure(literal)
    orig, new = ('"', "'") if value[0] == '"' else ("'", '"')
    at = literal.find(orig)
    prefix, body = literal[:at], literal[at + 1 : -1]
    unescaped_new = _compiled(rf"(([^\\]|^)(\\\\)*){new}")
    escaped_new = _compiled(rf"([^\\]|^)\\((?:\\\\)*){new}")
    escaped_orig = _compiled(rf"([^\\]|^)\\((?:\\\\)*){orig}")
    if "r" in prefix.casefold():
        raise Unsure(literal)
    new_body = _sub_twice(escaped_new, rf"\1\2{new}", body)
    if body != new_body:
        body = new_body
        literal = f"{prefix}{orig}{body}{orig}"
    new_body = _sub_twice(escaped_orig, rf"\1\2{orig}", new_body)
    new_body = _sub_twice(unescaped_new, rf"\1\\{new}", new_body)
    if "f" in prefix.casefold():
        for match in re.findall(r"(?:(?<!\{)|^)\{([^{].*?)\}(?:(?!\})|$)", new_body):
            if "\\" in str(match):
                return literal
    if new_body.count("\\") > body.count("\\"):
        return literal
    if new_body.count("\\") == body.count("\\") and orig == '"':
        return literal
    return f"{prefix}{new}{new_body}{new}"


def number(text: str) -> str:
    """Return a float or int literal as black writes it (`1e+16` is `1e16`)."""
    text = text.lower()
    if "e" in text:
        before, after = text.split("e")
        return f"{before}e{after.removeprefix('+')}"
    return text
