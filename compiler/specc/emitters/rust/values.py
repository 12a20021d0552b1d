"""Typed IR values as Rust expressions: the layout models `layout` prints.

The conformance tests render every example's values (70 000 value nodes at
N = 1000 full), so the renderer takes the direct way where it can: a value's
kind picks its method from a table, the scalars it has rendered are looked up
inline (as `code.remembered` does), and what a record's values need of its
declaration (names, required and boxed fields) is found once per record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from specc import ir
from specc.diagnostics import Diagnostic
from specc.emitters import code
from specc.emitters.rust import layout
from specc.emitters.rust.model import Names, TypeFacts, rust_string

_NAMED = frozenset({"enum", "record", "variant"})
"""Value kinds that name a type, which another spec may declare."""

_SCALARS = code.SCALAR_KINDS


class _Record:
    """What rendering a record's values needs of its declaration, found once."""

    __slots__ = (
        "decl",
        "name",
        "names",
        "by_name",
        "required",
        "optional",
        "boxed",
        "all_required",
    )

    def __init__(self, values: RsValues, record: str) -> None:
        decl = values.spec.type(record)
        assert isinstance(decl, ir.Record)
        facts = values.facts
        self.decl = decl
        self.name = values.prefix + values.names.types[record]
        self.names: dict[str, str] = values.names.fields[record]
        self.by_name = {f.name: f for f in decl.fields}
        self.required = [f for f in decl.fields if facts.required(f)]
        self.optional = frozenset(f.name for f in decl.fields if not facts.required(f))
        """Fields `Rec::new` does not take (set after it, when given)."""
        self.boxed = frozenset(f.name for f in decl.fields if facts.boxed(record, f))
        """Fields held in a `Box` (which `RsValues.field` wraps)."""
        self.all_required = len(self.required) == len(decl.fields)
        """Whether `Rec::new` takes every field (a struct literal then says all)."""


class RsValues:
    """Typed IR values as Rust expressions (layout models, printed by `layout`).

    It dispatches as `code.ValueRenderer` does, one `render_<kind>` method per
    value kind, but returns layout models rather than text.
    """

    def __init__(
        self,
        spec: ir.Spec,
        names: Names,
        facts: TypeFacts,
        problems: list[Diagnostic],
        used: dict[str, RsValues] | None = None,
    ) -> None:
        self.spec, self.names, self.facts, self.problems = spec, names, facts, problems
        self.span = spec.sections[0].span if spec.sections else None
        self.prefix = ""
        """How this crate names the spec's types: `common::` when they are another's."""
        self._used: dict[str, RsValues] = {} if used is None else used  # as Names'
        self._records: dict[str, _Record] = {}
        """What `render_record` needs of each record, by name."""
        self._scalars: dict[int, tuple[ir.Value, layout.Expr]] = {}
        """What each scalar node was rendered as, by the node's identity."""
        self.spec_id = spec.id
        self._members: dict[tuple[str, str], layout.Atom] = {}
        """Each enum member's path, made once."""

    def of(self, spec_id: str) -> RsValues:
        """Return the renderer of another spec's values, which names its crate."""
        if spec_id not in self._used:
            facts = self.facts.of(spec_id)
            used = RsValues(facts.spec, facts.names, facts, self.problems, self._used)
            used.prefix = f"{facts.names.crate}::"
            self._used[spec_id] = used
        return self._used[spec_id]

    def __call__(self, value: ir.Value) -> layout.Expr:
        """Render a value, wrapped in `Some` where its position is optional.

        A scalar node is rendered once (the front end makes each scalar of a
        spec once, however often it is written): `code.remembered`, inlined.
        The rest is `plain` and its `Some`, written out (70 000 calls).
        """
        kind = value.kind
        if kind in _SCALARS:
            known = self._scalars.get(id(value))
            if known is not None and known[0] is value:
                return known[1]
            made = _RENDERS[kind](self, value)
            if value.type.kind == "optional" and kind != "none":
                made = layout.Call("Some", (made,))
            self._scalars[id(value)] = (value, made)
            return made
        optional = value.type.kind == "optional"
        if kind in _NAMED:
            named = value.type.args[0] if optional else value.type
            other = named.spec
            if other is not None and other != self.spec_id:
                made = self.of(other).plain(value)
            else:
                made = _RENDERS[kind](self, value)
        else:
            made = _RENDERS[kind](self, value)
        return layout.Call("Some", (made,)) if optional else made

    def plain(self, value: ir.Value) -> layout.Expr:
        """Render a value without the `Some` its position may need."""
        if value.kind in _NAMED:
            named = value.type.args[0] if value.type.kind == "optional" else value.type
            other = code.foreign(self.spec, named)
            if other is not None:
                return self.of(other).plain(value)
        return _RENDERS[value.kind](self, value)

    def render_bool(self, v: ir.BoolValue) -> layout.Expr:
        return layout.Atom("true" if v.value else "false")

    def render_int(self, v: ir.IntValue) -> layout.Expr:
        if v.value == -(2**63):
            return layout.Atom("i64::MIN", simple=False)
        return layout.Atom(str(v.value))

    def render_float(self, v: ir.FloatValue) -> layout.Expr:
        text = code.float_literal(v.value)
        special = {"inf": "INFINITY", "-inf": "NEG_INFINITY", "nan": "NAN"}
        if text in special:
            return layout.Atom(f"f64::{special[text]}", simple=False)
        return layout.Atom(text)

    def render_string(self, v: ir.StringValue) -> layout.Expr:
        return layout.Call("String::from", (layout.Atom(rust_string(v.value)),))

    def render_bytes(self, v: ir.BytesValue) -> layout.Expr:
        return layout.Array(tuple(layout.Atom(str(b)) for b in v.value), "vec!")

    def render_none(self, v: ir.NoneValue) -> layout.Expr:
        return layout.Atom("None")

    def render_list(self, v: ir.ListValue) -> layout.Expr:
        return layout.Array(tuple([self(i) for i in v.items]), "vec!")

    def render_map(self, v: ir.MapValue) -> layout.Expr:
        if not v.entries:
            return layout.Atom("BTreeMap::new()", simple=False)
        pairs = tuple(layout.Tuple((self(e.key), self(e.value))) for e in v.entries)
        return layout.Call("BTreeMap::from", (layout.Array(pairs),))

    def render_enum(self, v: ir.EnumValue) -> layout.Expr:
        """Return the member's path: one node for all its values, as a scalar's."""
        atom = self._members.get((v.enum, v.member))
        if atom is None:
            member = self.names.members[v.enum][v.member]
            path = f"{self.prefix}{self.names.types[v.enum]}::{member}"
            atom = self._members[(v.enum, v.member)] = layout.Atom(path, simple=False)
        return atom

    def field(
        self, owner: str, f: ir.Field, value: ir.Value, tag: str = ""
    ) -> layout.Expr:
        """Return a field's value, boxed as the field's type is."""
        if not self.facts.boxed(owner, f, tag):
            return self(value)
        if f.type.kind == "optional":
            if value.kind == "none":
                return layout.Atom("None")
            return layout.Call("Some", (layout.Call("Box::new", (self.plain(value),)),))
        return layout.Call("Box::new", (self(value),))

    def default(self, owner: str, f: ir.Field) -> layout.Expr:
        """Return a field's default value (an optional without one is `None`)."""
        if f.default is None:
            return layout.Atom("None")
        return self.field(owner, f, f.default)

    def _pairs(
        self, v: ir.RecordValue, shape: _Record, given: list[ir.FieldValue]
    ) -> tuple[tuple[str, layout.Expr], ...]:
        """Return `(name, value)` of the given fields, boxed as `field` boxes them."""
        names = shape.names
        if not shape.boxed:  # `field` is then the value itself
            return tuple([(names[f.name], self(f.value)) for f in given])
        field, by_name = self.field, shape.by_name
        return tuple(
            [(names[f.name], field(v.record, by_name[f.name], f.value)) for f in given]
        )

    def render_record(self, v: ir.RecordValue) -> layout.Expr:
        shape = self._records.get(v.record)
        if shape is None:
            shape = self._records[v.record] = _Record(self, v.record)
        name, required, fields = shape.name, shape.required, v.fields
        if shape.all_required or False not in [f.explicit for f in fields]:
            return layout.Struct(name, self._pairs(v, shape, fields))
        if not required:
            explicit = [f for f in fields if f.explicit]
            if not explicit:
                return layout.Atom(f"{name}::default()", simple=False)
            base = layout.Atom("Default::default()", simple=False)
            return layout.Struct(name, self._pairs(v, shape, explicit), base)
        given = {f.name: f.value for f in fields}
        if shape.boxed:
            field = self.field
            args = [field(v.record, f, given[f.name]) for f in required]
        else:  # `field` is then the value itself
            args = [self(given[f.name]) for f in required]
        new = layout.Call(f"{name}::new", tuple(args))
        optional = shape.optional
        others = [f for f in fields if f.explicit and f.name in optional]
        if not others:
            return new
        return layout.Struct(name, self._pairs(v, shape, others), new)

    def render_variant(self, v: ir.VariantValue) -> layout.Expr:
        decl = self.spec.type(v.variant)
        assert isinstance(decl, ir.Variant)
        tag = next(t for t in decl.tags if t.name == v.tag)
        variant = self.prefix + self.names.types[v.variant]
        path = f"{variant}::{self.names.tags[v.variant][v.tag]}"
        if not tag.fields:
            return layout.Atom(path, simple=False)
        names = self.names.tag_fields[(v.variant, v.tag)]
        by_name = {f.name: f for f in tag.fields}
        return layout.Struct(
            path,
            tuple(
                (names[f.name], self.field(v.variant, by_name[f.name], f.value, v.tag))
                for f in v.fields
            ),
        )

    def error(self, expected: ir.ExpectedError) -> layout.Expr:
        """Return the pattern-like value `expect_error!` checks a raised error against."""
        decl = self.spec.type(expected.error)
        assert isinstance(decl, ir.Error)
        path = f"{self.names.error_enum}::{self.names.errors[expected.error]}"
        if not decl.fields:
            return layout.Atom(path, simple=False)
        names = self.names.error_fields[expected.error]
        return layout.Struct(
            path, tuple((names[f.name], self(f.value)) for f in expected.fields)
        )


_RENDERS: dict[str, Callable[[RsValues, Any], layout.Expr]] = {
    name.removeprefix("render_"): getattr(RsValues, name)
    for name in dir(RsValues)
    if name.startswith("render_")
}
"""Each value kind's `RsValues.render_<kind>`, by kind."""
