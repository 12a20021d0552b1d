"""Name resolution: a type with its aliases expanded, within the nesting limit."""

from __future__ import annotations

from specc import ir
from specc.frontend.idl import DeclDraft
from specc.frontend.lexer import MAX_NESTING


class TooDeep(Exception):
    """Raised when expanding aliases nests a type deeper than `MAX_NESTING`."""


class Resolver:
    """Expands aliases in type references, caching each name's expansion."""

    def __init__(self, types: dict[str, DeclDraft]) -> None:
        self.types = types
        """The spec's type declarations (shared with the scope, filled before use)."""
        self._resolved: dict[str, ir.TypeRef | None] = {}

    def resolve(
        self, ref: ir.TypeRef, seen: frozenset[str] = frozenset()
    ) -> ir.TypeRef | None:
        """Return ``ref`` with every alias expanded; None if a name is unknown (or too deep)."""
        try:
            return self._expand(ref, seen, 1)
        except TooDeep:
            return None

    def past_limit(self, name: str) -> bool:
        """Return whether a name nests past the limit once its aliases are expanded."""
        try:
            self._expand_name(name, frozenset(), 1)
        except TooDeep:
            return True
        return False

    def _expand_name(
        self, name: str, seen: frozenset[str], depth: int
    ) -> ir.TypeRef | None:
        """Expand a name at nesting ``depth``; raise `TooDeep` past `MAX_NESTING`."""
        chain: list[str] = []
        while name not in self._resolved:  # follow plain aliases without recursing
            decl = self.types.get(name)
            if decl is None or name in seen or name in chain:
                result: ir.TypeRef | None = None
            elif decl.kind != "alias":
                result = ir.TypeRef(kind="named", name=name)
            else:
                assert decl.target is not None
                if decl.target.kind == "named":
                    chain.append(name)
                    name = str(decl.target.name)
                    continue
                result = self._expand(decl.target, seen | {name, *chain}, depth)
            self._resolved[name] = result
            break
        result = self._resolved[name]
        for alias in chain:
            self._resolved[alias] = result
        if result is not None and depth - 1 + height(result) > MAX_NESTING:
            raise TooDeep()
        return result

    def _expand(
        self, ref: ir.TypeRef, seen: frozenset[str], depth: int
    ) -> ir.TypeRef | None:
        if depth > MAX_NESTING:
            raise TooDeep()
        if ref.kind == "primitive":
            return ref
        if ref.kind == "named":
            return self._expand_name(str(ref.name), seen, depth)
        # Expand every argument before giving up: a later one may be too deep.
        args = [self._expand(a, seen, depth + 1) for a in ref.args]
        expanded = [a for a in args if a is not None]
        if len(expanded) != len(args):
            return None
        return ir.TypeRef(kind=ref.kind, args=expanded)


def names(ref: ir.TypeRef) -> list[str]:
    """Return every declaration name a type mentions."""
    if ref.kind == "named":
        return [str(ref.name)]
    return [n for a in ref.args for n in names(a)]


def height(ref: ir.TypeRef) -> int:
    """Return how many levels a type nests (a primitive or a name is one)."""
    return 1 + max((height(a) for a in ref.args), default=0)
