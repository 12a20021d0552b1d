"""Declaration checks: duplicates, type uses, members, map keys, alias cycles, depth."""

from __future__ import annotations

from specc import ir
from specc.diagnostics import Related
from specc.frontend.check.resolve import Resolver, names, type_key
from specc.frontend.check.scope import Scope, suggest
from specc.frontend.idl import DeclDraft
from specc.frontend.lexer import MAX_NESTING
from specc.source import Span

MAP_KEY_PRIMITIVES = frozenset({"string", "int", "bool"})


class DeclarationChecker:
    """Enters one spec's declarations in its scope and checks what they name."""

    def __init__(self, scope: Scope, resolver: Resolver) -> None:
        self.scope = scope
        self.resolver = resolver
        self._deep: dict[int, tuple[ir.TypeRef, bool]] = {}
        """`_ref_too_deep` of each type as written, by identity (kept alive here):
        a spec writes each type once (`idl.TypeRefs`) and uses it in many fields."""

    def declare(self, decls: list[DeclDraft]) -> None:
        """Enter every declaration in the symbol tables, reporting duplicates."""
        for decl in decls:
            table = (
                self.scope.functions if decl.kind == "function" else self.scope.types
            )
            first = table.get(decl.name)
            if first is not None:
                self.scope.error_at(
                    "E041",
                    f"`{decl.name}` is declared twice",
                    decl.span,
                    f"first declared at line {first.span.line}",
                    (Related(first.span, f"`{decl.name}` is first declared here"),),
                )
                continue
            table[decl.name] = decl

    def check(self, decls: list[DeclDraft]) -> None:
        """Check type uses, member uniqueness, map keys, alias cycles and raises."""
        types = self.scope.types
        cyclic = aliases_on_cycles(types)
        for decl in decls:
            for use in decl.type_uses:
                if use.spec is None and use.name not in types:
                    self.scope.error_at(
                        "E042",
                        f"unknown type `{use.name}`",
                        use.span,
                        suggest(use.name, self.scope.visible_names()),
                    )
            members = (
                [(m.name, m.span) for m in decl.members]
                + [(f.name, f.span) for f in decl.fields]
                + [(t.name, t.span) for t in decl.tags]
            )
            self._unique(members, decl.name)
            for tag in decl.tags:
                self._unique([(f.name, f.span) for f in tag.fields], tag.name)
            for ref, span in _type_refs(decl):
                self._check_map_keys(ref, span)
                if decl.kind != "alias" and self._ref_too_deep(ref):
                    self.scope.error_at(
                        "E049",
                        f"`{ref}` nests deeper than {MAX_NESTING} levels once its "
                        "aliases are expanded",
                        span,
                    )
            if decl.kind == "alias" and decl.name in cyclic:
                self.scope.error_at(
                    "E047", f"type alias `{decl.name}` refers to itself", decl.span
                )
            elif self._too_deep(decl):
                self.scope.error_at(
                    "E049",
                    f"type `{decl.name}` nests deeper than {MAX_NESTING} levels "
                    "once its aliases are expanded",
                    decl.span,
                )
            for use in decl.raises:
                target = types.get(use.name)
                if target is None:
                    self.scope.error_at(
                        "E042",
                        f"unknown error `{use.name}`",
                        use.span,
                        suggest(use.name, self.scope.error_names()),
                    )
                elif target.kind != "error":
                    self.scope.error_at(
                        "E044",
                        f"`{use.name}` is a {target.kind}, not an error",
                        use.span,
                    )

    def _too_deep(self, decl: DeclDraft) -> bool:
        """Return whether an alias is the first on its path to nest past the limit."""
        if decl.kind != "alias" or decl.target is None:
            return False
        past_limit = self.resolver.past_limit
        return past_limit(decl.name) and not any(
            past_limit(n) for n in names(decl.target)
        )

    def _ref_too_deep(self, ref: ir.TypeRef) -> bool:
        """Return whether a field's or result's type nests past the limit through
        aliases, none of which is past it alone (that one is reported instead)."""
        known = self._deep.get(id(ref))
        if known is not None and known[0] is ref:
            return known[1]
        resolver = self.resolver
        deep = resolver.ref_past_limit(ref) and not any(
            resolver.past_limit(n) for n in names(ref)
        )
        self._deep[id(ref)] = (ref, deep)
        return deep

    def _unique(self, members: list[tuple[str, Span]], owner: str) -> None:
        """Report every member name that repeats an earlier one of ``owner``."""
        seen: dict[str, Span] = {}
        for name, span in members:
            if name in seen:
                self.scope.error_at(
                    "E043",
                    f"`{owner}` has two members named `{name}`",
                    span,
                    f"the first is at line {seen[name].line}",
                    (Related(seen[name], f"the first `{name}`"),),
                )
            else:
                seen[name] = span

    def _check_map_keys(self, ref: ir.TypeRef, span: Span) -> None:
        """Report each map in ``ref`` whose key is not a string, int, bool or enum."""
        for arg in ref.args:
            self._check_map_keys(arg, span)
        if ref.kind != "map":
            return
        key = self.resolver.resolve(ref.args[0])
        if key is None:
            return
        ok = (key.kind == "primitive" and key.name in MAP_KEY_PRIMITIVES) or (
            key.kind == "named" and self.scope.types[type_key(key)].kind == "enum"
        )
        if not ok:
            self.scope.error_at(
                "E048",
                f"`{ref.args[0]}` cannot be a map key",
                span,
                "use string, int, bool or an enum",
            )


def _type_refs(decl: DeclDraft) -> list[tuple[ir.TypeRef, Span]]:
    """Return every type a declaration's fields, target and result use, with a place."""
    refs = [(f.type, f.span) for f in decl.fields]
    refs += [(f.type, f.span) for t in decl.tags for f in t.fields]
    for ref in (decl.target, decl.returns):
        if ref is not None:
            refs.append((ref, decl.span))
    return refs


def aliases_on_cycles(types: dict[str, DeclDraft]) -> set[str]:
    """Return the aliases that reach themselves through alias targets.

    One depth-first walk (Tarjan's strongly connected components) over the
    graph from each alias to the names its target mentions: an alias is on a
    cycle when its component holds another alias, or it names itself.
    """
    edges = {
        name: names(decl.target)
        for name, decl in types.items()
        if decl.kind == "alias" and decl.target is not None
    }
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cyclic: set[str] = set()
    for root in edges:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        walk = [(root, iter(edges[root]))]
        while walk:
            name, pending = walk[-1]
            used = next(pending, None)
            if used is not None:
                if used not in edges:
                    continue  # not an alias: it leads nowhere
                if used not in order:
                    order[used] = low[used] = len(order)
                    stack.append(used)
                    on_stack.add(used)
                    walk.append((used, iter(edges[used])))
                elif used in on_stack:
                    low[name] = min(low[name], order[used])
                continue
            walk.pop()
            if walk:
                parent = walk[-1][0]
                low[parent] = min(low[parent], low[name])
            if low[name] != order[name]:
                continue
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == name:
                    break
            if len(component) > 1 or name in edges[name]:
                cyclic.update(component)
    return cyclic
