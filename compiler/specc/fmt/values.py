"""Example values as read, printed in the IDL's canonical form."""

from __future__ import annotations

from collections.abc import Sequence

from specc.frontend.values import RawValue


def value_text(raw: RawValue) -> str:
    """Return a value's canonical text: literals as written, single spaces after commas."""
    if raw.kind in ("int", "float", "string", "name"):
        return raw.text
    if raw.kind == "bool":
        return "true" if raw.value else "false"
    if raw.kind == "none":
        return "none"
    if raw.kind == "list":
        return "[" + ", ".join(value_text(item) for item in raw.items) + "]"
    if raw.kind == "tagged":
        return raw.text + fields_text(raw.fields)
    if raw.entries:
        pairs = (f"{value_text(k)}: {value_text(v)}" for k, v in raw.entries)
        return "{" + ", ".join(pairs) + "}"
    return fields_text(raw.fields)


def fields_text(fields: Sequence[tuple[str, RawValue, int, int]]) -> str:
    """Return `{name: value, …}` for named field values."""
    return "{" + ", ".join(f"{n}: {value_text(v)}" for n, v, _, _ in fields) + "}"
