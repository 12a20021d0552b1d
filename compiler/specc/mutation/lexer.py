"""Tokens of an implementation's source, enough to mutate it: names, numbers, strings, operators.

Rust and TypeScript share one small C-like scanner (strings, characters,
lifetimes, raw strings, template literals, regular expressions and comments are
single tokens, so nothing inside them is ever mutated); Python uses the
standard library's `tokenize`.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from typing import Literal

Language = Literal["ts", "rust", "python"]
Kind = Literal["name", "number", "string", "op", "comment"]


@dataclass(frozen=True)
class Token:
    """One token: what it is, its text, and where it stands (character offsets)."""

    kind: Kind
    text: str
    start: int
    end: int
    line: int


#: Longest first. `<<` and `>>` stay two tokens: they close nested generics in
#: Rust and TypeScript far more often than they shift.
_OPERATORS = sorted(
    """=== !== **= ... ..= => -> :: == != <= >= && || ?? ?. ++ -- += -= *= /= %=
    .. + - * / % = < > ! & | ^ ~ ? : ; , . ( ) [ ] { } # @ $""".split(),
    key=len,
    reverse=True,
)
_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_NUMBER = re.compile(
    r"0[xX][0-9a-fA-F_]+[a-z0-9]*|0[bB][01_]+[a-z0-9]*|0[oO][0-7_]+[a-z0-9]*"
    r"|[0-9][0-9_]*(?:\.[0-9][0-9_]*)?(?:[eE][+-]?[0-9_]+)?(?:[a-z][a-z0-9]*)?n?"
)
_RUST_RAW = re.compile(r'b?r(#*)"')
_RUST_CHAR = re.compile(r"b?'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^\\'\n])'")
#: After these a `/` starts a regular expression in TypeScript, not a division.
_REGEX_AFTER_WORDS = {"return", "typeof", "case", "do", "else", "in", "of", "yield"}
KEYWORDS = {
    "as", "async", "await", "break", "case", "const", "continue", "crate", "default",
    "delete", "do", "dyn", "else", "enum", "export", "extends", "fn", "for", "function",
    "if", "impl", "import", "in", "instanceof", "let", "loop", "match", "mod", "move",
    "mut", "new", "of", "pub", "ref", "return", "static", "struct", "super", "throw",
    "trait", "type", "typeof", "unsafe", "use", "var", "void", "where", "while",
    "yield", "and", "or", "not", "is", "lambda", "elif", "def", "class", "pass",
    "raise", "from", "with", "assert", "del", "global", "nonlocal", "try", "except",
    "finally",
}  # fmt: skip


def tokens(source: str, language: Language) -> list[Token]:
    """Return the tokens of a source file, comments included."""
    if language == "python":
        return _python_tokens(source)
    return _c_like_tokens(source, language)


def is_operand_end(token: Token | None) -> bool:
    """Return whether a token can end an operand (so an operator after it is binary)."""
    if token is None:
        return False
    if token.kind in ("number", "string"):
        return True
    if token.kind == "name":
        return token.text not in KEYWORDS or token.text in ("self", "this")
    return token.text in (")", "]")


def _c_like_tokens(source: str, language: Language) -> list[Token]:
    found: list[Token] = []
    line, i, n = 1, 0, len(source)
    while i < n:
        c = source[i]
        if c == "\n":
            line += 1
            i += 1
            continue
        if c.isspace():
            i += 1
            continue
        end, kind = _c_like_token(source, i, language, _last_code(found))
        text = source[i:end]
        found.append(Token(kind, text, i, end, line))
        line += text.count("\n")
        i = end
    return found


def _last_code(found: list[Token]) -> Token | None:
    for token in reversed(found):
        if token.kind != "comment":
            return token
    return None


def _c_like_token(
    source: str, i: int, language: Language, previous: Token | None
) -> tuple[int, Kind]:
    """Return where the token at ``i`` ends, and its kind."""
    rest = source[i : i + 3]
    if rest.startswith("//"):
        end = source.find("\n", i)
        return (len(source) if end < 0 else end), "comment"
    if rest.startswith("/*"):
        end = source.find("*/", i + 2)
        return (len(source) if end < 0 else end + 2), "comment"
    if language == "rust":
        raw = _RUST_RAW.match(source, i)
        if raw:
            close = '"' + raw.group(1)
            end = source.find(close, raw.end())
            return (len(source) if end < 0 else end + len(close)), "string"
        char = _RUST_CHAR.match(source, i)
        if char:
            return char.end(), "string"
        if source.startswith('b"', i):
            return _quoted(source, i + 1, '"'), "string"
    c = source[i]
    if c == '"' or (c == "'" and language == "ts"):
        return _quoted(source, i, c), "string"
    if c == "`" and language == "ts":
        return _quoted(source, i, "`"), "string"
    if c == "/" and language == "ts" and _starts_regex(previous):
        return _regex(source, i), "string"
    number = _NUMBER.match(source, i) if c.isdigit() else None
    if number:
        return number.end(), "number"
    name = _NAME.match(source, i)
    if name:
        return name.end(), "name"
    if c == "'":  # a Rust lifetime or label: `'a`
        label = _NAME.match(source, i + 1)
        return (label.end() if label else i + 1), "name"
    for op in _OPERATORS:
        if source.startswith(op, i):
            return i + len(op), "op"
    return i + 1, "op"


def _quoted(source: str, i: int, quote: str) -> int:
    """Return the end of a string literal that opens at ``i`` (escapes skipped)."""
    j = i + 1
    while j < len(source):
        if source[j] == "\\":
            j += 2
            continue
        if source[j] == quote:
            return j + 1
        j += 1
    return len(source)


def _starts_regex(previous: Token | None) -> bool:
    if previous is None:
        return True
    if previous.kind == "name":
        return previous.text in _REGEX_AFTER_WORDS
    return previous.kind == "op" and previous.text not in (")", "]", "}", "++", "--")


def _regex(source: str, i: int) -> int:
    """Return the end of a regular expression literal (its flags included)."""
    j, in_class = i + 1, False
    while j < len(source) and source[j] != "\n":
        c = source[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            flags = _NAME.match(source, j + 1)
            return flags.end() if flags else j + 1
        j += 1
    return j


def _python_tokens(source: str) -> list[Token]:
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(row: int, col: int) -> int:
        return starts[row - 1] + col

    found: list[Token] = []
    depth = 0  # inside an f-string (Python 3.12 splits them into tokens)
    kinds: dict[int, Kind] = {
        tokenize.NAME: "name",
        tokenize.NUMBER: "number",
        tokenize.STRING: "string",
        tokenize.OP: "op",
        tokenize.COMMENT: "comment",
    }
    fstring_start = getattr(tokenize, "FSTRING_START", -1)
    fstring_end = getattr(tokenize, "FSTRING_END", -1)
    begin = 0
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == fstring_start:
            if depth == 0:
                begin = offset(*tok.start)
            depth += 1
            continue
        if tok.type == fstring_end:
            depth -= 1
            if depth == 0:
                end = offset(*tok.end)
                found.append(
                    Token("string", source[begin:end], begin, end, tok.start[0])
                )
            continue
        kind = kinds.get(tok.type)
        if depth or kind is None:
            continue
        start, end = offset(*tok.start), offset(*tok.end)
        found.append(Token(kind, tok.string, start, end, tok.start[0]))
    return found
