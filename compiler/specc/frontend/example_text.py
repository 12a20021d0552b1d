"""An example or property line as written, split where its brackets close.

The checker has the typed parts; these read the text itself, for what shows
it (the docs page) or compares it across versions (`specc diff`).
"""

from __future__ import annotations

from collections.abc import Iterator


def outside_strings(
    text: str, start: int = 0, opening: str = "([{", closing: str = ")]}"
) -> Iterator[tuple[int, str, int]]:
    """Yield (index, character, bracket depth after it) for each character
    outside string literals (`"…"`, with backslash escapes), from ``start``."""
    depth, quoted, escaped = 0, False, False
    for at in range(start, len(text)):
        char = text[at]
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
            continue
        if char == '"':
            quoted = True
            continue
        if char in opening:
            depth += 1
        elif char in closing:
            depth -= 1
        yield at, char, depth


def call_end(text: str, start: int = 0) -> int | None:
    """Return the index just past the first call's closing parenthesis, or None."""
    for at, char, depth in outside_strings(text, start):
        if char == ")" and depth == 0:
            return at + 1
    return None


def split_example(text: str, function: str) -> tuple[str, str, str]:
    """Return an example line's call, operator (`==`, `~=`, `raises`) and the rest.

    A line that does not read so is all call: (text, "", "").
    """
    text = text.strip()
    end = call_end(text, len(function))
    if end is None:
        return text, "", ""
    call, rest = text[:end], text[end:].strip()
    for op in ("==", "~=", "raises"):
        if rest.startswith(op):
            return call, op, rest[len(op) :].strip()
    return text, "", ""


def check_start(text: str) -> int:
    """Return where a property's check starts: after the last `:` outside brackets.

    The variables and conditions end in that `:`; the check has none of its own
    outside brackets (its values' colons are inside braces, types' in `<…>`).
    """
    start = 0
    for at, char, depth in outside_strings(text, 0, "([{<", ")]}>"):
        if char == ":" and depth == 0:
            start = at + 1
    return start
