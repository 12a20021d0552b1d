"""Checking an open document: the whole spec, or at a keystroke only the block that changed.

A full check is `compile_source` on the unsaved text: exactly what `specc
check` reports. On a large spec that takes longer than a keystroke may, so
`check_block` re-checks just the block being edited, with the same front end,
in a short text made of that block, the headings above it and the
declarations it names; each line found there is put back at its own number,
so the diagnostics land where a full check puts them. Diagnostics elsewhere
are carried over from the last full check (moved with the lines), and a full
check follows once typing pauses.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from specc import ir
from specc.diagnostics import Diagnostic, Related, sort_key
from specc.frontend.compile import Compiled, compile_source
from specc.frontend.project import Graph, Project, project_files, read_header
from specc.source import Span

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LINK = re.compile(r"\(#([^)\s]+)\)")
_FENCE = re.compile(r"^\s*(```|~~~)")
_PROSE_BREAK = re.compile(r"^\s{0,3}(```|~~~|#|---|===|!!!|\*\*Example|\[\^|<)")
"""Lines that can end a block of its kind: a change that types one re-checks everything."""
_BLOCK_ONLY = {"W101", "E008"}
"""Codes a block on its own cannot decide: they need every example of the spec."""


@dataclass
class Checked:
    """A full check of one version of a document."""

    version: int
    compiled: Compiled
    seconds: float
    """How long the check took."""
    uses: bool = False
    """Whether the spec uses other specs (then every re-check is a full one)."""
    project: Project | None = None
    """The project it was checked in: the other specs, read from their files, and
    those compiled for the check (the specs it uses)."""

    @cached_property
    def lines(self) -> list[str]:
        """Return the checked text's lines, as the front end numbers them."""
        source = self.compiled.source
        return source.text.split("\n") if source is not None else []

    @cached_property
    def blocks(self) -> list[tuple[ir.Block, list[ir.Section]]]:
        """Return every block with the sections it lies in, outermost first."""
        return list(_blocks(self.compiled.spec)) if self.compiled.spec else []


def check_text(path: str, text: str, version: int) -> Checked:
    """Check the whole text, as `specc check` would the saved file, in its project."""
    start = time.perf_counter()
    data = text.encode("utf-8", "surrogatepass")
    project = _project(path, data)
    compiled = project.compile(path)
    uses = (
        bool(project.graph.by_path[path].uses)
        if path in project.graph.by_path
        else False
    )
    return Checked(version, compiled, time.perf_counter() - start, uses, project)


def _project(path: str, data: bytes) -> Project:
    """Return the project the spec belongs to (as `specc check` finds it), with the
    unsaved text standing in for the saved file."""
    from specc import config

    found, _ = config.load(Path(path).parent)
    sources = found.spec_paths if found.path is not None else []
    try:
        files = project_files([path], sources) if Path(path).parent.is_dir() else []
    except OSError:
        files = []
    project = Project([f for f in files if Path(f).resolve() != Path(path).resolve()])
    project.data[path] = data
    headers = (read_header(p, d) for p, d in project.data.items() if d is not None)
    project.graph = Graph(headers)
    return project


def normalized_lines(text: str) -> list[str]:
    """Return the lines of a text as the front end numbers them."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def check_block(last: Checked, path: str, text: str) -> list[Diagnostic] | None:
    """Re-check only the block an edit since ``last`` falls in; None when it spans more."""
    spec = last.compiled.spec
    if spec is None or last.uses:
        return None
    old, new = last.lines, normalized_lines(text)
    first, old_end, new_end = changed_lines(old, new)
    if first is None:
        return list(last.compiled.diagnostics)
    found = _block_at(last.blocks, first + 1, old_end)
    if found is None:
        return None
    block, ancestors = found
    breaks = _PROSE_BREAK if isinstance(block, ir.Prose) else _FENCE
    if any(breaks.match(line) for line in new[first:new_end]):
        return None
    delta = len(new) - len(old)
    start, end = block.span.line, (block.span.end_line or block.span.line) + delta
    keep = set(range(start, end + 1))
    keep.update(s.span.line for s in ancestors)
    body = "\n".join(new[start - 1 : end])
    if isinstance(block, ir.Prose):
        targets = (spec.rule(t) for t in _LINK.findall(body))
        keep.update(r.span.line for r in targets if r is not None)
    else:
        for decl_block in _declaring(spec, last.blocks, set(_NAME.findall(body))):
            span = decl_block.span
            shift = delta if span.line > old_end else 0
            keep.update(range(span.line + shift, (span.end_line or 0) + shift + 1))
    short, origin = _excerpt(new, keep)
    fresh = compile_source(path, short.encode("utf-8", "surrogatepass")).diagnostics
    inside = [
        _placed(d, origin)
        for d in fresh
        if start <= origin[d.span.line] <= end
        and not (d.code in _BLOCK_ONLY and not isinstance(block, ir.Prose))
    ]
    block_end = block.span.end_line or block.span.line
    carried = [
        _moved(d, delta if d.span.line > block_end else 0)
        for d in last.compiled.diagnostics
        if not start <= d.span.line <= block_end
    ]
    return sorted(carried + inside, key=sort_key)


def changed_lines(old: list[str], new: list[str]) -> tuple[int | None, int, int]:
    """Return the first changed line (0-based) and where the change ends in old and new
    (None, 0, 0 when nothing changed)."""
    limit = min(len(old), len(new))
    first = 0
    while first < limit and old[first] == new[first]:
        first += 1
    if first == len(old) == len(new):
        return None, 0, 0
    tail = 0
    while tail < limit - first and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return first, len(old) - tail, len(new) - tail


def _block_at(
    blocks: list[tuple[ir.Block, list[ir.Section]]], first: int, last: int
) -> tuple[ir.Block, list[ir.Section]] | None:
    """Return the block whose inside holds lines ``first``..``last`` (1-based), and its
    sections; ``last < first`` means lines were only inserted after line ``last``."""
    for block, ancestors in blocks:
        top, bottom = block.span.line, block.span.end_line or block.span.line
        if last < first:
            inside = top <= last < bottom
        elif isinstance(block, ir.Prose):
            inside = top <= first and last <= bottom
        else:
            inside = top < first and last < bottom
        if inside and isinstance(block, (ir.Prose, ir.Declarations, ir.Examples)):
            return block, ancestors
    return None


def _blocks(spec: ir.Spec) -> Iterator[tuple[ir.Block, list[ir.Section]]]:
    """Yield every block with the sections it lies in, outermost first."""
    for block in spec.preamble:
        yield block, []
    stack = [(s, [s]) for s in reversed(spec.sections)]
    while stack:
        section, path = stack.pop()
        for block in section.content:
            yield block, path
        stack.extend((c, [*path, c]) for c in reversed(section.sections))


def _declaring(
    spec: ir.Spec, blocks: list[tuple[ir.Block, list[ir.Section]]], names: set[str]
) -> Iterator[ir.Declarations]:
    """Yield the `specc` blocks that declare ``names`` and what those use, transitively."""
    needed: set[str] = set()
    todo = [n for n in names if spec.type(n) is not None or spec.function(n)]
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        for decl in (spec.type(name), spec.function(name)):
            if decl is not None:
                todo.extend(_uses(decl))
    for block, _ in blocks:
        if isinstance(block, ir.Declarations) and needed.intersection(block.names):
            yield block


def _uses(decl: ir.TypeDecl | ir.Function) -> Iterator[str]:
    """Yield the type names a declaration refers to."""
    refs: list[ir.TypeRef] = []
    if isinstance(decl, ir.Alias):
        refs.append(decl.target)
    if isinstance(decl, (ir.Record, ir.Error, ir.Function)):
        refs += [
            f.type
            for f in (decl.params if isinstance(decl, ir.Function) else decl.fields)
        ]
    if isinstance(decl, ir.Variant):
        refs += [f.type for t in decl.tags for f in t.fields]
    if isinstance(decl, ir.Function):
        refs.append(decl.returns)
        yield from decl.raises
    while refs:
        ref = refs.pop()
        if ref.kind == "named" and ref.name:
            yield ref.name
        refs.extend(ref.args)


def _excerpt(lines: list[str], keep: set[int]) -> tuple[str, list[int]]:
    """Return the kept lines (1-based numbers), a blank line between runs, and the
    number each line of the excerpt has in ``lines`` (0 for the blanks)."""
    out: list[str] = []
    origin = [0]
    previous = -1
    for number in sorted(n for n in keep if 1 <= n <= len(lines)):
        if number != previous + 1:
            out.append("")
            origin.append(0)
        out.append(lines[number - 1])
        origin.append(number)
        previous = number
    return "\n".join(out), origin


_LINE_NUMBER = re.compile(r"\bline (\d+)")


def _placed(d: Diagnostic, origin: list[int]) -> Diagnostic:
    """Return a diagnostic of an excerpt at its lines in the whole text."""

    def renumber(text: str) -> str:
        def line(match: re.Match[str]) -> str:
            number = int(match.group(1))
            return f"line {origin[number] if number < len(origin) else number}"

        return _LINE_NUMBER.sub(line, text)

    def place(span: Span) -> Span:
        if span.path != d.span.path:
            return span
        end_line = origin[span.end_line] if span.end_line is not None else None
        return Span(
            path=span.path,
            line=origin[span.line],
            col=span.col,
            end_line=end_line,
            end_col=span.end_col,
        )

    hint = renumber(d.hint) if d.hint is not None else None
    related = tuple(Related(place(r.span), r.message) for r in d.related)
    return Diagnostic(d.code, renumber(d.message), place(d.span), hint, related)


def _moved(d: Diagnostic, lines: int) -> Diagnostic:
    """Return a diagnostic moved down by ``lines``."""
    if not lines:
        return d
    span = d.span
    end_line = span.end_line + lines if span.end_line is not None else None
    moved = Span(
        path=span.path,
        line=span.line + lines,
        col=span.col,
        end_line=end_line,
        end_col=span.end_col,
    )
    return dataclasses.replace(d, span=moved)
