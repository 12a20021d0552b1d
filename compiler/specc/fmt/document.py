"""Formatting a whole spec: its `specc` and `examples` blocks laid out, the rest as written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from specc.fmt.declarations import format_declarations
from specc.fmt.examples import format_examples
from specc.fmt.meaning import same_meaning
from specc.frontend.compile import compile_source, decode
from specc.frontend.parse import Document, parse_document
from specc.source import SourceFile

if TYPE_CHECKING:
    from specc.frontend.interfaces import Imports

_LAYOUTS = {"specc": format_declarations, "examples": format_examples}


class MeaningChanged(Exception):
    """Raised when a formatted spec would compile to a different IR (a formatter bug)."""


def format_text(path: str, text: str) -> str:
    """Return a spec's text with its `specc` and `examples` blocks laid out canonically.

    Only fenced blocks at the top level, closed, with exactly those info strings
    change; prose, front matter and every other block stay byte for byte. A
    text the front end refuses (binary, too long), or with a carriage return
    outside a CRLF pair, is left as it is.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    plain = text.replace("\r\n", "\n")
    if "\r" in plain or decode(path, text.encode("utf-8", "surrogatepass"))[0] is None:
        return text
    source = SourceFile(path, plain)
    lines = plain.split("\n")
    document = parse_document(source)
    for block in reversed(document.preamble + _blocks(document)):
        layout = _LAYOUTS.get(block.info) if block.kind == "fence" else None
        if layout is None or not _closed(lines, block.line, block.end_line):
            continue
        indent = " " * (block.content_col - 1)
        body = layout(block.content)
        new = [indent + line if line else line for line in body.split("\n")[:-1]]
        lines[block.content_line - 1 : block.end_line - 1] = new
    return newline.join(lines)


def _blocks(document: Document) -> list[Any]:
    """Return the blocks of every section of a parsed document, in source order."""
    found = []
    stack = list(reversed(document.sections))
    while stack:
        section = stack.pop()
        found.extend(section.blocks)
        stack.extend(reversed(section.children))
    return found


def _closed(lines: list[str], first: int, last: int) -> bool:
    """Return whether the fence opened at line ``first`` closes at line ``last``."""
    opening, closing = lines[first - 1].strip(), lines[last - 1].strip()
    fence = opening[: len(opening) - len(opening.lstrip(opening[:1]))]
    return last > first and closing.startswith(fence) and not closing.strip(fence[:1])


def check_meaning(
    path: str, before: str, after: str, imports: Imports | None = None
) -> None:
    """Raise `MeaningChanged` unless both texts compile to the same IR and findings.

    ``imports`` are what the spec's project gives it (`Project.imports`): a spec
    that uses others compiles fully only with them.
    """
    old = compile_source(path, before.encode("utf-8", "surrogatepass"), imports)
    new = compile_source(path, after.encode("utf-8", "surrogatepass"), imports)
    if not same_meaning(old, new):
        raise MeaningChanged(f"formatting {path} would change what it means")
