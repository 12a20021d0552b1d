"""Strings a Rust `String` cannot hold: lone surrogates, reported where an example writes them."""

from __future__ import annotations

from specc import ir
from specc.diagnostics import Diagnostic


def has_surrogate(text: str) -> bool:
    """Return whether a string holds a lone surrogate, which no Rust `String` can."""
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def surrogate_problems(spec: ir.Spec) -> list[Diagnostic]:
    """Return E084 for strings holding lone surrogates, which a Rust `String` cannot."""
    found = []
    for example in spec.examples():
        values = [*example.args, *([example.result] if example.result else [])]
        if example.raises:
            values += [f.value for f in example.raises.fields]
        if any(_surrogates(v) for v in values):
            found.append(
                Diagnostic(
                    "E084",
                    "a string holds a lone surrogate, which a Rust String cannot hold",
                    example.span,
                    "write the character itself, or a valid surrogate pair",
                )
            )
    return found


def _surrogates(value: ir.Value) -> bool:
    if isinstance(value, ir.StringValue):
        return has_surrogate(value.value)
    if isinstance(value, ir.ListValue):
        return any(_surrogates(i) for i in value.items)
    if isinstance(value, ir.MapValue):
        return any(_surrogates(e.key) or _surrogates(e.value) for e in value.entries)
    if isinstance(value, (ir.RecordValue, ir.VariantValue)):
        return any(_surrogates(f.value) for f in value.fields)
    return False
