"""The checker: names resolved across one spec, declarations checked, examples typed.

`Checker` is the one object the lowerer uses. Behind it, by what each checks:
`scope` (the declared names and the report), `resolve` (alias expansion),
`declarations`, `values` (a value as read, typed against its expected type)
`examples` (a call against its function's signature) and `properties`
(`forall` lines).
"""

from __future__ import annotations

from specc import ir
from specc.frontend.check.declarations import DeclarationChecker
from specc.frontend.check.examples import ExampleChecker
from specc.frontend.check.properties import PropertyChecker
from specc.frontend.check.resolve import Resolver
from specc.frontend.check.scope import Report, Scope
from specc.frontend.check.typed import TypedExample, TypedReader
from specc.frontend.check.values import UNUSABLE, Unusable, ValueChecker
from specc.frontend.idl import DeclDraft, FieldDraft
from specc.frontend.values import RawExample, RawProperty

__all__ = ["UNUSABLE", "Checker", "Unusable"]


class Checker:
    """Resolves names across one spec and turns raw values into typed IR values."""

    def __init__(self, path: str, report: Report) -> None:
        scope = Scope(path, report)
        resolver = Resolver(scope.types)
        values = ValueChecker(scope, resolver)
        self._declarations = DeclarationChecker(scope, resolver)
        self._values = values
        self._examples = ExampleChecker(scope, resolver, values)
        self._properties = PropertyChecker(scope, resolver, values)
        self._typed = TypedReader(scope, resolver, values)

    def import_types(self, drafts: list[DeclDraft], names: list[str]) -> None:
        """Enter other specs' types under their qualified names, and note ``names``
        (those `use` brings in) for suggestions."""
        scope = self._declarations.scope
        for draft in drafts:
            scope.types[f"{draft.spec}.{draft.name}"] = draft
        scope.imported = names

    def declare(self, decls: list[DeclDraft]) -> None:
        """Enter every declaration in the symbol tables, reporting duplicates."""
        self._declarations.declare(decls)

    def check_declarations(self, decls: list[DeclDraft]) -> None:
        """Check type uses, member uniqueness, map keys, alias cycles and raises."""
        self._declarations.check(decls)

    def default(self, draft: FieldDraft) -> ir.Value | Unusable | None:
        """Return a field's checked default (see `ValueChecker.default`)."""
        return self._values.default(draft)

    def example(
        self, raw: RawExample, rule: str | None, index: int
    ) -> ir.Example | None:
        """Type-check one example line against its function's signature."""
        return self._examples.example(raw, rule, index)

    def property(
        self, raw: RawProperty, rule: str | None, index: int
    ) -> ir.Property | None:
        """Type-check one `forall` line: its variables' types and its checks."""
        return self._properties.property(raw, rule, index)

    def typed_example(
        self, text: str, start: int, end: int, line: int, col: int
    ) -> TypedExample | None:
        """Read and type one example line in one walk, or None to read it the usual
        way (see `specc.frontend.check.typed`)."""
        return self._typed.example(text, start, end, line, col)
