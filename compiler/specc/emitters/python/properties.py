"""The Python target's property tests: the shared plan as hypothesis strategies."""

from __future__ import annotations

import json
from typing import NamedTuple

from specc import ir
from specc.emitters import code
from specc.emitters import properties as shared
from specc.emitters.python import layout
from specc.emitters.python.model import (
    Names,
    PyValues,
    discriminator,
    enum_members,
    fields_of,
    py_string,
)


class PyCheck(NamedTuple):
    """One `==` or `!=` of a property, as Python expressions."""

    op: str
    left: layout.Expr
    right: layout.Expr


class PyProperty(NamedTuple):
    """One property as a hypothesis test."""

    name: str
    title: str
    rule: str
    variables: tuple[tuple[str, str, layout.Expr, str], ...]
    """Each variable: its spec name, Python name, strategy and shape."""
    where: tuple[PyCheck, ...]
    check: PyCheck
    check_text: str
    side: str
    """The shape of the check's sides, to show them."""

    @property
    def params(self) -> str:
        """Return the test function's parameters, one per variable."""
        return ", ".join(f"{local}: typing.Any" for _, local, _, _ in self.variables)

    @property
    def given(self) -> layout.Expr:
        """Return the `@given(v_x=strategy, …)` decorator."""
        items = [layout.Item(f"{local}=", s) for _, local, s, _ in self.variables]
        return layout.call("@given", items)

    @property
    def call(self) -> layout.Expr:
        """Return the call of `_property` that checks one drawn case."""
        shapes = ", ".join(f"({py_string(n)}, {s})" for n, _, _, s in self.variables)
        values = ", ".join(local for _, local, _, _ in self.variables)
        where = " and ".join(_holds(c) for c in self.where) or "True"
        sides = f"({self.check.left.text}, {self.check.right.text})"
        args: list[layout.Expr] = [
            layout.Atom(py_string(self.rule)),
            layout.Atom(py_string(self.check_text)),
            layout.Atom(py_string(self.check.op)),
            layout.Atom(self.side),
            layout.Atom(f"({shapes},)"),
            layout.Atom(f"({values},)"),
            layout.Atom(f"lambda: {where}"),
            layout.Atom(f"lambda: {sides}"),
        ]
        return layout.call("_property", args)


class PropertiesModel:
    """Builds the hypothesis test of every property of one spec."""

    def __init__(self, spec: ir.Spec, names: Names, value: PyValues) -> None:
        self.spec = spec
        self.names = names
        self.value = value
        self.types: dict[str, shared.DrawType] = {}
        """Every declared type a property draws, by key."""

    def properties(self) -> list[PyProperty]:
        """Return the test of every property, in source order."""
        return [self.property(case) for case in code.property_cases(self.spec)]

    def property(self, case: code.PropertyCase) -> PyProperty:
        """Return the test of one property."""
        found = shared.plan(self.spec, case.prop)
        self.types.update(found.types)
        local = {name: f"v_{name}" for name, _ in found.bindings}
        variables = tuple(
            (name, local[name], self.strategy(draw), shape(draw))
            for name, draw in found.bindings
        )
        prop = case.prop
        return PyProperty(
            self.names.tests[case.title],
            case.title,
            case.rule,
            variables,
            tuple(self.check(c, local) for c in prop.where),
            self.check(prop.check, local),
            shared.check_text(prop),
            shape(found.side),
        )

    def check(self, check: ir.Check, local: dict[str, str]) -> PyCheck:
        """Return both sides of a check as Python expressions."""
        return PyCheck(
            check.op, self.term(check.left, local), self.term(check.right, local)
        )

    def term(
        self, term: ir.CallTerm | ir.VarTerm | ir.ValueTerm, local: dict[str, str]
    ) -> layout.Expr:
        """Return a call of the implementation, a variable or a value."""
        if isinstance(term, ir.VarTerm):
            return layout.Atom(local[term.name])
        if isinstance(term, ir.ValueTerm):
            return self.value.expr(term.value)
        method = self.names.methods[term.function]
        return layout.call(f"_IMPL.{method}", [self.term(a, local) for a in term.args])

    def strategy(self, draw: shared.Draw) -> layout.Expr:
        """Return the hypothesis strategy of a drawn value."""
        if draw.kind == "named":
            return layout.Atom(f"_drawn({py_string(draw.name)})")
        if draw.kind == "int":
            return layout.call("st.integers", [_number(draw.low), _number(draw.high)])
        if draw.kind == "float":
            bounds = [_number(float(draw.low)), _number(float(draw.high))]
            return layout.call("st.floats", bounds)
        if draw.kind == "string":
            return layout.call(
                "st.text", [layout.Atom("_CHARACTERS"), _size(draw.high)]
            )
        if draw.kind == "bytes":
            return layout.call("st.binary", [_size(draw.high)])
        if draw.kind == "bool":
            return layout.Atom("st.booleans()")
        args = [self.strategy(a) for a in draw.args]
        if draw.kind == "optional":
            return layout.call("st.one_of", [layout.Atom("st.none()"), *args])
        if draw.kind == "list":
            return layout.call("st.lists", [*args, _size(draw.high)])
        return layout.call("st.dictionaries", [*args, _size(draw.high)])

    def declared(self) -> list[tuple[str, layout.Expr, str]]:
        """Return each drawn declared type: its key, strategy and shape."""
        return [
            (py_string(key), self.declared_strategy(t), declared_shape(t))
            for key, t in sorted(self.types.items())
        ]

    def declared_strategy(self, drawn: shared.DrawType) -> layout.Expr:
        """Return the strategy of a declared enum, record or variant."""
        decl = drawn.decl
        if isinstance(decl, ir.Enum):
            return layout.call("st.sampled_from", [layout.Atom(self.cls(drawn))])
        if isinstance(decl, ir.Record):
            return self.builds(self.cls(drawn), decl, drawn.fields)
        assert isinstance(decl, ir.Variant)
        tags = [
            self.builds(self.cls(drawn, tag.name), t, tag.fields)
            for tag, t in zip(drawn.tags, decl.tags, strict=True)
        ]
        return layout.call("st.one_of", tags) if len(tags) > 1 else tags[0]

    def builds(
        self,
        cls: str,
        decl: ir.Record | ir.VariantTag,
        fields: tuple[shared.DrawField, ...],
    ) -> layout.Expr:
        """Return `st.builds(Class, field=strategy, …)`."""
        attrs = fields_of(decl)
        return layout.call(
            "st.builds",
            [
                layout.Atom(cls),
                *(
                    layout.Item(f"{attrs[f.name]}=", self.strategy(f.draw))
                    for f in fields
                ),
            ],
        )

    def cls(self, drawn: shared.DrawType, tag: str | None = None) -> str:
        """Return the class of a declared type (or a variant's case) as the tests name it."""
        if drawn.spec is None:
            name = self.names.types[drawn.decl.name]
            if tag is not None:
                name = self.names.tags[(drawn.decl.name, tag)]
            return self.value._use(name)
        home = self.names.of(drawn.spec)
        name = home.types[drawn.decl.name]
        if tag is not None:
            name = home.tags[(drawn.decl.name, tag)]
        self.value.imported.add((drawn.spec, name))
        return self.names.foreign(drawn.spec, name)


def _holds(check: PyCheck) -> str:
    return f"_holds({py_string(check.op)}, {check.left.text}, {check.right.text})"


def shape(draw: shared.Draw) -> str:
    """Return the literal `_spec_text` reads a value's form from."""
    return json.dumps(shared.shape_data(draw))


def declared_shape(drawn: shared.DrawType) -> str:
    """Return the shape of a declared type: an enum's, a record's or a variant's."""
    return json.dumps(
        shared.declared_data(drawn, _attribute, _member, _discriminator),
        ensure_ascii=False,
    )


def _attribute(drawn: shared.DrawType, tag: str | None, name: str) -> str:
    decl = drawn.decl
    if tag is None:
        assert isinstance(decl, ir.Record)
        return fields_of(decl)[name]
    assert isinstance(decl, ir.Variant)
    return fields_of(next(t for t in decl.tags if t.name == tag))[name]


def _member(drawn: shared.DrawType, member: str) -> str:
    assert isinstance(drawn.decl, ir.Enum)
    return enum_members(drawn.decl)[member]


def _discriminator(drawn: shared.DrawType) -> str:
    assert isinstance(drawn.decl, ir.Variant)
    return discriminator(drawn.decl)


def _number(value: float) -> layout.Atom:
    return layout.Atom(
        code.float_literal(value) if isinstance(value, float) else str(int(value))
    )


def _size(most: float) -> layout.Item:
    return layout.Item("max_size=", layout.Atom(str(int(most))))
