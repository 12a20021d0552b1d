"""The outline of a spec: sections and rules, and the types and functions declared in each."""

from __future__ import annotations

from lsprotocol import types

from specc import ir
from specc.lsp.text import Text

_KINDS = {
    "alias": types.SymbolKind.TypeParameter,
    "enum": types.SymbolKind.Enum,
    "record": types.SymbolKind.Struct,
    "variant": types.SymbolKind.Class,
    "error": types.SymbolKind.Event,
    "function": types.SymbolKind.Function,
}


def outline(spec: ir.Spec, text: Text) -> list[types.DocumentSymbol]:
    """Return the document's symbols, nested as its sections are."""
    decls: dict[str, ir.TypeDecl | ir.Function] = {}
    for decl in [*spec.types, *spec.functions]:
        decls.setdefault(decl.name, decl)
    top = [_declarations(b, decls, text) for b in spec.preamble]
    return [s for group in top for s in group] + [
        _section(s, decls, text) for s in spec.sections
    ]


def _last_line(section: ir.Section) -> int:
    """Return the last line (1-based) a section and its subsections cover."""
    ends = [section.span.line]
    ends += [b.span.end_line or b.span.line for b in section.content]
    ends += [_last_line(s) for s in section.sections]
    return max(ends)


def _section(
    section: ir.Section, decls: dict[str, ir.TypeDecl | ir.Function], text: Text
) -> types.DocumentSymbol:
    line = section.span.line - 1
    heading = text.range(
        line, 0, line, len(text.lines[line]) if line < len(text.lines) else 0
    )
    end = _last_line(section) - 1
    children = [s for b in section.content for s in _declarations(b, decls, text)]
    children += [_section(s, decls, text) for s in section.sections]
    return types.DocumentSymbol(
        name=section.title or "(untitled)",
        detail=f"#{section.id}" if section.id else None,
        kind=types.SymbolKind.Namespace if section.id else types.SymbolKind.String,
        range=text.range(
            line, 0, end, len(text.lines[end]) if end < len(text.lines) else 0
        ),
        selection_range=heading,
        children=children,
    )


def _declarations(
    block: ir.Block, decls: dict[str, ir.TypeDecl | ir.Function], text: Text
) -> list[types.DocumentSymbol]:
    """Return the symbols of the declarations a `specc` block holds."""
    if not isinstance(block, ir.Declarations):
        return []
    found = []
    for name in block.names:
        decl = decls.get(name)
        if decl is None or not block.span.line <= decl.span.line <= (
            block.span.end_line or 0
        ):
            continue
        name_range = text.span_range(decl.span)
        children = _members(decl, text)
        end = max([name_range.end, *(c.range.end for c in children)], key=_key)
        found.append(
            types.DocumentSymbol(
                name=decl.name,
                kind=_KINDS[decl.kind],
                range=types.Range(name_range.start, end),
                selection_range=name_range,
                detail=decl.kind if decl.kind != "function" else f"-> {decl.returns}",
                children=children,
            )
        )
    return found


def _members(decl: ir.TypeDecl | ir.Function, text: Text) -> list[types.DocumentSymbol]:
    """Return the symbols of an enum's members, a record's fields or a variant's tags."""
    members: list[
        tuple[str, ir.Field | ir.EnumMember | ir.VariantTag, types.SymbolKind]
    ] = []
    if isinstance(decl, ir.Enum):
        members = [(m.name, m, types.SymbolKind.EnumMember) for m in decl.members]
    elif isinstance(decl, (ir.Record, ir.Error)):
        members = [(f.name, f, types.SymbolKind.Field) for f in decl.fields]
    elif isinstance(decl, ir.Variant):
        members = [(t.name, t, types.SymbolKind.EnumMember) for t in decl.tags]
    return [
        types.DocumentSymbol(
            name=name,
            kind=kind,
            range=text.span_range(m.span),
            selection_range=text.span_range(m.span),
            detail=str(m.type) if isinstance(m, ir.Field) else None,
        )
        for name, m, kind in members
    ]


def _key(position: types.Position) -> tuple[int, int]:
    return position.line, position.character
