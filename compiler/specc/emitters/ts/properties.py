"""The TypeScript target's property tests: the shared plan as fast-check arbitraries."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from specc import ir
from specc.emitters import code
from specc.emitters import properties as shared
from specc.naming import camel

FAST_CHECK = "^4.3.0"
"""The fast-check a package with properties asks for (a dev dependency)."""


@dataclass(frozen=True, eq=False, repr=False)
class TsProperty:
    """One property as a node:test test checked by fast-check."""

    title: str
    rule: str
    index: int
    text: str
    names: str
    """`[["c", shape], …]`: each variable's name and shape."""
    arbitraries: str
    """`[arbitrary, …]`: how each variable is drawn."""
    params: str
    """`[c, s]: [Counter, Step]`: the destructured variables, typed."""
    where: str
    left: str
    right: str
    op: str
    check: str
    side: str


class TsProperties:
    """Builds the fast-check tests of one spec's properties."""

    def __init__(
        self,
        spec: ir.Spec,
        type: Callable[[ir.TypeRef], str],
        value: Callable[[ir.Value], str],
        method: Callable[[str], str],
        tag_field: str,
        int_type: str,
    ) -> None:
        self.spec, self.type, self.value, self.method = spec, type, value, method
        self.tag_field, self.int_type = tag_field, int_type
        self.types: dict[str, shared.DrawType] = {}

    def properties(self) -> list[TsProperty]:
        """Return the test of every property, in source order."""
        return [self.property(case) for case in code.property_cases(self.spec)]

    def property(self, case: code.PropertyCase) -> TsProperty:
        """Return the test of one property."""
        found = shared.plan(self.spec, case.prop)
        self.types.update(found.types)
        prop = case.prop
        local = {b.name: f"v_{b.name}" for b in prop.bindings}
        names = ", ".join(
            f"[{json.dumps(name)}, {json.dumps(shared.shape_data(draw))}]"
            for name, draw in found.bindings
        )
        params = (
            f"[{', '.join(local.values())}]: "
            f"[{', '.join(self.type(b.type) for b in prop.bindings)}]"
        )
        where = " && ".join(self.condition(c, local) for c in prop.where) or "true"
        return TsProperty(
            case.title,
            case.rule,
            case.index,
            case.text,
            f"[{names}]",
            f"[{', '.join(self.arbitrary(d) for _, d in found.bindings)}]",
            params,
            where,
            self.term(prop.check.left, local),
            self.term(prop.check.right, local),
            prop.check.op,
            shared.check_text(prop),
            json.dumps(shared.shape_data(found.side)),
        )

    def condition(self, check: ir.Check, local: dict[str, str]) -> str:
        """Return a `where` check as a boolean: `holds("==", left, right)`."""
        left, right = self.term(check.left, local), self.term(check.right, local)
        return f"holds({json.dumps(check.op)}, {left}, {right})"

    def term(
        self, term: ir.CallTerm | ir.VarTerm | ir.ValueTerm, local: dict[str, str]
    ) -> str:
        """Return a call of the implementation, a variable or a value."""
        if isinstance(term, ir.VarTerm):
            return local[term.name]
        if isinstance(term, ir.ValueTerm):
            return self.value(term.value)
        args = ", ".join(self.term(a, local) for a in term.args)
        return f"impl.{self.method(term.function)}({args})"

    def arbitrary(self, draw: shared.Draw, tied: bool = False) -> str:
        """Return the fast-check arbitrary of a drawn value (``tied``: in the `letrec`)."""
        if draw.kind == "named":
            key = json.dumps(draw.name)
            return f"tie({key})" if tied else f"drawn[{key}]"
        if draw.kind == "int":
            low, high = int(draw.low), int(draw.high)
            if self.int_type == "bigint":
                return f"fc.bigInt({{ min: {low}n, max: {high}n }})"
            return f"fc.integer({{ min: {low}, max: {high} }})"
        if draw.kind == "float":
            return (
                f"fc.double({{ min: {draw.low:g}, max: {draw.high:g}, noNaN: true, "
                "noDefaultInfinity: true })"
            )
        if draw.kind == "string":
            return (
                f'fc.string({{ unit: "grapheme-ascii", maxLength: {int(draw.high)} }})'
            )
        if draw.kind == "bytes":
            return f"fc.uint8Array({{ maxLength: {int(draw.high)} }})"
        if draw.kind == "bool":
            return "fc.boolean()"
        args = [self.arbitrary(a, tied) for a in draw.args]
        if draw.kind == "optional":
            return f"fc.option({args[0]}, {{ nil: undefined }})"
        if draw.kind == "list":
            return f"fc.array({args[0]}, {{ maxLength: {int(draw.high)} }})"
        return (
            f"fc.uniqueArray(fc.tuple({args[0]}, {args[1]}), "
            f"{{ maxLength: {int(draw.high)}, selector: (entry) => entry[0] }})"
            ".map((entries) => new Map(entries))"
        )

    def declared(self) -> list[tuple[str, str, str]]:
        """Return each drawn declared type: its key, arbitrary and shape."""
        return [
            (json.dumps(key), self.declared_arbitrary(t), self.declared_shape(t))
            for key, t in sorted(self.types.items())
        ]

    def declared_arbitrary(self, drawn: shared.DrawType) -> str:
        """Return the arbitrary of a declared enum, record or variant."""
        if drawn.kind == "enum":
            return f"fc.constantFrom({', '.join(json.dumps(m) for m in drawn.members)})"
        if drawn.kind == "record":
            return f"fc.record({{ {self.fields(drawn.fields)} }})"
        tags = [
            f"fc.record({{ {json.dumps(self.tag_field)}: fc.constant({json.dumps(t.name)})"
            + (f", {self.fields(t.fields)}" if t.fields else "")
            + " })"
            for t in drawn.tags
        ]
        return tags[0] if len(tags) == 1 else f"fc.oneof({', '.join(tags)})"

    def fields(self, fields: tuple[shared.DrawField, ...]) -> str:
        """Return `"key": arbitrary, …` of a record's or tag's fields."""
        return ", ".join(
            f"{json.dumps(camel(f.name))}: {self.arbitrary(f.draw, True)}"
            for f in fields
        )

    def declared_shape(self, drawn: shared.DrawType) -> str:
        """Return a declared type's shape as a JSON literal."""
        data = shared.declared_data(
            drawn,
            lambda _, __, name: camel(name),
            lambda _, member: member,
            lambda _: self.tag_field,
        )
        return json.dumps(data, ensure_ascii=False)


def property_context(
    spec: ir.Spec,
    type: Callable[[ir.TypeRef], str],
    value: Callable[[ir.Value], str],
    method: Callable[[str], str],
    int_type: str,
) -> dict[str, object]:
    """Return what the package's templates need of its properties (none: empty lists)."""
    model = TsProperties(spec, type, value, method, code.tag_field(spec), int_type)
    properties = model.properties()
    return dict(
        properties=properties,
        property_types=model.declared(),
        property_cases=shared.CASES,
        property_seed=shared.SEED,
        fast_check=FAST_CHECK if properties else None,
    )
