"""The tokenizer shared by the declaration language and example values."""

from __future__ import annotations

import json
import re
from typing import Literal, NamedTuple

TokenKind = Literal["name", "int", "float", "string", "punct", "doc", "eof"]

MAX_NESTING = 32
"""How deep types (`list<list<…>>`) and values (`[[…]]`, `{a: {a: …}}`) may
nest: far beyond any real spec, and well within what every stage and target
handles without running out of stack."""


class LexError(Exception):
    """Raised for a character no token starts with, or a bad string literal."""

    def __init__(
        self, message: str, line: int, col: int, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message, self.line, self.col, self.code = message, line, col, code


class Token(NamedTuple):
    """One token with its absolute position in the spec file."""

    kind: TokenKind
    text: str
    value: object
    line: int
    col: int


_PLAIN: frozenset[TokenKind] = frozenset({"name", "punct"})
_LITERALS: frozenset[TokenKind] = frozenset({"int", "float", "string", "doc"})


#: A declaration token with the blanks before it, one match a token (the blanks
#: are skipped). No alternative starts with a blank, so blanks at the
#: end of the text match nothing, as they make no token.
_BLANKS_AND_TOKEN = re.compile(
    r"""
    [ \t\r]*
    (?:
        (?P<nl>\n)
      | (?P<doc>///[^\n]*)
      | (?P<comment>//[^\n]*|\#[^\n]*)
      | (?P<float>-?\d+(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+))
      | (?P<int>-?\d+)
      | (?P<string>"(?:[^"\\\n]|\\.)*")
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<punct>->|~=|==|[{}()<>\[\],:=?.])
      | (?P<bad>[^ \t\r\n])
    )
    """,
    re.X,
)
_new_token = tuple.__new__


def tokenize(
    text: str, line: int = 1, col: int = 1, hash_comments: bool = False
) -> list[Token]:
    """Split ``text`` into tokens; positions are offset to where it sits in the file."""
    tokens: list[Token] = []
    append = tokens.append
    cur_line, line_start = line, 0
    for match in _BLANKS_AND_TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "nl":
            cur_line += 1
            line_start = match.end()
            continue
        chunk = match.group(kind)  # type: ignore[arg-type]
        column = col + match.end() - len(chunk) - line_start
        if kind == "name" or kind == "punct":
            append(_new_token(Token, (kind, chunk, chunk, cur_line, column)))
        elif kind in _LITERALS:
            append(_token(kind, chunk, cur_line, column))
        elif kind == "bad":
            raise LexError(f"unexpected character {chunk!r}", cur_line, column)
        elif kind == "comment" and chunk.startswith("#") and not hash_comments:
            raise LexError("unexpected character '#'", cur_line, column)
    column = col + len(text) - line_start
    append(Token("eof", "", None, cur_line, column))
    return tokens


def _token(kind: TokenKind, chunk: str, line: int, col: int) -> Token:
    """Return a literal or doc-comment token with its value."""
    value: object = chunk
    if kind == "int":
        value = int(chunk)
    elif kind == "float":
        value = float(chunk)
    elif kind == "string":
        try:
            value = json.loads(chunk)
        except ValueError:
            raise LexError("invalid escape in string literal", line, col) from None
    elif kind == "doc":
        value = chunk[3:].strip()
    return Token(kind, chunk, value, line, col)


class TokenStream:
    """A cursor over tokens with the small look-ahead both parsers need."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    @property
    def current(self) -> Token:
        """Return the token under the cursor."""
        return self.tokens[self.pos]

    def peek(self, offset: int = 1) -> Token:
        """Return the token ``offset`` places ahead."""
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def next(self) -> Token:
        """Return the current token and advance."""
        token = self.tokens[self.pos]
        if token.kind != "eof":
            self.pos += 1
        return token

    def at(self, text: str) -> bool:
        """Return whether the current token is punctuation or a word ``text``."""
        token = self.tokens[self.pos]
        return token.text == text and (token.kind == "punct" or token.kind == "name")

    def accept(self, text: str) -> Token | None:
        """Consume and return the current token if it is ``text``."""
        token = self.tokens[self.pos]
        if token.text == text and (token.kind == "punct" or token.kind == "name"):
            self.pos += 1  # not the end: its text is empty
            return token
        return None

    def expect(self, text: str, what: str | None = None) -> Token:
        """Consume ``text`` or raise a parse error naming what was expected."""
        token = self.tokens[self.pos]
        if token.text == text and (token.kind == "punct" or token.kind == "name"):
            self.pos += 1
            return token
        raise self.error(f"expected {what or repr(text)}")

    def expect_name(self, what: str) -> Token:
        """Consume an identifier or raise a parse error."""
        token = self.tokens[self.pos]
        if token.kind == "name":
            self.pos += 1
            return token
        raise self.error(f"expected {what}")

    def error(self, message: str) -> LexError:
        """Return a parse error at the current token."""
        token = self.current
        found = "end of block" if token.kind == "eof" else repr(token.text)
        return LexError(f"{message}, found {found}", token.line, token.col)
