"""specc's diagnostics as LSP diagnostics: same codes, ranges, messages and hints."""

from __future__ import annotations

from lsprotocol import types

from specc.diagnostics import Diagnostic, Severity
from specc.lsp.text import Text

SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


def lsp_diagnostic(d: Diagnostic, text: Text) -> types.Diagnostic:
    """Return one diagnostic for the client; its hint ends the message, as `specc check` prints it."""
    message = d.message if d.hint is None else f"{d.message}\n= hint: {d.hint}"
    return types.Diagnostic(
        range=text.span_range(d.span),
        message=message,
        severity=SEVERITIES[d.severity],
        code=d.code,
        source="specc",
        data={"hint": d.hint} if d.hint else None,
    )
