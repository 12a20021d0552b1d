"""Formatting a whole spec: its `specc` and `examples` blocks laid out, the rest as written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from specc.fmt.declarations import format_declarations
from specc.fmt.examples import format_examples
from specc.frontend.compile import Compiled, compile_source, decode
from specc.frontend.parse import parse_document
from specc.records.data import to_data
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
    for block in reversed(parse_document(source).preamble + _blocks(source)):
        layout = _LAYOUTS.get(block.info) if block.kind == "fence" else None
        if layout is None or not _closed(lines, block.line, block.end_line):
            continue
        indent = " " * (block.content_col - 1)
        body = layout(block.content)
        new = [indent + line if line else line for line in body.split("\n")[:-1]]
        lines[block.content_line - 1 : block.end_line - 1] = new
    return newline.join(lines)


def _blocks(source: SourceFile) -> list[Any]:
    """Return the blocks of every section, in source order."""
    found = []
    stack = list(reversed(parse_document(source).sections))
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
    if meaning(old) != meaning(new):
        raise MeaningChanged(f"formatting {path} would change what it means")


def meaning(compiled: Compiled) -> tuple[object, list[str]]:
    """Return what a compiled spec means: its IR without layout, and its finding codes."""
    spec = compiled.spec
    ir = _without_layout(to_data(spec)) if spec is not None else None
    return ir, sorted(d.code for d in compiled.diagnostics)


def _without_layout(data: Any) -> Any:
    """Drop what layout changes: spans, block sources and example lines as written."""
    if isinstance(data, list):
        return [_without_layout(item) for item in data]
    if not isinstance(data, dict):
        return data
    dropped = {"span", "source"}
    if "function" in data and "expect" in data:  # an example
        dropped.add("text")
    return {k: _without_layout(v) for k, v in data.items() if k not in dropped}
