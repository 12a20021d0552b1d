"""Diagnostics as values: one table of codes, and their text and JSON forms."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from specc.source import SourceFile, Span


class Severity(str, Enum):
    """How much a diagnostic matters; only errors fail a build."""

    ERROR = "error"
    WARNING = "warning"
    HINT = "hint"


E, W, H = Severity.ERROR, Severity.WARNING, Severity.HINT

#: Every diagnostic specc can report: code -> (severity, summary).
CODES: dict[str, tuple[Severity, str]] = {
    # Reading the file.
    "E001": (E, "cannot read the spec file"),
    "E002": (E, "the spec is not UTF-8 text"),
    "E003": (E, "the spec is a binary file"),
    "E004": (E, "the spec is empty"),
    "E005": (E, "no spec files found"),
    "E006": (E, "the spec file is too large"),
    "E007": (E, "a line is too long"),
    "E008": (E, "the spec has too many examples"),
    # Front matter.
    "E010": (E, "front matter is not valid YAML"),
    "E011": (E, "front matter must be a mapping"),
    "E012": (E, "front matter field has the wrong form"),
    "W013": (W, "unknown front matter field"),
    "E014": (E, "front matter does not start on the first line"),
    # Headings and rule IDs.
    "E020": (E, "malformed heading attribute block"),
    "E021": (E, "duplicate rule ID"),
    "E022": (E, "duplicate heading attribute"),
    "E023": (E, "heading attribute block has no ID"),
    # Links and footnotes.
    "E030": (E, "cross-reference to an unknown rule ID"),
    "W031": (W, "footnote definition is never referenced"),
    # Declarations.
    "E040": (E, "declaration syntax error"),
    "E041": (E, "duplicate declaration name"),
    "E042": (E, "unknown type"),
    "E043": (E, "duplicate member name"),
    "E044": (E, "raises names something that is not an error"),
    "E045": (E, "wrong number of type arguments"),
    "E046": (E, "default value does not fit the field's type"),
    "E047": (E, "type alias refers to itself"),
    "E048": (E, "map key type must be string, int, bool or an enum"),
    "E049": (E, "a type nests too deeply"),
    # Examples.
    "E050": (E, "example syntax error"),
    "E051": (E, "unknown function"),
    "E052": (E, "wrong number of arguments"),
    "E053": (E, "value does not match the expected type"),
    "E054": (E, "unknown field"),
    "E055": (E, "missing required field"),
    "E056": (E, "unknown enum member"),
    "E057": (E, "unknown variant tag"),
    "E058": (E, "the function does not declare this error"),
    "E059": (E, "unknown error"),
    "E060": (E, "approximate comparison needs a float result"),
    "E061": (E, "integer out of range"),
    "E062": (E, "duplicate key"),
    "E063": (E, "a value nests too deeply"),
    "E064": (E, "a property's variable has an unknown type or one with no values"),
    "E065": (E, "a property binds a variable twice"),
    "E066": (E, "a side of a property's check has the wrong type"),
    # Conversations.
    "E070": (E, "malformed example conversation"),
    "E071": (E, "unknown answer label"),
    "W072": (W, "example title without a conversation"),
    # Building.
    "E080": (E, "unknown target"),
    "E081": (E, "invalid emitter option"),
    "E082": (E, "an emitter failed"),
    "E083": (E, "output path leaves the output folder"),
    "E084": (E, "value cannot be represented in the target language"),
    "W085": (W, "operation is missing from the scaffolded implementation"),
    "E086": (E, "two outputs claim the same path"),
    "E087": (E, "cannot write the output"),
    "E088": (E, "the target's toolchain is missing or failed"),
    "W089": (W, "a podcast episode misses its target length"),
    "E090": (E, "another build is writing the output folder"),
    "E091": (E, "a generated package has the name of its dependency"),
    "E092": (E, "a package manifest was edited by hand"),
    # Project configuration (specc.toml).
    "E120": (E, "the configuration file cannot be read or is not valid TOML"),
    "E121": (E, "unknown configuration key or table"),
    "E122": (E, "configuration value has the wrong form"),
    # LLM-assisted backends.
    "E130": (E, "the LLM endpoint failed"),
    "E131": (E, "an answer is missing from specc.lock, and nothing may ask for it"),
    "E132": (E, "the run would exceed its request budget"),
    "W133": (W, "a generated answer failed its check; the template version serves"),
    "E134": (E, "specc.lock cannot be read"),
    "E135": (E, "no generated implementation passed its conformance tests"),
    "E136": (E, "the specs have no behavioural examples to evaluate"),
    "E137": (E, "the implementation file is not an untouched scaffold"),
    "E138": (E, "an interrupted run left a backup of the file to replace"),
    "W139": (W, "an interrupted run left a backup of an implementation file"),
    # External emitters (`specc-emit-NAME` on PATH).
    "E140": (E, "an external emitter failed"),
    "E141": (E, "an external emitter timed out"),
    "E142": (E, "an external emitter answered badly"),
    # Lints.
    "W101": (W, "function has no examples"),
    "H102": (H, "rule has no normative word"),
    "W103": (W, "examples outside any rule"),
    # Review lints, only with `specc check --strict`.
    "W104": (W, "normative rule has no example or conversation"),
    "W105": (W, "no example raises this error"),
    "W106": (W, "no example uses this enum member"),
    "W107": (W, "type is never referenced by a function"),
    # Comparing versions.
    "E150": (E, "cannot read the specs at a git revision"),
    # Specs that use other specs.
    "E160": (E, "unknown spec"),
    "E161": (E, "the used spec has no such type"),
    "E162": (E, "a name or spec is imported twice, or clashes with a local one"),
    "E163": (E, "specs use each other in a cycle"),
    "E164": (E, "the used spec's version is not in the range asked for"),
    "E165": (E, "cross-reference to an unknown rule of another spec"),
    "E166": (E, "the spec is not in `uses`"),
    "E167": (E, "a function raises an error of another spec"),
    "E168": (E, "a used spec has errors"),
}


@dataclass(frozen=True, slots=True)
class Related:
    """Another place a diagnostic concerns (the first of two duplicates, a used spec)."""

    span: Span
    message: str

    def to_json(self) -> dict[str, object]:
        """Return the place as a JSON-ready mapping."""
        span = self.span
        return {
            "message": self.message,
            "path": span.path,
            "line": span.line,
            "col": span.col,
            "end_line": span.end_line,
            "end_col": span.end_col,
        }


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about a spec, pointing at the place it concerns."""

    code: str
    message: str
    span: Span
    hint: str | None = None
    related: tuple[Related, ...] = ()
    """Other places it concerns, each with what it is; the hint names them for a reader."""

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"undeclared diagnostic code {self.code}")

    @property
    def severity(self) -> Severity:
        """Return the severity the code table gives this code."""
        return CODES[self.code][0]

    def to_json(self) -> dict[str, object]:
        """Return the diagnostic as a JSON-ready mapping."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.span.path,
            "line": self.span.line,
            "col": self.span.col,
            "end_line": self.span.end_line,
            "end_col": self.span.end_col,
            "hint": self.hint,
            "related": [r.to_json() for r in self.related],
        }


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """Return whether any diagnostic is an error."""
    return any(d.severity is Severity.ERROR for d in diagnostics)


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    """Order diagnostics by file, then position, then code."""
    span = diagnostic.span
    return (span.path, span.line, span.col, diagnostic.code)


_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.HINT: "cyan"}


def render(
    diagnostic: Diagnostic, source: SourceFile | None, colour: bool = False
) -> str:
    """Render one diagnostic as text, with its source line and a caret."""
    import click

    span = diagnostic.span
    severity = diagnostic.severity.value
    head = f"{severity}[{diagnostic.code}]"
    if colour:
        head = click.style(head, fg=_COLOURS[diagnostic.severity], bold=True)
    lines = [f"{span.path}:{span.line}:{span.col}: {head}: {diagnostic.message}"]
    text = source.line(span.line) if source else ""
    if text:
        gutter = str(span.line)
        pad = " " * len(gutter)
        width = 1
        if span.end_col and (span.end_line in (None, span.line)):
            width = max(1, span.end_col - span.col)
        prefix = "".join(c if c == "\t" else " " for c in text[: span.col - 1])
        caret = "^" + "~" * (width - 1)
        if colour:
            caret = click.style(caret, fg=_COLOURS[diagnostic.severity], bold=True)
        lines += [f"{pad} |", f"{gutter} | {text}", f"{pad} | {prefix}{caret}"]
    if diagnostic.hint:
        lines.append(f"  = hint: {diagnostic.hint}")
    return "\n".join(lines)
