"""Identifier conversions and sanitising shared by every emitter, and counted nouns."""

from __future__ import annotations

import re

#: A word, with the digits that follow it (`utf8`, `sha256`, `HTTP2`): a digit
#: group belongs to the word before it, unless an underscore separates them.
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+\d*|[A-Z]+\d*|\d+")
_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


def plural(number: int, noun: str) -> str:
    """Return `1 spec`, `2 specs`: the one way specc counts things in its messages."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def words(name: str) -> list[str]:
    """Split an identifier into lower-case words (`addTask`, `add_task` -> add, task).

    Digits stay with the word before them: `utf8_len` -> utf8, len.
    """
    return [w.lower() for w in _WORD.findall(name)]


def snake(name: str) -> str:
    """Return ``name`` in snake_case."""
    return "_".join(words(name)) or "_"


def camel(name: str) -> str:
    """Return ``name`` in camelCase."""
    parts = words(name)
    if not parts:
        return "_"
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def pascal(name: str) -> str:
    """Return ``name`` in PascalCase."""
    return "".join(p.capitalize() for p in words(name)) or "_"


def screaming(name: str) -> str:
    """Return ``name`` in SCREAMING_SNAKE_CASE."""
    return snake(name).upper()


def identifier(
    name: str, keywords: frozenset[str] = frozenset(), suffix: str = "_"
) -> str:
    """Return ``name`` made a safe identifier: no odd characters, no leading digit, no keyword."""
    safe = _UNSAFE.sub("_", name).strip("_") or "_"
    if safe[0].isdigit():
        safe = "_" + safe
    return safe + suffix if safe in keywords else safe


def path_segment(name: str) -> str:
    """Return ``name`` as a single safe file or folder name (never `.`, `..` or empty)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._-")
    return safe or "spec"


#: A lone surrogate: a code point UTF-8 cannot encode (a spec writes one as `\udc00`).
_SURROGATE = "[\ud800-\udfff]"


def escape_surrogates(text: str) -> str:
    """Return ``text`` with each lone surrogate written as its `\\uXXXX` escape.

    For JSON text (a raw surrogate can only stand inside a JSON string, where
    the escape means the same code point) and for a value shown as a spec
    literal; text without one, nearly all of it, comes back as it is.
    """
    if text.isascii():
        return text
    return re.sub(_SURROGATE, lambda m: f"\\u{ord(m.group()):04x}", text)
