"""Strings a Rust `String` cannot hold: lone surrogates, reported where an example writes them."""

from __future__ import annotations

from specc import ir
from specc.diagnostics import Diagnostic


def has_surrogate(text: str) -> bool:
    """Return whether a string holds a lone surrogate, which no Rust `String` can.

    Python's strict UTF-8 codec refuses exactly the code points U+D800 to
    U+DFFF, so encoding checks every character at C speed (ASCII at once).
    """
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


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
    """Return whether a value holds a string with a lone surrogate (a loop, not
    recursion: 70 000 values at N = 1000 full; each found by its kind, a string
    compare, rather than by up to four `isinstance` tests)."""
    stack = [value]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        value = pop()
        kind = value.kind
        if kind == "string":
            if has_surrogate(value.value):  # type: ignore[union-attr, arg-type]
                return True
        elif kind == "record" or kind == "variant":
            for f in value.fields:  # type: ignore[union-attr]
                push(f.value)
        elif kind == "list":
            extend(value.items)  # type: ignore[union-attr]
        elif kind == "map":
            for e in value.entries:  # type: ignore[union-attr]
                push(e.key)
                push(e.value)
    return False
