"""Name resolution: a type with its aliases expanded, within the nesting limit."""

from __future__ import annotations

from specc import ir
from specc.frontend.idl import DeclDraft
from specc.frontend.lexer import MAX_NESTING

Expanded = tuple[ir.TypeRef, int]
"""An alias-free type and how many levels it nests (see `height`)."""


def type_key(ref: ir.TypeRef) -> str:
    """Return the key of a named type in a scope: `Money`, or `billing.Money` if imported."""
    return str(ref.name) if ref.spec is None else f"{ref.spec}.{ref.name}"


class TooDeep(Exception):
    """Raised when expanding aliases nests a type deeper than `MAX_NESTING`."""


class Resolver:
    """Expands aliases in type references, caching each name's expansion."""

    def __init__(self, types: dict[str, DeclDraft]) -> None:
        self.types = types
        """The spec's type declarations by key (shared with the scope, filled before use)."""
        self._resolved: dict[str, Expanded | None] = {}
        """Each name's expansion with its height: aliases that share a target
        share its expansion, so a height is counted once, never per path."""
        self._refs: dict[int, tuple[ir.TypeRef, ir.TypeRef | None]] = {}
        """Each type as written (by identity, kept alive here) and its expansion:
        a field's type is resolved for every value given to it."""

    def resolve(
        self, ref: ir.TypeRef, seen: frozenset[str] = frozenset()
    ) -> ir.TypeRef | None:
        """Return ``ref`` with every alias expanded; None if a name is unknown (or too deep)."""
        known = self._refs.get(id(ref))
        if known is not None and known[0] is ref and not seen:
            return known[1]
        try:
            expanded = self._expand(ref, seen, 1)
        except TooDeep:
            expanded = None
        result = None if expanded is None else expanded[0]
        if not seen:
            self._refs[id(ref)] = (ref, result)
        return result

    def past_limit(self, name: str) -> bool:
        """Return whether a name nests past the limit once its aliases are expanded."""
        try:
            self._expand_name(name, frozenset(), 1)
        except TooDeep:
            return True
        return False

    def ref_past_limit(self, ref: ir.TypeRef) -> bool:
        """Return whether a type as written nests past the limit once aliases are expanded."""
        try:
            self._expand(ref, frozenset(), 1)
        except TooDeep:
            return True
        return False

    def _expand_name(
        self, name: str, seen: frozenset[str], depth: int
    ) -> Expanded | None:
        """Expand a name at nesting ``depth``; raise `TooDeep` past `MAX_NESTING`."""
        chain: dict[str, None] = {}  # the aliases followed, in order (a set)
        while name not in self._resolved:  # follow plain aliases without recursing
            decl = self.types.get(name)
            if decl is None or name in seen or name in chain:
                result: Expanded | None = None
            elif decl.kind != "alias":
                result = (
                    ir.TypeRef(kind="named", name=decl.name, spec=decl.spec),
                    1,
                )
            else:
                assert decl.target is not None
                if decl.target.kind == "named":
                    chain[name] = None
                    name = type_key(decl.target)
                    continue
                result = self._expand(decl.target, seen | {name, *chain}, depth)
            self._resolved[name] = result
            break
        result = self._resolved[name]
        for alias in chain:
            self._resolved[alias] = result
        if result is not None and depth - 1 + result[1] > MAX_NESTING:
            raise TooDeep()
        return result

    def _expand(
        self, ref: ir.TypeRef, seen: frozenset[str], depth: int
    ) -> Expanded | None:
        if depth > MAX_NESTING:
            raise TooDeep()
        if ref.kind == "primitive":
            return ref, 1
        if ref.kind == "named":
            return self._expand_name(type_key(ref), seen, depth)
        # Expand every argument before giving up: a later one may be too deep.
        args = [self._expand(a, seen, depth + 1) for a in ref.args]
        expanded = [a for a in args if a is not None]
        if len(expanded) != len(args):
            return None
        return (
            ir.TypeRef(kind=ref.kind, args=[a for a, _ in expanded]),
            1 + max((h for _, h in expanded), default=0),
        )


def names(ref: ir.TypeRef) -> list[str]:
    """Return the key of every declaration a type mentions."""
    if ref.kind == "named":
        return [type_key(ref)]
    return [n for a in ref.args for n in names(a)]
