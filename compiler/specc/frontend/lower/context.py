"""Where lowering one spec reports: its source, its path and the report function."""

from __future__ import annotations

from collections.abc import Callable

from specc.diagnostics import Diagnostic, Related
from specc.frontend.parse import RawBlock
from specc.source import SourceFile, Span


class SpecContext:
    """The spec being lowered and where its diagnostics go."""

    def __init__(
        self, source: SourceFile, report: Callable[[Diagnostic], None]
    ) -> None:
        self.source = source
        self.path = source.path
        self.report = report

    def diag(
        self,
        code: str,
        message: str,
        line: int,
        col: int = 1,
        hint: str | None = None,
        length: int | None = None,
        related: tuple[Related, ...] = (),
    ) -> None:
        """Report a diagnostic at a position of this spec."""
        span = self.source.span(line, col, length)
        self.report(Diagnostic(code, message, span, hint, related))

    def block_span(self, block: RawBlock) -> Span:
        """Return the lines a block covers."""
        return Span(path=self.path, line=block.line, col=1, end_line=block.end_line)
