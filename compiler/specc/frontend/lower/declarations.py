"""Declaration drafts to IR types and functions, with their defaults type-checked."""

from __future__ import annotations

from typing import TypedDict

from specc import ir
from specc.frontend.check import Checker
from specc.frontend.idl import DeclDraft, FieldDraft
from specc.source import Span


class _Common(TypedDict):
    """What every IR declaration takes from its draft."""

    name: str
    doc: str
    rule: str | None
    span: Span


def ir_declarations(
    decls: list[DeclDraft], checker: Checker
) -> tuple[list[ir.TypeDecl], list[ir.Function]]:
    """Build the IR declarations (the first of duplicates), with defaults type-checked."""
    types: list[ir.TypeDecl] = []
    functions: list[ir.Function] = []
    seen: set[tuple[str, str]] = set()
    for d in decls:
        key = ("fn" if d.kind == "function" else "type", d.name)
        if key in seen:
            continue
        seen.add(key)
        common = _Common(name=d.name, doc=d.doc, rule=d.rule, span=d.span)
        if d.kind == "alias":
            assert d.target is not None  # the parser always reads one
            types.append(ir.Alias(target=d.target, **common))
        elif d.kind == "enum":
            types.append(ir.Enum(members=d.members, **common))
        elif d.kind == "record":
            types.append(ir.Record(fields=_fields(d.fields, checker), **common))
        elif d.kind == "variant":
            tags = [
                ir.VariantTag(
                    name=t.name,
                    doc=t.doc,
                    span=t.span,
                    fields=_fields(t.fields, checker),
                )
                for t in d.tags
            ]
            types.append(ir.Variant(tags=tags, **common))
        elif d.kind == "error":
            fields = _fields(d.fields, checker)
            types.append(ir.Error(message=d.message, fields=fields, **common))
        else:
            assert d.returns is not None  # the parser always reads one
            functions.append(
                ir.Function(
                    params=_fields(d.fields, checker),
                    returns=d.returns,
                    raises=[u.name for u in d.raises],
                    **common,
                )
            )
    return types, functions


def _fields(drafts: list[FieldDraft], checker: Checker) -> list[ir.Field]:
    """Build IR fields with their checked defaults (`none` for optionals)."""
    out = []
    for f in drafts:
        default = checker.default(f)
        out.append(
            ir.Field(
                name=f.name,
                type=f.type,
                default=default if isinstance(default, ir.ValueBase) else None,
                doc=f.doc,
                span=f.span,
            )
        )
    return out
