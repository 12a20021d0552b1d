"""The Rust target's property tests: the shared plan as shapes, conversions and tests.

The engine that draws, shrinks and shows values is the same for every crate (in
`conformance.rs.jinja`); what this module writes per spec is each drawn type's
shape, the conversions between the engine's values and the crate's types, and
one `#[test]` per property.
"""

from __future__ import annotations

from functools import cached_property

from specc import ir
from specc.emitters import code
from specc.emitters import properties as shared
from specc.emitters.rust import layout
from specc.emitters.rust.comments import comment_text
from specc.emitters.rust.model import rust_string
from specc.emitters.rust.part import CratePart
from specc.naming import snake

_SCALARS = {
    "bool": "bool",
    "int": "int",
    "float": "float",
    "string": "text",
    "bytes": "bytes",
}


class RustProperties(CratePart):
    """Builds the property tests of one crate and the conversions they use."""

    @cached_property
    def types(self) -> dict[str, shared.DrawType]:
        """Return the draw types named so far, by key (filled as properties render)."""
        return {}

    def render(self) -> dict[str, object]:
        """Return what the template needs: the tests, the shapes and the conversions."""
        tests = [self.test(case) for case in code.property_cases(self.spec)]
        ordered = sorted(self.types.items())
        return dict(
            properties=tests,
            property_types=[
                (rust_string(key), declared_shape(t)) for key, t in ordered
            ],
            conversions=[c for _, t in ordered for c in self.conversions(t)],
            cases=shared.CASES,
            max_tries=shared.MAX_TRIES,
            seed=shared.SEED,
            max_depth=shared.MAX_DEPTH,
        )

    def test(self, case: code.PropertyCase) -> str:
        """Return the `#[test]` of one property."""
        found = shared.plan(self.spec, case.prop)
        self.types.update(found.types)
        prop = case.prop
        check = shared.check_text(prop)
        variables = ", ".join(
            f"({rust_string(name)}, {shape(draw)})" for name, draw in found.bindings
        )
        lines = [
            f"        let v_{b.name}: {self.type(b.type)} = "
            f"{as_expr(draw, f'&case[{i}]', 0)};"
            for i, (b, (_, draw)) in enumerate(
                zip(prop.bindings, found.bindings, strict=True)
            )
        ]
        if prop.where:
            held = " && ".join(f"({self.condition(c, check)})" for c in prop.where)
            lines += [
                f"        if !({held}) {{",
                "            return Outcome::Skip;",
                "        }",
            ]
        left = self.term(prop.check.left, check)
        right = self.term(prop.check.right, check)
        lines.append(f"        let left = {left};")
        lines.append(f"        let right = {right};")
        lines.append(
            f"        compared({rust_string(prop.check.op)}, &left, &right, "
            f"{rust_string(check)}, &{shape(found.side)}, "
            f"|v| {of_expr(found.side, 'v', 0)})"
        )
        name = self.names.tests[case.title]
        return (
            f"// {comment_text(case.title)}\n#[test]\nfn {name}() {{\n"
            f"    check_property(\n        {rust_string(case.title)},\n"
            f"        &[{variables}],\n        |case| {{\n"
            + "\n".join("    " + line for line in lines)
            + "\n        },\n    );\n}\n"
        )

    def condition(self, check: ir.Check, text: str) -> str:
        """Return a `where` check as a Rust boolean."""
        left, right = self.term(check.left, text), self.term(check.right, text)
        return f"{left} {check.op} {right}"

    def term(self, term: ir.CallTerm | ir.VarTerm | ir.ValueTerm, check: str) -> str:
        """Return a call of the implementation, a variable or a value, owned."""
        if isinstance(term, ir.VarTerm):
            return f"v_{term.name}.clone()"
        if isinstance(term, ir.ValueTerm):
            return layout.flat(self.value(term.value))
        fn = self.spec.function(term.function)
        assert fn is not None
        args = ", ".join(self.term(a, check) for a in term.args)
        call = f"{self.names.wrappers[fn.name]}({args})"
        if not fn.raises:
            return call
        raised = f'format!("{{}}: raised {{error:?}}", {rust_string(check)})'
        return (
            f"match {call} {{ Ok(value) => value, "
            f"Err(error) => return Outcome::Fail({raised}) }}"
        )

    def conversions(self, drawn: shared.DrawType) -> list[str]:
        """Return the two conversions of a declared type: from and to the engine's values."""
        decl = drawn.decl
        ref = ir.TypeRef(kind="named", name=decl.name, spec=drawn.spec)
        rust = self.type(ref)
        key = _key(drawn.key)
        if isinstance(decl, ir.Enum):
            cases = self.names.members[decl.name]
            arms = [f"{i} => {rust}::{cases[m]}," for i, m in enumerate(drawn.members)]
            arms[-1] = f"_ => {rust}::{cases[drawn.members[-1]]},"
            arms_to = "\n".join(f"        {arm}" for arm in arms)
            arms_back = "\n".join(
                f"        {rust}::{cases[m]} => {i},"
                for i, m in enumerate(drawn.members)
            )
            return [
                f"fn as_{key}(value: &Dyn) -> {rust} {{\n"
                f"    match as_fields(value).0 {{\n{arms_to}\n    }}\n}}\n",
                f"fn of_{key}(value: &{rust}) -> Dyn {{\n"
                f"    Dyn::Member(match value {{\n{arms_back}\n    }})\n}}\n",
            ]
        if isinstance(decl, ir.Record):
            names = self.names.fields[decl.name]
            built = self.built(decl.name, decl.fields, drawn.fields, names, None)
            dyns = ", ".join(
                of_expr(f.draw, f"&value.{names[f.name]}", 0) for f in drawn.fields
            )
            return [
                f"fn as_{key}(value: &Dyn) -> {rust} {{\n"
                f"    let (_, fields) = as_fields(value);\n"
                f"    {rust} {{ {built} }}\n}}\n",
                f"fn of_{key}(value: &{rust}) -> Dyn {{\n"
                f"    Dyn::Record(vec![{dyns}])\n}}\n",
            ]
        assert isinstance(decl, ir.Variant)
        cases = self.names.tags[decl.name]
        to: list[str] = []
        back: list[str] = []
        for i, (tag, t) in enumerate(zip(drawn.tags, decl.tags, strict=True)):
            path = f"{rust}::{cases[tag.name]}"
            names = self.names.tag_fields[(decl.name, tag.name)]
            pattern = "_" if i == len(drawn.tags) - 1 else str(i)
            if not tag.fields:
                to.append(f"        {pattern} => {path},")
                back.append(f"        {path} => Dyn::Tag({i}, vec![]),")
                continue
            built = self.built(decl.name, t.fields, tag.fields, names, tag.name)
            to.append(f"        {pattern} => {path} {{ {built} }},")
            bound = ", ".join(names[f.name] for f in tag.fields)
            dyns = ", ".join(of_expr(f.draw, names[f.name], 0) for f in tag.fields)
            back.append(f"        {path} {{ {bound} }} => Dyn::Tag({i}, vec![{dyns}]),")
        return [
            f"fn as_{key}(value: &Dyn) -> {rust} {{\n"
            f"    let (tag, fields) = as_fields(value);\n"
            f"    match tag {{\n" + "\n".join(to) + "\n    }\n}\n",
            f"fn of_{key}(value: &{rust}) -> Dyn {{\n"
            f"    match value {{\n" + "\n".join(back) + "\n    }\n}\n",
        ]

    def built(
        self,
        owner: str,
        fields: list[ir.Field],
        drawn: tuple[shared.DrawField, ...],
        names: dict[str, str],
        tag: str | None,
    ) -> str:
        """Return `name: value, …` of a struct built from the engine's fields."""
        parts = []
        for i, (field, draw) in enumerate(zip(fields, drawn, strict=True)):
            value = as_expr(draw.draw, f"&fields[{i}]", 0)
            if self.facts.boxed(owner, field, tag or ""):
                if field.type.kind == "optional":
                    value = f"{value}.map(Box::new)"
                else:
                    value = f"Box::new({value})"
            parts.append(f"{names[field.name]}: {value}")
        return ", ".join(parts)


def shape(draw: shared.Draw) -> str:
    """Return the Rust `Shape` of a drawn value."""
    if draw.kind == "bool":
        return "Shape::Bool"
    if draw.kind == "int":
        return f"Shape::Int({int(draw.low)}, {int(draw.high)})"
    if draw.kind == "float":
        low, high = (code.float_literal(float(b)) for b in (draw.low, draw.high))
        return f"Shape::Float({low}, {high})"
    if draw.kind in ("string", "bytes"):
        kind = "Text" if draw.kind == "string" else "Bytes"
        return f"Shape::{kind}({int(draw.high)})"
    if draw.kind == "named":
        return f"Shape::Named({rust_string(draw.name)})"
    boxed = [f"Box::new({shape(a)})" for a in draw.args]
    if draw.kind == "optional":
        return f"Shape::Optional({boxed[0]})"
    kind = "List" if draw.kind == "list" else "Map"
    return f"Shape::{kind}({', '.join(boxed)}, {int(draw.high)})"


def declared_shape(drawn: shared.DrawType) -> str:
    """Return the `Declared` of an enum, record or variant."""
    if drawn.kind == "enum":
        return (
            f"Declared::Enum(vec![{', '.join(rust_string(m) for m in drawn.members)}])"
        )
    if drawn.kind == "record":
        return f"Declared::Record(vec![{_fields(drawn.fields)}])"
    tags = ", ".join(
        f"({rust_string(t.name)}, vec![{_fields(t.fields)}])" for t in drawn.tags
    )
    return f"Declared::Variant(vec![{tags}])"


def _fields(fields: tuple[shared.DrawField, ...]) -> str:
    return ", ".join(f"({rust_string(f.name)}, {shape(f.draw)})" for f in fields)


def as_expr(draw: shared.Draw, value: str, depth: int) -> str:
    """Return the expression that turns an engine value (`&Dyn`) into the crate's type."""
    if draw.kind in _SCALARS:
        return f"as_{_SCALARS[draw.kind]}({value})"
    if draw.kind == "named":
        return f"as_{_key(draw.name)}({value})"
    inner = [as_expr(a, f"v{depth}", depth + 1) for a in draw.args]
    closures = ", ".join(f"|v{depth}| {i}" for i in inner)
    kind = {"list": "list", "map": "map", "optional": "option"}[draw.kind]
    return f"as_{kind}({value}, {closures})"


def of_expr(draw: shared.Draw, value: str, depth: int) -> str:
    """Return the expression that turns a reference to a crate value into an engine value."""
    if draw.kind in _SCALARS:
        return f"of_{_SCALARS[draw.kind]}({value})"
    if draw.kind == "named":
        return f"of_{_key(draw.name)}({value})"
    inner = [of_expr(a, f"v{depth}", depth + 1) for a in draw.args]
    closures = ", ".join(f"|v{depth}| {i}" for i in inner)
    kind = {"list": "list", "map": "map", "optional": "option"}[draw.kind]
    return f"of_{kind}({value}, {closures})"


def _key(key: str) -> str:
    """Return a declared type's key as part of a function name."""
    return "t_" + snake(key.replace(".", "_"))
