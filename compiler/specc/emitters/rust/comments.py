"""Doc comments, `//` comments and `#[allow]` attributes, as rustdoc and rustfmt want them."""

from __future__ import annotations

import re
import textwrap

from specc.emitters.rust import layout

ATTR_FN_LIKE_WIDTH = 70
"""rustfmt's `attr_fn_like_width`: wider attribute arguments go one a line."""

_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])( +)\S")


def comment_text(text: str) -> str:
    """Return text safe inside a `//` comment: one line, no control or bidi characters."""
    return _CONTROL.sub(" ", text.replace("\t", "    ").replace("\n", " ")).rstrip()


def doc_lines(text: str) -> list[str]:
    """Return the lines of a doc comment, list continuations indented as rustdoc wants.

    Text of one line (most field and function docs) has no continuation to
    indent: its line, cleaned, is all there is (none when it is blank).
    """
    text = text.strip("\n")
    if "\n" not in text:
        line = _CONTROL.sub(" ", text.replace("\t", "    ")).rstrip()
        return [line] if line else []
    lines: list[str] = []
    hang: int | None = None
    for raw in text.split("\n"):
        line = _CONTROL.sub(" ", raw.replace("\t", "    ")).rstrip()
        item = _LIST_ITEM.match(line)
        if not line.strip():
            hang = None
        elif item:
            hang = len(item.group(1)) + len(item.group(2)) + len(item.group(3))
        elif hang is not None:
            line = " " * hang + line.lstrip()
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def doc(text: str, indent: int = 0) -> str:
    """Return ``text`` as `///` lines at ``indent``, each ending in a newline."""
    pad = " " * indent
    return "".join(
        f"{pad}///{' ' + line if line else ''}\n" for line in doc_lines(text)
    )


def bullet(text: str, indent: int) -> list[str]:
    """Return a statement as a wrapped `- ` list item of a doc comment."""
    room = layout.MAX_WIDTH - indent - len("/// ")
    return textwrap.wrap(
        comment_text(" ".join(text.split())),
        width=max(40, room),
        initial_indent="- ",
        subsequent_indent="  ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def allow(lints: list[str], indent: int = 0) -> str:
    """Return an `#[allow(…)]` attribute, stacked as rustfmt does past 70 columns."""
    if not lints:
        return ""
    pad, joined = " " * indent, ", ".join(lints)
    line = f"{pad}#[allow({joined})]"
    if len(joined) <= ATTR_FN_LIKE_WIDTH and layout.width(line) <= layout.MAX_WIDTH:
        return line + "\n"
    inner = ",\n".join(f"{pad}    {lint}" for lint in lints)
    return f"{pad}#[allow(\n{inner}\n{pad})]\n"
