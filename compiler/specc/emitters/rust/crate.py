"""The files of a crate, and what its manifest and lib.rs need to know of the spec."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from specc import ir

#: The generated files of a crate and their templates (under `rust/`).
FILES = (
    ("Cargo.toml", "Cargo.toml.jinja"),
    (".gitignore", "gitignore.jinja"),
    ("src/lib.rs", "lib.rs.jinja"),
    ("src/types.rs", "types.rs.jinja"),
    ("src/api.rs", "api.rs.jinja"),
    ("tests/conformance.rs", "conformance.rs.jinja"),
)
#: The files of a data model's crate (a spec of types alone).
DATA_MODEL_FILES = FILES[:4]

_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)"
    r"(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?"
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)


def cargo_version(version: str | None) -> str:
    """Return the spec's version if Cargo accepts it as semver, else `0.0.0`."""
    return version if version and _SEMVER.match(version) else "0.0.0"


def toml_string(text: str) -> str:
    """Return a TOML basic string."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        elif 0xD800 <= ord(char) <= 0xDFFF:
            out.append("\ufffd")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def cargo_dependency(name: str, value: str | dict[str, Any]) -> str:
    """Return a `[dependencies]` line: `name = "1.2"` or `name = { path = "…" }`."""
    if isinstance(value, str):
        return f"{name} = {toml_string(value)}"
    parts = []
    for key, item in value.items():
        if isinstance(item, bool):
            text = "true" if item else "false"
        elif isinstance(item, list):
            text = "[" + ", ".join(toml_string(str(i)) for i in item) + "]"
        else:
            text = toml_string(str(item))
        parts.append(f"{key} = {text}")
    return f"{name} = {{ {', '.join(parts)} }}"


def uses_types(spec: ir.Spec) -> bool:
    """Return whether the signatures name a spec type, a map, or raise an error."""
    refs = [p.type for f in spec.functions for p in f.params]
    refs += [f.returns for f in spec.functions]
    return any(f.raises for f in spec.functions) or any(
        (r.kind == "named" and r.spec is None) or r.kind == "map"
        for top in refs
        for r in _walk(top)
    )


def has_float_default(spec: ir.Spec) -> bool:
    """Return whether a field default holds a float (clippy may take it for a constant)."""
    fields = [f for t in spec.types for f in getattr(t, "fields", [])]
    fields += [
        f for t in spec.types for tag in getattr(t, "tags", []) for f in tag.fields
    ]
    return any(f.default is not None and _floats(f.default) for f in fields)


def _floats(value: ir.Value) -> bool:
    if isinstance(value, ir.FloatValue):
        return True
    inner = [*getattr(value, "items", []), *getattr(value, "fields", [])]
    inner += [x for e in getattr(value, "entries", []) for x in (e.key, e.value)]
    return any(_floats(getattr(i, "value", i)) for i in inner)


def all_refs(spec: ir.Spec) -> Iterable[ir.TypeRef]:
    """Yield every type written anywhere in the spec, and the types inside them."""
    tops = [p.type for f in spec.functions for p in f.params]
    tops += [f.returns for f in spec.functions]
    for t in spec.types:
        if isinstance(t, ir.Alias):
            tops.append(t.target)
        tops += [f.type for f in getattr(t, "fields", [])]
        tops += [f.type for tag in getattr(t, "tags", []) for f in tag.fields]
    for top in tops:
        yield from _walk(top)


def _walk(ref: ir.TypeRef) -> Iterable[ir.TypeRef]:
    yield ref
    for arg in ref.args:
        yield from _walk(arg)
