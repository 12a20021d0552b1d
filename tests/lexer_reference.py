"""The tokenizer as it was before it took the blanks with each token (one match a
token): the reference `tests/test_lexer.py` compares `specc.frontend.lexer.tokenize` with.
"""

from __future__ import annotations

import re

from specc.frontend.lexer import LexError, Token, TokenKind, _token

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r]+)
  | (?P<nl>\n)
  | (?P<doc>///[^\n]*)
  | (?P<comment>//[^\n]*|\#[^\n]*)
  | (?P<float>-?\d+(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+))
  | (?P<int>-?\d+)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>->|~=|==|[{}()<>\[\],:=?.])
  | (?P<bad>.)
    """,
    re.X,
)
_PLAIN: frozenset[TokenKind] = frozenset({"name", "punct"})
_LITERALS: frozenset[TokenKind] = frozenset({"int", "float", "string", "doc"})


def tokenize(
    text: str, line: int = 1, col: int = 1, hash_comments: bool = False
) -> list[Token]:
    """Split ``text`` into tokens; positions are offset to where it sits in the file."""
    tokens: list[Token] = []
    append = tokens.append
    cur_line, line_start = line, 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "ws":
            continue
        if kind == "nl":
            cur_line += 1
            line_start = match.end()
            continue
        chunk = match.group()
        column = col + match.start() - line_start
        if kind in _PLAIN:
            append(Token(kind, chunk, chunk, cur_line, column))  # type: ignore[arg-type]
        elif kind in _LITERALS:
            append(_token(kind, chunk, cur_line, column))  # type: ignore[arg-type]
        elif kind == "bad":
            raise LexError(f"unexpected character {chunk!r}", cur_line, column)
        elif kind == "comment" and chunk.startswith("#") and not hash_comments:
            raise LexError("unexpected character '#'", cur_line, column)
    column = col + len(text) - line_start
    append(Token("eof", "", None, cur_line, column))
    return tokens
