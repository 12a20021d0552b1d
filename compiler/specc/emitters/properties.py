"""What the code targets share of property tests: how values are drawn, from the types.

A property's variables are drawn from their types by one plan, the same for
every target: `plan` turns a type into a `Draw` tree (records, enums,
variants, options, lists, maps, bounded ints, floats and strings), naming each
declared type once so recursive types stay finite. Each target renders the
plan in its own language (hypothesis strategies for Python, a small seeded
generator with shrinking for TypeScript and Rust) and prints a failing case in
the spec's own value syntax (see `docs/spec-format.md`, "Property tests").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from specc import ir
from specc.frontend.example_text import check_start

CASES = 100
"""Cases drawn for each property (skipped ones, failing `where`, not counted)."""
MAX_TRIES = 1000
"""Cases drawn at most for one property, skipped ones included."""
SEED = 22
"""The seed of the targets that draw with their own generator: runs repeat."""
INT_RANGE = (-1000, 1000)
"""Bounds of a drawn `int`; shrinking moves toward 0."""
FLOAT_RANGE = (-1000.0, 1000.0)
"""Bounds of a drawn `float` (finite); shrinking moves toward 0."""
MAX_TEXT = 8
"""Most characters of a drawn `string` (printable ASCII) and bytes of `bytes`."""
MAX_ITEMS = 4
"""Most items of a drawn list and entries of a drawn map."""
MAX_DEPTH = 4
"""Past this depth of lists, maps and options, they are drawn empty or none, so a
recursive type's values stay finite."""

DrawKind = Literal[
    "bool",
    "int",
    "float",
    "string",
    "bytes",
    "list",
    "map",
    "optional",
    "named",
]


@dataclass(frozen=True, eq=False, repr=False)
class Draw:
    """How one value is drawn: a scalar with its bounds, a container, or a named type."""

    kind: DrawKind
    args: tuple[Draw, ...] = ()
    """Item (`list`, `optional`) or key and value (`map`)."""
    name: str = ""
    """For `named`: the key of the declared type in `PropertyPlan.types`."""
    low: float = 0
    high: float = 0
    """Bounds of an `int` or `float`, or the most items of a container or text."""


@dataclass(frozen=True, eq=False, repr=False)
class DrawField:
    """A field of a record or variant tag: its spec name and how it is drawn."""

    name: str
    draw: Draw


@dataclass(frozen=True, eq=False, repr=False)
class DrawTag:
    """A variant's tag and its fields."""

    name: str
    fields: tuple[DrawField, ...] = ()


@dataclass(frozen=True, eq=False, repr=False)
class DrawType:
    """A declared type as drawn: an enum's members, a record's fields or a variant's tags."""

    key: str
    """The type's key: its name, or `spec.Name` for another spec's."""
    decl: ir.Enum | ir.Record | ir.Variant
    kind: Literal["enum", "record", "variant"]
    members: tuple[str, ...] = ()
    fields: tuple[DrawField, ...] = ()
    tags: tuple[DrawTag, ...] = ()
    spec: str | None = None
    """The spec that declares it, when it is another."""


@dataclass(frozen=True, eq=False, repr=False)
class PropertyPlan:
    """How to draw a property's variables, and the declared types they reach."""

    property: ir.Property
    bindings: tuple[tuple[str, Draw], ...]
    side: Draw
    """How a value of the check's sides is shown."""
    types: dict[str, DrawType] = field(default_factory=dict)
    """Every declared type the variables reach, by key, each once."""


def plan(spec: ir.Spec, prop: ir.Property) -> PropertyPlan:
    """Return how to draw the variables of ``prop``."""
    planner = _Planner(spec)
    bindings = tuple((b.name, planner.draw(b.type)) for b in prop.bindings)
    side = planner.draw(prop.check.left.type)
    return PropertyPlan(prop, bindings, side, planner.types)


class _Planner:
    def __init__(self, spec: ir.Spec) -> None:
        self.spec = spec
        self.types: dict[str, DrawType] = {}

    def draw(self, ref: ir.TypeRef) -> Draw:
        if ref.kind == "primitive":
            return _PRIMITIVES[str(ref.name)]
        if ref.kind == "named":
            return self.named(ref)
        args = tuple(self.draw(a) for a in ref.args)
        return Draw(ref.kind, args, high=MAX_ITEMS if ref.kind != "optional" else 0)

    def named(self, ref: ir.TypeRef) -> Draw:
        decl = self.spec.declaration(ref)
        if isinstance(decl, ir.Alias):
            return self.draw(decl.target)
        assert isinstance(decl, (ir.Enum, ir.Record, ir.Variant)), ref
        other = ref.spec if ref.spec not in (None, self.spec.id) else None
        key = decl.name if other is None else f"{other}.{decl.name}"
        if key not in self.types:
            self.types[key] = DrawType(key, decl, decl.kind, spec=other)  # a stand-in
            self.types[key] = self.declared(key, decl, other)
        return Draw("named", name=key)

    def declared(
        self, key: str, decl: ir.Enum | ir.Record | ir.Variant, other: str | None
    ) -> DrawType:
        if isinstance(decl, ir.Enum):
            members = tuple(m.name for m in decl.members)
            return DrawType(key, decl, "enum", members=members, spec=other)
        if isinstance(decl, ir.Record):
            return DrawType(key, decl, "record", fields=self.fields(decl), spec=other)
        tags = tuple(DrawTag(t.name, self.fields(t)) for t in decl.tags)
        return DrawType(key, decl, "variant", tags=tags, spec=other)

    def fields(self, decl: ir.Record | ir.VariantTag) -> tuple[DrawField, ...]:
        return tuple(DrawField(f.name, self.draw(f.type)) for f in decl.fields)


_PRIMITIVES = {
    "bool": Draw("bool"),
    "int": Draw("int", low=INT_RANGE[0], high=INT_RANGE[1]),
    "float": Draw("float", low=FLOAT_RANGE[0], high=FLOAT_RANGE[1]),
    "string": Draw("string", high=MAX_TEXT),
    "bytes": Draw("bytes", high=MAX_TEXT),
}


def terms(check: ir.Check) -> Iterator[ir.CallTerm | ir.VarTerm | ir.ValueTerm]:
    """Yield every term of a check, outermost first."""
    stack: list[ir.CallTerm | ir.VarTerm | ir.ValueTerm] = [check.left, check.right]
    while stack:
        term = stack.pop()
        yield term
        if isinstance(term, ir.CallTerm):
            stack.extend(term.args)


def values(prop: ir.Property) -> list[ir.Value]:
    """Return every value a property writes, in its checks and conditions."""
    return [
        t.value
        for check in [*prop.where, prop.check]
        for t in terms(check)
        if isinstance(t, ir.ValueTerm)
    ]


COUNTER_EXAMPLE = "counter-example (shrunk): "
"""Starts the first line of a failing property's message; each variable follows
as `name = value`, in the spec's value syntax, separated by `, `."""
SIDES = "{check}: the left side is {left}, the right side {right}"
"""The second line: the check as written and both sides' values, in spec syntax."""
RAISED = "{check}: raised {error}"
"""The second line when a call raised instead."""


def check_text(prop: ir.Property) -> str:
    """Return the check of a property as written (its text after the variables)."""
    return prop.text[check_start(prop.text) :].strip()


def shape_data(draw: Draw) -> list[object]:
    """Return a drawn value's shape as plain data (JSON), for the targets' printers.

    `["int"]`, `["list", item]`, `["map", key, value]`, `["optional", inner]`,
    `["named", key]`: the target prints a value of it in the spec's syntax.
    """
    if draw.kind == "named":
        return ["named", draw.name]
    return [draw.kind, *(shape_data(a) for a in draw.args)]


FieldKey = Callable[[DrawType, "str | None", str], str]
"""How a target names a field of a declared type: (type, tag or None, field) -> key."""


def declared_data(
    drawn: DrawType,
    key: FieldKey,
    member: Callable[[DrawType, str], str],
    tag_key: Callable[[DrawType], str],
) -> list[object]:
    """Return a declared type's shape as plain data, each name as the target has it.

    `["enum", {target member: spec member}]`, `["record", [[spec field, target
    key, shape], …]]`, `["variant", {tag: [[spec field, target key, shape], …]}]`.
    """
    if drawn.kind == "enum":
        return ["enum", {member(drawn, m): m for m in drawn.members}]

    def fields(tag: str | None, found: tuple[DrawField, ...]) -> list[object]:
        return [[f.name, key(drawn, tag, f.name), shape_data(f.draw)] for f in found]

    if drawn.kind == "record":
        return ["record", fields(None, drawn.fields)]
    tags = {t.name: fields(t.name, t.fields) for t in drawn.tags}
    return ["variant", tag_key(drawn), tags]
