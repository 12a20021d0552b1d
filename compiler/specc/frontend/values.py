"""Example values and example lines: the untyped syntax tree before checking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from specc.frontend.lexer import MAX_NESTING, LexError, TokenStream, tokenize

RawKind = Literal[
    "int", "float", "string", "bool", "none", "list", "braces", "name", "tagged"
]
_Item = TypeVar("_Item")


@dataclass
class RawValue:
    """A value as written, before it meets its expected type."""

    kind: RawKind
    line: int
    col: int
    text: str = ""
    """Literal text (numbers), or the name (bare names, tags)."""
    value: object = None
    """Decoded literal: int, float, str or bool."""
    items: list[RawValue] = field(default_factory=list)
    """List items."""
    entries: list[tuple[RawValue, RawValue]] = field(default_factory=list)
    """Keys and values of a `{…}` with string or number keys."""
    fields: list[tuple[str, RawValue, int, int]] = field(default_factory=list)
    """Field name, value and position in `{name: v}` or `tag{name: v}`."""
    keyed_by_name: bool = False
    """True when a `{…}` uses bare field names (a record) rather than literals."""


@dataclass
class RawExample:
    """One parsed line of an `examples` block."""

    function: str
    function_col: int
    args: list[RawValue]
    expect: Literal["equals", "approx", "raises"]
    line: int
    col: int
    end_col: int
    text: str
    result: RawValue | None = None
    error: str | None = None
    error_col: int = 0
    error_fields: list[tuple[str, RawValue, int, int]] = field(default_factory=list)


def parse_value(stream: TokenStream, depth: int = 1) -> RawValue:
    """Parse one value at the cursor, ``depth`` levels inside the outermost one."""
    token = stream.current
    if depth > MAX_NESTING:
        raise LexError(
            f"the value nests deeper than {MAX_NESTING} levels",
            token.line,
            token.col,
            "E063",
        )
    line, col = token.line, token.col
    if token.kind in ("int", "float", "string"):
        stream.next()
        return RawValue(token.kind, line, col, text=token.text, value=token.value)
    if token.kind == "name":
        stream.next()
        if token.text in ("true", "false"):
            return RawValue(
                "bool", line, col, text=token.text, value=token.text == "true"
            )
        if token.text in ("none", "null"):
            return RawValue("none", line, col, text=token.text)
        if stream.at("{"):
            tagged = RawValue("tagged", line, col, text=token.text)
            tagged.fields = _braces(stream, depth).fields
            return tagged
        return RawValue("name", line, col, text=token.text)
    if stream.at("["):
        stream.next()
        items = _sequence(stream, "]", lambda s: parse_value(s, depth + 1))
        return RawValue("list", line, col, items=items)
    if stream.at("{"):
        return _braces(stream, depth)
    raise stream.error("expected a value")


def _sequence(
    stream: TokenStream, close: str, item: Callable[[TokenStream], _Item]
) -> list[_Item]:
    """Parse ``item``s separated by commas up to ``close``, a trailing comma allowed."""
    items = []
    while not stream.at(close):
        items.append(item(stream))
        if not stream.accept(","):
            break
    stream.expect(close)
    return items


def _braces(stream: TokenStream, depth: int = 1) -> RawValue:
    open_ = stream.expect("{")
    braces = RawValue("braces", open_.line, open_.col)
    while not stream.at("}"):
        key = stream.current
        literal = key.text in ("true", "false", "none", "null")
        if key.kind == "name" and not literal and stream.peek().text == ":":
            stream.next()
            stream.next()
            braces.keyed_by_name = True
            value = parse_value(stream, depth + 1)
            braces.fields.append((key.text, value, key.line, key.col))
        else:
            key_value = parse_value(stream, depth + 1)
            stream.expect(":", "':' after a map key")
            braces.entries.append((key_value, parse_value(stream, depth + 1)))
        if not stream.accept(","):
            break
    stream.expect("}", "',' or '}'")
    if braces.fields and braces.entries:
        raise LexError("a '{…}' mixes field names and map keys", open_.line, open_.col)
    return braces


def parse_example(text: str, line: int, col: int) -> RawExample | None:
    """Parse one example line; return None for a blank or comment-only line."""
    tokens = tokenize(text, line, col, hash_comments=True)
    if tokens[0].kind == "eof":
        return None
    stream = TokenStream(tokens)
    name = stream.expect_name("a function call")
    stream.expect("(", "'(' after the function name")
    args = _sequence(stream, ")", parse_value)
    example = RawExample(
        name.text,
        name.col,
        args,
        "equals",
        line,
        name.col,
        end_col=col,
        text="",
    )
    if stream.accept("=="):
        example.result = parse_value(stream)
    elif stream.accept("~="):
        example.expect = "approx"
        example.result = parse_value(stream)
    elif stream.at("raises"):
        stream.next()
        example.expect = "raises"
        error = stream.expect_name("an error name after 'raises'")
        example.error, example.error_col = error.text, error.col
        if stream.at("{"):
            example.error_fields = _braces(stream).fields
    else:
        raise stream.error("expected '==', '~=' or 'raises'")
    if stream.current.kind != "eof":
        raise stream.error("expected the end of the example")
    last = tokens[-2]
    example.end_col = last.col + len(last.text)
    example.text = text[: example.end_col - col].strip()
    return example
