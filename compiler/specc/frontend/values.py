"""Example values and example lines: the untyped syntax tree before checking.

Two readers make the same tree. `ExampleReader` reads an `examples` block in
one pass: one compiled pattern matched at the cursor, no token objects, a line
at a time. `parse_value` reads a value from a `TokenStream`, for the defaults
inside `specc` declarations.
"""

# size: module the two readers of values share their syntax tree and its kinds
# size: ExampleReader one cursor reads a line, an example or a `forall` property, in one pass

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from specc.frontend.lexer import MAX_NESTING, LexError, TokenStream

RawKind = Literal[
    "int", "float", "string", "bool", "none", "list", "braces", "name", "tagged"
]
_Item = TypeVar("_Item")


@dataclass(slots=True)
class RawValue:
    """A value as written, before it meets its expected type.

    Parts a kind does not have stay empty tuples, shared: a value costs one
    object, not three empty lists.
    """

    kind: RawKind
    line: int
    col: int
    text: str = ""
    """Literal text (numbers), or the name (bare names, tags)."""
    value: object = None
    """Decoded literal: int, float, str or bool."""
    items: Sequence[RawValue] = ()
    """List items."""
    entries: Sequence[tuple[RawValue, RawValue]] = ()
    """Keys and values of a `{…}` with string or number keys."""
    fields: Sequence[tuple[str, RawValue, int, int]] = ()
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
    error_fields: Sequence[tuple[str, RawValue, int, int]] = ()


@dataclass(slots=True, eq=False, repr=False)
class RawType:
    """A type as a `forall` writes it: a name, its arguments, and `?`."""

    name: str
    line: int
    col: int
    args: Sequence[RawType] = ()
    optional: bool = False


@dataclass(slots=True, eq=False, repr=False)
class RawTerm:
    """A side of a property's check: a call, a bound variable or a value."""

    kind: Literal["call", "var", "value"]
    line: int
    col: int
    name: str = ""
    """The function called, or the variable."""
    args: Sequence[RawTerm] = ()
    value: RawValue | None = None


@dataclass(slots=True, eq=False, repr=False)
class RawCheck:
    """`left == right` or `left != right` in a property."""

    left: RawTerm
    op: Literal["==", "!="]
    right: RawTerm


@dataclass(eq=False, repr=False)
class RawProperty:
    """One `forall` line of an `examples` block."""

    bindings: list[tuple[str, int, int, RawType]]
    """Each variable's name, line, column and type."""
    where: list[RawCheck]
    check: RawCheck
    line: int
    col: int
    end_col: int
    text: str
    functions: list[str]
    """Every function the line calls."""


RawLine = RawExample | RawProperty
"""What one line of an `examples` block reads as."""


# --- Values from a token stream (defaults in declarations) -------------------


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
    fields: list[tuple[str, RawValue, int, int]] = []
    entries: list[tuple[RawValue, RawValue]] = []
    while not stream.at("}"):
        key = stream.current
        literal = key.text in ("true", "false", "none", "null")
        if key.kind == "name" and not literal and stream.peek().text == ":":
            stream.next()
            stream.next()
            value = parse_value(stream, depth + 1)
            fields.append((key.text, value, key.line, key.col))
        else:
            key_value = parse_value(stream, depth + 1)
            stream.expect(":", "':' after a map key")
            entries.append((key_value, parse_value(stream, depth + 1)))
        if not stream.accept(","):
            break
    stream.expect("}", "',' or '}'")
    if fields and entries:
        raise LexError("a '{…}' mixes field names and map keys", open_.line, open_.col)
    return RawValue(
        "braces",
        open_.line,
        open_.col,
        entries=entries,
        fields=fields,
        keyed_by_name=bool(fields),
    )


# --- Example lines, read in one pass ----------------------------------------

#: One token after optional blanks, by group: 1 a `///` doc comment, 2 a
#: comment, 3 a float, 4 an int, 5 a string, 6 a name, 7 punctuation, 8 a
#: character no token starts with; no group at the end of the line. The
#: alternatives and their order are the lexer's (`specc.frontend.lexer`).
_TOKEN_PATTERN = r"""[ \t\r]*(?:
        (///[^\n]*)
      | (//[^\n]*|\#[^\n]*)
      | (-?\d+(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+))
      | (-?\d+)
      | ("(?:[^"\\\n]|\\.)*")
      | ([A-Za-z_][A-Za-z0-9_]*)
      | (->|~=|==|!=|[{}()<>\[\],:=?])
      | ((?s:.))
      | $)"""
_DOC, _COMMENT, _FLOAT, _INT, _STRING, _NAME, _PUNCT, _BAD = range(1, 9)
_EOF = 0
_LITERAL_KINDS: dict[int, RawKind] = {_FLOAT: "float", _INT: "int", _STRING: "string"}
_WORD_VALUES = frozenset({"true", "false", "none", "null"})
_TOKEN: re.Pattern[str]
_NEXT_IS_COLON: re.Pattern[str]
_NEXT_IS_NAME: re.Pattern[str]
_NEXT_IS_PAREN: re.Pattern[str]
_NEXT_IS_BRACE: re.Pattern[str]
_compiled = False
"""Whether the patterns above are compiled (`_compile`, by the first
`ExampleReader`: a spec without examples never needs them)."""


def _compile() -> None:
    """Compile the example reader's patterns, once."""
    global _TOKEN, _NEXT_IS_COLON, _NEXT_IS_NAME, _NEXT_IS_PAREN, _NEXT_IS_BRACE
    global _compiled
    _TOKEN = re.compile(_TOKEN_PATTERN, re.X)
    _NEXT_IS_COLON = re.compile(r"[ \t\r]*:")
    _NEXT_IS_NAME = re.compile(r"[ \t\r]*[A-Za-z_]")
    _NEXT_IS_PAREN = re.compile(r"[ \t\r]*\(")
    _NEXT_IS_BRACE = re.compile(r"[ \t\r]*\{")
    _compiled = True


class _ParseError(Exception):
    """A line does not follow the grammar; a lex error later on it wins (see `read`)."""

    def __init__(self, message: str, offset: int, code: str | None = None) -> None:
        super().__init__(message)
        self.message, self.offset, self.code = message, offset, code


class ExampleReader:
    """Reads the lines of an `examples` block into `RawExample`s, in one pass.

    A line is read as the lexer and parser above would read it, with the same
    messages at the same places: the first character no token starts with
    (or a bad string escape) is reported wherever it is on the line, before
    any grammar error, as the lexer tokenizes a whole line first.
    """

    def __init__(self, text: str, line: int, col: int) -> None:
        if not _compiled:
            _compile()
        self.text = text
        self.first_line = line
        self.col = col
        self.line = line
        self.line_start = 0
        """Offset in ``text`` of the line being read."""
        self.line_end = 0
        self.kind = _EOF
        """The current token's group (`_NAME`…), `_EOF` at the end of the line."""
        self.token = ""
        self.start = self.end = 0
        """Offsets of the current token in ``text``."""
        self.value: object = None
        """The current literal's decoded value."""
        self.last_end = 0
        """Where the token before the current one ends (for the example's text)."""

    def lines(self) -> Iterator[tuple[int, int, int]]:
        """Yield each line of the block: its number, and where it starts and ends."""
        text = self.text
        start, number = 0, self.first_line
        while True:
            end = text.find("\n", start)
            stop = len(text) if end == -1 else end
            yield number, start, stop
            if end == -1:
                return
            start, number = end + 1, number + 1

    def read(self, start: int, end: int, line: int) -> RawLine | LexError | None:
        """Return the example of one line (None when blank), or its syntax error."""
        self.line, self.line_start, self.line_end = line, start, end
        self.end = start
        try:
            self.advance()
            if self.kind == _EOF:
                return None
            if self.token == "forall" and _NEXT_IS_NAME.match(
                self.text, self.end, self.line_end
            ):
                return self.property()
            return self.example()
        except _ParseError as error:
            try:
                while self.kind != _EOF:  # a lex error later on the line wins
                    self.advance()
            except LexError as lex:
                return lex
            return LexError(error.message, line, self.column(error.offset), error.code)
        except LexError as lex:
            return lex

    def column(self, offset: int) -> int:
        """Return the column of an offset on the current line."""
        return self.col + offset - self.line_start

    def advance(self) -> None:
        """Move to the next token, skipping blanks and comments."""
        self.last_end = self.end
        match = _TOKEN.match(self.text, self.end, self.line_end)
        assert match is not None  # `.` or the end always matches
        kind = match.lastindex or _EOF
        while kind == _COMMENT:
            match = _TOKEN.match(self.text, match.end(), self.line_end)
            assert match is not None
            kind = match.lastindex or _EOF
        self.kind = kind
        self.end = match.end()
        self.start = match.start(kind) if kind else self.end
        self.token = token = match.group(kind) if kind else ""
        if kind == _INT:
            self.value = int(token)
        elif kind == _FLOAT:
            self.value = float(token)
        elif kind == _STRING:
            if "\\" not in token and token.isprintable():
                self.value = token[1:-1]  # nothing to decode: what JSON would give
                return
            try:
                self.value = json.loads(token)
            except ValueError:
                raise LexError(
                    "invalid escape in string literal",
                    self.line,
                    self.column(self.start),
                ) from None
        elif kind == _BAD:
            raise LexError(
                f"unexpected character {token!r}", self.line, self.column(self.start)
            )

    def at(self, text: str) -> bool:
        """Return whether the current token is punctuation or a word ``text``."""
        # No literal, doc comment or end is written like punctuation or a word.
        return self.token == text

    def accept(self, text: str) -> bool:
        """Consume the current token if it is ``text``."""
        if self.at(text):
            self.advance()
            return True
        return False

    def expect(self, text: str, what: str | None = None) -> None:
        """Consume ``text`` or fail naming what was expected."""
        if not self.accept(text):
            raise self.error(f"expected {what or repr(text)}")

    def error(self, message: str) -> _ParseError:
        """Return a grammar error at the current token."""
        found = "end of block" if self.kind == _EOF else repr(self.token)
        return _ParseError(f"{message}, found {found}", self.start)

    def example(self) -> RawExample:
        """Read `call(args…) == value`, `~= value` or `raises Error{…}`."""
        if self.kind != _NAME:
            raise self.error("expected a function call")
        name, name_col = self.token, self.column(self.start)
        self.advance()
        self.expect("(", "'(' after the function name")
        args = []
        while not self.at(")"):
            args.append(self.read_value(1))
            if not self.accept(","):
                break
        self.expect(")")
        example = RawExample(
            name, name_col, args, "equals", self.line, name_col, self.col, ""
        )
        if self.accept("=="):
            example.result = self.read_value(1)
        elif self.accept("~="):
            example.expect = "approx"
            example.result = self.read_value(1)
        elif self.at("raises"):
            self.advance()
            example.expect = "raises"
            if self.kind != _NAME:
                raise self.error("expected an error name after 'raises'")
            example.error, example.error_col = self.token, self.column(self.start)
            self.advance()
            if self.at("{"):
                example.error_fields = self.braces(1).fields
        else:
            raise self.error("expected '==', '~=' or 'raises'")
        if self.kind != _EOF:
            raise self.error("expected the end of the example")
        example.end_col = self.column(self.last_end)
        example.text = self.text[self.line_start : self.last_end].strip()
        return example

    def property(self) -> RawProperty:
        """Read `forall x: T, … [where check and …]: check` (at `forall`)."""
        start = self.column(self.start)
        self.advance()
        bindings: list[tuple[str, int, int, RawType]] = []
        while True:
            if self.kind != _NAME:
                raise self.error("expected a variable name")
            name, col = self.token, self.column(self.start)
            self.advance()
            self.expect(":", "':' after the variable")
            bindings.append((name, self.line, col, self.read_type(1)))
            if not self.accept(","):
                break
        bound = {b[0] for b in bindings}
        functions: list[str] = []
        where = []
        if self.accept("where"):
            where.append(self.read_check(bound, functions))
            while self.accept("and"):
                where.append(self.read_check(bound, functions))
        self.expect(":", "',', 'where' or ':' after the variables")
        check = self.read_check(bound, functions)
        if self.kind != _EOF:
            raise self.error("expected the end of the property")
        return RawProperty(
            bindings,
            where,
            check,
            self.line,
            start,
            self.column(self.last_end),
            self.text[self.line_start : self.last_end].strip(),
            functions,
        )

    def read_type(self, depth: int) -> RawType:
        """Read a type: `Name`, `list<T>`, `map<K, V>`, each maybe followed by `?`."""
        if depth > MAX_NESTING:
            raise _ParseError(
                f"the type nests deeper than {MAX_NESTING} levels", self.start, "E049"
            )
        if self.kind != _NAME:
            raise self.error("expected a type")
        found = RawType(self.token, self.line, self.column(self.start))
        self.advance()
        if self.accept("<"):
            args = [self.read_type(depth + 1)]
            while self.accept(","):
                args.append(self.read_type(depth + 1))
            self.expect(">", "'>' to close the type arguments")
            found.args = args
        while self.accept("?"):
            found.optional = True
        return found

    def read_check(self, bound: set[str], functions: list[str]) -> RawCheck:
        """Read `term == term` or `term != term`."""
        left = self.read_term(bound, functions, 1)
        if self.token not in ("==", "!="):
            raise self.error("expected '==' or '!='")
        op: Literal["==", "!="] = "==" if self.token == "==" else "!="
        self.advance()
        return RawCheck(left, op, self.read_term(bound, functions, 1))

    def read_term(self, bound: set[str], functions: list[str], depth: int) -> RawTerm:
        """Read a call `f(term, …)`, a bound variable, or a value."""
        if depth > MAX_NESTING:
            raise _ParseError(
                f"the property nests deeper than {MAX_NESTING} levels",
                self.start,
                "E063",
            )
        line, col = self.line, self.column(self.start)
        if self.kind == _NAME and self.token not in _WORD_VALUES:
            name = self.token
            if _NEXT_IS_PAREN.match(self.text, self.end, self.line_end):
                functions.append(name)
                self.advance()
                self.advance()  # the '('
                args = []
                while not self.at(")"):
                    args.append(self.read_term(bound, functions, depth + 1))
                    if not self.accept(","):
                        break
                self.expect(")")
                return RawTerm("call", line, col, name, args)
            if name in bound and not _NEXT_IS_BRACE.match(
                self.text, self.end, self.line_end
            ):
                self.advance()
                return RawTerm("var", line, col, name)
        return RawTerm("value", line, col, value=self.read_value(depth))

    def read_value(self, depth: int) -> RawValue:
        """Read one value, ``depth`` levels inside the outermost one."""
        if depth > MAX_NESTING:
            raise _ParseError(
                f"the value nests deeper than {MAX_NESTING} levels", self.start, "E063"
            )
        kind, token, line = self.kind, self.token, self.line
        col = self.col + self.start - self.line_start
        if kind in _LITERAL_KINDS:
            value = self.value
            self.advance()
            return RawValue(_LITERAL_KINDS[kind], line, col, token, value)
        if kind == _NAME:
            self.advance()
            if token in _WORD_VALUES:
                if token == "true" or token == "false":
                    return RawValue("bool", line, col, token, token == "true")
                return RawValue("none", line, col, token)
            if self.token == "{":
                fields = self.braces(depth).fields
                return RawValue("tagged", line, col, token, fields=fields)
            return RawValue("name", line, col, token)
        if token == "[":
            self.advance()
            items = []
            while self.token != "]":
                items.append(self.read_value(depth + 1))
                if self.token != ",":
                    break
                self.advance()
            self.expect("]")
            return RawValue("list", line, col, items=items)
        if token == "{":
            return self.braces(depth)
        raise self.error("expected a value")

    def braces(self, depth: int) -> RawValue:
        """Read `{field: v, …}` or `{key: v, …}` at the current `{`."""
        open_, line = self.start, self.line
        fields: list[tuple[str, RawValue, int, int]] = []
        entries: list[tuple[RawValue, RawValue]] = []
        self.advance()
        while self.token != "}":
            colon = (
                self.kind == _NAME
                and self.token not in _WORD_VALUES
                and _NEXT_IS_COLON.match(self.text, self.end, self.line_end)
            )
            if colon:
                key, key_col = self.token, self.column(self.start)
                self.end = colon.end()  # past the name and its ':'
                self.advance()
                value = self.read_value(depth + 1)
                fields.append((key, value, line, key_col))
            else:
                key_value = self.read_value(depth + 1)
                self.expect(":", "':' after a map key")
                entries.append((key_value, self.read_value(depth + 1)))
            if self.token != ",":
                break
            self.advance()
        self.expect("}", "',' or '}'")
        if fields and entries:
            raise _ParseError("a '{…}' mixes field names and map keys", open_)
        return RawValue(
            "braces",
            line,
            self.column(open_),
            entries=entries,
            fields=fields,
            keyed_by_name=bool(fields),
        )


def parse_example(text: str, line: int, col: int) -> RawLine | None:
    """Parse one example or property line; return None for a blank or comment-only line."""
    end = len(text) - text.endswith("\n")  # one line, as an examples block holds
    result = ExampleReader(text, line, col).read(0, end, line)
    if isinstance(result, LexError):
        raise result
    return result
