"""The names one spec declares, where its diagnostics go, and name suggestions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from specc.diagnostics import Diagnostic, Related
from specc.frontend.idl import DeclDraft
from specc.source import Span

Report = Callable[[Diagnostic], None]
"""Where a diagnostic goes (the compiler's list, or a capture while checking)."""


class Scope:
    """The types and functions one spec declares, and the report all checks share."""

    def __init__(self, path: str, report: Report) -> None:
        self.path = path
        self.report = report
        self.types: dict[str, DeclDraft] = {}
        """Type declarations by name (the first of duplicates), and those of other
        specs by qualified name (`billing.Money`)."""
        self.imported: list[str] = []
        """Names `use` brings in from other specs."""
        self.functions: dict[str, DeclDraft] = {}
        """Function declarations by name (the first of duplicates)."""

    def error(
        self,
        code: str,
        message: str,
        line: int,
        col: int,
        hint: str | None = None,
        length: int | None = None,
    ) -> None:
        """Report a diagnostic at a position of this spec."""
        end = col + length if length else None
        span = Span(path=self.path, line=line, col=col, end_line=line, end_col=end)
        self.report(Diagnostic(code, message, span, hint))

    def error_at(
        self,
        code: str,
        message: str,
        span: Span,
        hint: str | None = None,
        related: tuple[Related, ...] = (),
    ) -> None:
        """Report a diagnostic at a span (and the other places it concerns)."""
        self.report(Diagnostic(code, message, span, hint, related))

    @contextmanager
    def captured(self) -> Iterator[list[Diagnostic]]:
        """Collect what the block reports instead of passing it on."""
        found: list[Diagnostic] = []
        report, self.report = self.report, found.append
        try:
            yield found
        finally:
            self.report = report

    def error_names(self) -> list[str]:
        """Return the names of the declared errors, for suggestions."""
        return [n for n, d in self.types.items() if d.kind == "error" and not d.spec]

    def visible_names(self) -> list[str]:
        """Return the type names a bare name may mean, for suggestions."""
        return [n for n, d in self.types.items() if not d.spec] + self.imported


def closest(name: str, choices: list[str]) -> str | None:
    """Return the one of ``choices`` closest to ``name``, if any is close."""
    import difflib  # only for a name that is not found

    close = difflib.get_close_matches(name, choices, n=1)
    return close[0] if close else None


def suggest(name: str, choices: list[str], prefix: str = "") -> str | None:
    """Return a "did you mean" hint for the closest of ``choices``, if any is close,
    written after ``prefix`` (`#` for a rule ID)."""
    close = closest(name, choices)
    return f"did you mean `{prefix}{close}`?" if close else None
