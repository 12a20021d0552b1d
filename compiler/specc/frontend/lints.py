"""Review lints that `specc check --strict` adds: what the examples leave untested or unused."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from specc import ir
from specc.diagnostics import Diagnostic, sort_key


def review(spec: ir.Spec, used_elsewhere: Collection[str] = ()) -> list[Diagnostic]:
    """Return the review warnings (W104-W107) for a spec that compiled.

    ``used_elsewhere`` names this spec's types that other specs' declarations
    refer to (see `used_across`): they are part of its interface.
    """
    found = [
        *_untested_rules(spec),
        *_unraised_errors(spec),
        *_unused_members(spec),
        *_unreferenced(spec, used_elsewhere),
    ]
    return sorted(found, key=sort_key)


def _untested_rules(spec: ir.Spec) -> Iterator[Diagnostic]:
    """Warn about normative rules that no example or conversation illustrates."""
    covered = {e.rule for e in spec.examples()} | {c.rule for c in spec.conversations()}
    for rule in spec.rules():
        strengths = sorted({s.strength for s in rule.statements if s.strength})
        if strengths and rule.id not in covered:
            yield Diagnostic(
                "W104",
                f"rule `{rule.id}` says {', '.join(strengths)} but has no example "
                "or conversation",
                rule.span,
                "add an ```examples block or an **Example**: conversation under it",
            )


def _unraised_errors(spec: ir.Spec) -> Iterator[Diagnostic]:
    """Warn about error types that no example expects."""
    raised = {e.raises.error for e in spec.examples() if e.raises is not None}
    for decl in spec.types:
        if isinstance(decl, ir.Error) and decl.name not in raised:
            yield Diagnostic(
                "W105",
                f"no example raises error `{decl.name}`",
                decl.span,
                f"add an example line `… raises {decl.name}`",
            )


def _unused_members(spec: ir.Spec) -> Iterator[Diagnostic]:
    """Warn about enum members that appear in no example's values."""
    used = {(v.enum, v.member) for e in spec.examples() for v in _example_values(e)}
    for decl in spec.types:
        if not isinstance(decl, ir.Enum):
            continue
        for member in decl.members:
            if (decl.name, member.name) not in used:
                yield Diagnostic(
                    "W106",
                    f"no example uses `{member.name}` of enum `{decl.name}`",
                    member.span,
                    "add an example whose arguments or result hold it",
                )


def _example_values(example: ir.Example) -> Iterator[ir.EnumValue]:
    """Yield every enum value in an example's arguments, result and expected error."""
    roots: list[ir.Value] = list(example.args)
    if example.result is not None:
        roots.append(example.result)
    if example.raises is not None:
        roots.extend(f.value for f in example.raises.fields)
    stack = roots
    while stack:
        value = stack.pop()
        if isinstance(value, ir.EnumValue):
            yield value
        elif isinstance(value, ir.ListValue):
            stack.extend(value.items)
        elif isinstance(value, ir.MapValue):
            stack.extend(x for entry in value.entries for x in (entry.key, entry.value))
        elif isinstance(value, (ir.RecordValue, ir.VariantValue)):
            stack.extend(f.value for f in value.fields)


def used_across(specs: Iterable[ir.Spec]) -> dict[str, set[str]]:
    """Return, per spec id, the names of its types that the specs' declarations use."""
    used: dict[str, set[str]] = {}
    for spec in specs:
        refs = [
            r
            for fn in spec.functions
            for r in (*(p.type for p in fn.params), fn.returns)
        ]
        refs += [r for decl in spec.types for r in _type_refs(decl)]
        for ref in refs:
            for owner, name in _qualified(ref):
                used.setdefault(owner, set()).add(name)
    return used


def _unreferenced(
    spec: ir.Spec, used_elsewhere: Collection[str]
) -> Iterator[Diagnostic]:
    """Warn about types that no function's signature reaches, directly or through types.

    A type another spec uses counts as reached, and so does what it reaches.
    """
    if not spec.functions:
        return  # a spec of types alone: its types are its interface
    reached: set[str] = set()
    stack = [n for fn in spec.functions for n in _function_names(fn)]
    stack += used_elsewhere
    while stack:
        name = stack.pop()
        if name in reached:
            continue
        reached.add(name)
        decl = spec.type(name)
        if decl is not None:
            stack.extend(_type_names(decl))
    for decl in spec.types:
        if decl.name not in reached:
            yield Diagnostic(
                "W107",
                f"{decl.kind} `{decl.name}` is never referenced by a function",
                decl.span,
                "use it in a signature, or remove it",
            )


def _function_names(fn: ir.Function) -> list[str]:
    refs = [p.type for p in fn.params] + [fn.returns]
    return [n for ref in refs for n in _named(ref)] + list(fn.raises)


def _type_names(decl: ir.TypeDecl) -> list[str]:
    return [n for ref in _type_refs(decl) for n in _named(ref)]


def _type_refs(decl: ir.TypeDecl) -> list[ir.TypeRef]:
    if isinstance(decl, ir.Alias):
        return [decl.target]
    if isinstance(decl, ir.Variant):
        return [f.type for tag in decl.tags for f in tag.fields]
    if isinstance(decl, (ir.Record, ir.Error)):
        return [f.type for f in decl.fields]
    return []


def _named(ref: ir.TypeRef) -> list[str]:
    """Return the names of this spec's types that ``ref`` mentions."""
    if ref.kind == "named":
        return [str(ref.name)] if ref.spec is None else []
    return [n for arg in ref.args for n in _named(arg)]


def _qualified(ref: ir.TypeRef) -> list[tuple[str, str]]:
    """Return (spec, name) of each other spec's type that ``ref`` mentions."""
    if ref.kind == "named":
        return [(ref.spec, str(ref.name))] if ref.spec is not None else []
    return [q for arg in ref.args for q in _qualified(arg)]
