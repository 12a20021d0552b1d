"""The front end: a spec file's bytes to IR and diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from specc import ir
from specc.diagnostics import Diagnostic, has_errors, sort_key
from specc.memory import collector_paused
from specc.source import SourceFile, Span

if TYPE_CHECKING:
    from specc.frontend.interfaces import Imports


@dataclass(eq=False, repr=False)
class Compiled:
    """The outcome of compiling one spec: its IR (check ``ok`` before emitting) and findings."""

    path: str
    source: SourceFile | None
    spec: ir.Spec | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    reused: bool = False
    """Whether the IR is elsewhere (``spec`` is None): an incremental build skipped
    the unchanged spec, or compiled it in a worker process (`specc.build.workers`)."""
    remembered: bool = False
    """Whether this is an earlier compile of the same bytes and imports, kept in
    memory (`specc watch`), not compiled again."""

    @property
    def ok(self) -> bool:
        """Return whether the spec compiled without errors."""
        compiled = self.spec is not None or self.reused
        return compiled and not has_errors(self.diagnostics)


#: Limits that keep hostile input cheap (docs/diagnostics.md, E006 and E007).
MAX_SPEC_BYTES = 16 * 1024 * 1024
MAX_LINE_CHARS = 100_000


def decode(path: str, data: bytes) -> tuple[SourceFile | None, Diagnostic | None]:
    """Decode a spec's bytes, refusing binary, non-UTF-8 and oversized input."""
    if len(data) > MAX_SPEC_BYTES:
        return None, Diagnostic(
            "E006",
            f"the file is {len(data) / 2**20:.1f} MB; specc reads specs up to "
            f"{MAX_SPEC_BYTES // 2**20} MB",
            Span(path=path, line=1, col=1),
            "split it into several specs",
        )
    if b"\x00" in data:
        offset = data.index(b"\x00")
        line = data.count(b"\n", 0, offset) + 1
        col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        return None, Diagnostic(
            "E003",
            "the file holds NUL bytes: it is binary, not a Markdown spec",
            Span(path=path, line=line, col=col),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        offset = error.start
        line = data.count(b"\n", 0, offset) + 1
        col = (
            len(
                data[data.rfind(b"\n", 0, offset) + 1 : offset].decode(
                    "utf-8", "replace"
                )
            )
            + 1
        )
        return None, Diagnostic(
            "E002",
            f"byte 0x{data[offset]:02x} is not valid UTF-8",
            Span(path=path, line=line, col=col),
            "save the file as UTF-8",
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    long = _long_line(text)
    if long is not None:
        line, length = long
        return None, Diagnostic(
            "E007",
            f"line {line} is {length} characters long; specc reads lines of up to "
            f"{MAX_LINE_CHARS} characters",
            Span(path=path, line=line, col=MAX_LINE_CHARS + 1),
            "break the line (Markdown joins the lines of a paragraph)",
        )
    source = SourceFile(path, text)
    if not text.strip():
        return source, Diagnostic(
            "E004",
            "the spec is empty",
            Span(path=path, line=1, col=1),
            "start with front matter and a heading",
        )
    return source, None


def _long_line(text: str) -> tuple[int, int] | None:
    """Return (line, length) of the first line over `MAX_LINE_CHARS`, or None."""
    if len(text) <= MAX_LINE_CHARS:
        return None
    lines = text.split("\n")
    if max(map(len, lines)) <= MAX_LINE_CHARS:  # in C: lines are looked at one by
        return None  # one only when one is too long
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE_CHARS:
            return number, len(line)
    return None  # not reached: the longest is one of them


def compile_source(path: str, data: bytes, imports: Imports | None = None) -> Compiled:
    """Compile a spec given its bytes; never raises for bad input.

    ``imports`` are the interfaces of the specs it uses (`specc.frontend.interfaces`).
    """
    from specc.frontend.lower import lower_document
    from specc.frontend.parse import parse_document

    source, problem = decode(path, data)
    if problem is not None:
        return Compiled(path, source, None, [problem])
    assert source is not None
    diagnostics: list[Diagnostic] = []
    with collector_paused():
        spec = lower_document(parse_document(source), diagnostics.append, imports)
    diagnostics.sort(key=sort_key)
    return Compiled(path, source, spec, diagnostics)


def compile_file(path: str | Path) -> Compiled:
    """Read and compile one spec file."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        return Compiled(
            name,
            None,
            None,
            [
                Diagnostic(
                    "E001", f"cannot read {name}: {reason}", Span(path=name, line=1)
                )
            ],
        )
    return compile_source(name, data)


def find_specs(paths: list[str]) -> tuple[list[str], list[Diagnostic]]:
    """Expand files and folders into spec files (`*.spec.md` inside folders), sorted."""
    found: list[str] = []
    problems: list[Diagnostic] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            specs = sorted(str(p) for p in path.rglob("*.spec.md") if p.is_file())
            if not specs:
                problems.append(
                    Diagnostic(
                        "E005", f"no *.spec.md files in {name}", Span(path=name, line=1)
                    )
                )
            found.extend(specs)
        else:
            found.append(name)
    return list(dict.fromkeys(found)), problems


def summarize(results: list[Compiled]) -> dict[str, int]:
    """Count what the checked specs hold."""
    counts = dict(
        specs=len(results),
        rules=0,
        types=0,
        functions=0,
        examples=0,
        conversations=0,
        commentary=0,
        errors=0,
        warnings=0,
        hints=0,
    )
    for result in results:
        for d in result.diagnostics:
            counts[d.severity.value + "s"] += 1
        spec = result.spec
        if spec is None:
            continue
        sections = list(spec.walk())
        counts["rules"] += sum(1 for s in sections if s.id)
        counts["types"] += len(spec.types)
        counts["functions"] += len(spec.functions)
        counts["examples"] += sum(len(s.examples) for s in sections)
        counts["conversations"] += sum(len(s.conversations) for s in sections)
        counts["commentary"] += sum(len(s.commentary) for s in sections) + sum(
            1 for b in spec.preamble if isinstance(b, ir.Commentary)
        )
    return counts
