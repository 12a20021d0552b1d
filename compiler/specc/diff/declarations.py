"""Compare the declarations of two versions of a spec: types, their fields, signatures."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

from specc import ir
from specc.diff.changes import Bump, Recorder
from specc.records.data import to_data
from specc.source import Span

Declaration: TypeAlias = (
    ir.Alias | ir.Enum | ir.Record | ir.Variant | ir.Error | ir.Function
)


class DeclarationDiffer(Recorder):
    """Records what changed in each type and function, matched by name."""

    def declarations(self) -> None:
        """Record the declarations removed, added, and changed."""
        old: dict[str, Declaration] = {
            d.name: d for d in [*self.old.types, *self.old.functions]
        }
        new: dict[str, Declaration] = {
            d.name: d for d in [*self.new.types, *self.new.functions]
        }
        for name, decl in old.items():
            if name not in new:
                message = f"{decl.kind} `{name}` removed"
                self.add("declaration-removed", name, message, "major", decl.span)
        for name, decl in new.items():
            if name not in old:
                message = f"{decl.kind} `{name}` added"
                self.add("declaration-added", name, message, "minor", decl.span)
            else:
                self.declaration(old[name], decl)

    def declaration(self, old: Declaration, new: Declaration) -> None:
        """Record the changes to one declaration kept under the same name."""
        name = new.name
        if old.kind != new.kind:
            message = f"`{name}` was {old.kind}, is now {new.kind}"
            self.add("declaration-changed", name, message, "major", new.span)
            return
        if old.doc != new.doc:
            self.add(
                "declaration-doc", name, f"`{name}`: doc changed", "patch", new.span
            )
        if isinstance(old, ir.Function) and isinstance(new, ir.Function):
            self.function(old, new)
        elif isinstance(old, ir.Alias) and isinstance(new, ir.Alias):
            if str(old.target) != str(new.target):
                message = f"type `{name}` = {old.target} is now {new.target}"
                self.add("declaration-changed", name, message, "major", new.span)
        elif isinstance(old, ir.Enum) and isinstance(new, ir.Enum):
            self.members(name, "member", old.members, new.members, new.span)
        elif isinstance(old, ir.Variant) and isinstance(new, ir.Variant):
            self.members(name, "tag", old.tags, new.tags, new.span)
            tags = {t.name: t for t in old.tags}
            for tag in new.tags:
                if tag.name in tags:
                    owner = f"{name}.{tag.name}"
                    self.fields(owner, tags[tag.name].fields, tag.fields, tag.span)
        elif isinstance(old, (ir.Record, ir.Error)) and isinstance(
            new, (ir.Record, ir.Error)
        ):
            self.fields(name, old.fields, new.fields, new.span)
            if isinstance(old, ir.Error) and isinstance(new, ir.Error):
                if old.message != new.message:
                    message = f"error `{name}`: message changed"
                    self.add("declaration-changed", name, message, "patch", new.span)

    def function(self, old: ir.Function, new: ir.Function) -> None:
        """Record a function's changed parameters, result and errors."""
        name = new.name
        self.fields(name, old.params, new.params, new.span, params=True)
        if str(old.returns) != str(new.returns):
            message = f"`{name}` returns {new.returns}, was {old.returns}"
            self.add("signature-changed", name, message, "major", new.span)
        for error in new.raises:
            if error not in old.raises:
                message = f"`{name}` may now raise `{error}`"
                self.add("signature-changed", name, message, "major", new.span)
        for error in old.raises:
            if error not in new.raises:
                message = f"`{name}` no longer raises `{error}`"
                self.add("signature-changed", name, message, "minor", new.span)

    def members(
        self,
        owner: str,
        noun: str,
        old: Iterable[ir.EnumMember | ir.VariantTag],
        new: Iterable[ir.EnumMember | ir.VariantTag],
        span: Span,
    ) -> None:
        """Record the enum members or variant tags removed and added."""
        before, after = [m.name for m in old], [m.name for m in new]
        for member in before:
            if member not in after:
                message = f"{noun} `{member}` removed"
                self.add("member-removed", owner, message, "major", span)
        for member in after:
            if member not in before:
                # Generated Rust and TypeScript match exhaustively, so a new member
                # stops code that handled every old one from compiling.
                message = f"{noun} `{member}` added"
                self.add("member-added", owner, message, "major", span)

    def fields(
        self,
        owner: str,
        old: list[ir.Field],
        new: list[ir.Field],
        span: Span,
        params: bool = False,
    ) -> None:
        """Record the fields (or with ``params``, parameters) removed, added, changed."""
        noun = "parameter" if params else "field"
        kind = "signature-changed" if params else "field-changed"
        before = {f.name: f for f in old}
        after = {f.name: f for f in new}
        for name in before:
            if name not in after:
                message = f"{noun} `{name}` removed"
                self.add(kind, owner, message, "major", span)
        for name, f in after.items():
            if name not in before:
                optional = not params and not f.required
                message = f"{'optional ' if optional else ''}{noun} `{name}` added"
                self.add(kind, owner, message, "minor" if optional else "major", f.span)
                continue
            self.field(owner, noun, kind, before[name], f)
        common = [n for n in before if n in after]
        if params and common != [n for n in after if n in before]:
            message = "parameters reordered"
            self.add(kind, owner, message, "major", span)

    def field(
        self, owner: str, noun: str, kind: str, old: ir.Field, new: ir.Field
    ) -> None:
        """Record one field's changed type, else default, else doc."""
        where = f"{noun} `{new.name}`"
        if str(old.type) != str(new.type):
            message = f"{where} is {new.type}, was {old.type}"
            self.add(kind, owner, message, "major", new.span)
        elif _dump(old.default) != _dump(new.default):
            bump: Bump = "minor" if old.default is None else "major"
            message = f"{where}: default " + (
                "added" if old.default is None else "changed or removed"
            )
            self.add(kind, owner, message, bump, new.span)
        elif old.doc != new.doc:
            self.add(kind, owner, f"{where}: doc changed", "patch", new.span)


def _dump(value: object) -> object:
    """Return a default value as plain data, so two can be compared."""
    return to_data(value) if isinstance(value, ir.Node) else value
