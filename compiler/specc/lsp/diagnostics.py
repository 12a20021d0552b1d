"""specc's diagnostics as LSP diagnostics: same codes, ranges, messages and hints."""

from __future__ import annotations

from collections.abc import Callable

from lsprotocol import types

from specc.diagnostics import Diagnostic, Severity
from specc.lsp.text import Text
from specc.source import Span

SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


def lsp_diagnostic(
    d: Diagnostic,
    text: Text,
    locate: Callable[[Span], types.Location | None] | None = None,
) -> types.Diagnostic:
    """Return one diagnostic for the client; its hint ends the message, as `specc check`
    prints it; ``locate`` places its related places (in this file or another)."""
    message = d.message if d.hint is None else f"{d.message}\n= hint: {d.hint}"
    related = [
        types.DiagnosticRelatedInformation(where, r.message)
        for r in d.related
        if locate is not None and (where := locate(r.span)) is not None
    ]
    return types.Diagnostic(
        range=text.span_range(d.span),
        message=message,
        severity=SEVERITIES[d.severity],
        code=d.code,
        source="specc",
        data={"hint": d.hint} if d.hint else None,
        related_information=related or None,
    )
