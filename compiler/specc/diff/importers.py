"""Which specs of a project import the declarations a spec's breaking changes touch.

Another spec imports a type by `use billing.{Money}` or names it qualified,
`billing.Money`; both are read again from its `specc` blocks (the IR keeps
what they resolve to, not where they are written). A removed or renamed spec
touches every spec that lists it in `uses`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from specc import ir
from specc.diff.changes import Importer
from specc.diff.versions import SpecDiff
from specc.frontend.idl import UseDraft, parse_declarations
from specc.source import SourceFile

_TOUCHING = {
    "declaration-removed",
    "declaration-changed",
    "member-removed",
    "member-added",
    "field-changed",
}
"""Kinds of change to a type, which another spec may import; the subject is
the type's name, or `Variant.tag` for the fields of a tag."""
_WHOLE = {"spec-removed", "spec-renamed"}


def find_importers(
    diff: SpecDiff, project: Sequence[tuple[ir.Spec, SourceFile | None]]
) -> list[Importer]:
    """Return where the specs of ``project`` import what ``diff``'s breaking changes touch."""
    breaking = [c for c in diff.changes if c.breaking]
    touched = {c.subject.split(".")[0] for c in breaking if c.kind in _TOUCHING}
    whole = any(c.kind in _WHOLE for c in breaking)
    if not touched and not whole:
        return []
    target = diff.former or diff.spec
    found: dict[tuple[str, str, int, str], Importer] = {}
    for spec, source in project:
        if spec.id == target or not any(u.spec == target for u in spec.uses):
            continue
        for name, how, path, line in _references(spec, source, target):
            if (whole and not name) or (name and name in touched):
                found.setdefault(
                    (spec.id, path, line, how), Importer(spec.id, name, how, path, line)
                )
    return sorted(found.values(), key=lambda i: (i.spec, i.path, i.line, i.how))


def _references(
    spec: ir.Spec, source: SourceFile | None, target: str
) -> Iterator[tuple[str, str, str, int]]:
    """Yield (name, how, path, line) for each place ``spec`` names spec ``target``."""
    for use in spec.uses:
        if use.spec == target:
            yield "", f"uses {target}", use.span.path, use.span.line
    if source is None:
        return
    blocks = [*spec.preamble, *(b for s in spec.walk() for b in s.content)]
    for block in blocks:
        if not isinstance(block, ir.Declarations):
            continue
        first = block.span.line
        text = source.line(first)
        indent = len(text) - len(text.lstrip(" "))
        statements: list[UseDraft] = []
        drafts, _ = parse_declarations(
            spec.path, block.source, first + 1, indent + 1, imports=statements
        )
        for statement in statements:
            if statement.spec == target:
                for name in statement.names:
                    how = f"use {target}.{name.name}"
                    yield name.name, how, name.span.path, name.span.line
        for draft in drafts:
            for named in [*draft.type_uses, *draft.raises]:
                if named.spec == target:
                    how = f"{target}.{named.name}"
                    yield named.name, how, named.span.path, named.span.line
