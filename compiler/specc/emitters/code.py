"""What the code targets share: type mapping, value rendering and test naming."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from specc import ir
from specc.emitters.base import EmitContext, Emitter, OutputFile, owned_by
from specc.naming import path_segment


class CodeEmitter(Emitter):
    """A code target: one package per spec that declares types or functions."""

    per_spec = True

    def emit_spec(
        self, ctx: EmitContext, spec: ir.Spec
    ) -> tuple[list[OutputFile], None]:
        if not has_code(spec):
            return [], None
        return list(owned_by(spec, self.package(ctx, spec))), None

    def package(self, ctx: EmitContext, spec: ir.Spec) -> Iterable[OutputFile]:
        """Return the files of one spec's package."""
        raise NotImplementedError


class TypeMapper:
    """Maps IR types to one language's type syntax; subclasses fill in the forms."""

    primitives: dict[str, str] = {}

    def __init__(self, spec: ir.Spec, name: Callable[[str], str]) -> None:
        self.spec = spec
        self.type_name = name
        """Turns a declaration name into the language's type name."""

    def __call__(self, ref: ir.TypeRef) -> str:
        if ref.kind == "primitive":
            return self.primitives[str(ref.name)]
        if ref.kind == "named":
            return self.type_name(str(ref.name))
        args = [self(a) for a in ref.args]
        wrap: Callable[..., str] = getattr(self, ref.kind)
        return wrap(*args)

    def list(self, item: str) -> str:
        raise NotImplementedError

    def map(self, key: str, value: str) -> str:
        raise NotImplementedError

    def optional(self, inner: str) -> str:
        raise NotImplementedError


SCALAR_KINDS = frozenset({"bool", "int", "float", "string", "none"})
"""Values that hold no other and name no type: what a renderer makes of them
depends on the node alone."""

_Made = TypeVar("_Made")


def remembered(
    render: Callable[[Any, ir.Value], _Made],
) -> Callable[[Any, ir.Value], _Made]:
    """Make a renderer method remember what it made of each scalar value node.

    The front end makes each scalar of a spec once (a `3` of type `int` is
    one node however often it is written), so a renderer meets the same
    nodes again and again.
    """

    def remembering(self: Any, value: ir.Value) -> _Made:
        if value.kind not in SCALAR_KINDS:
            return render(self, value)
        memo = self.__dict__.get("_scalars")
        if memo is None:
            memo = self.__dict__["_scalars"] = {}
        known = memo.get(id(value))
        if known is None or known[0] is not value:
            known = memo[id(value)] = (value, render(self, value))
        return known[1]  # type: ignore[no-any-return]

    return remembering


class ValueRenderer:
    """Renders typed IR values as source expressions; one method per value kind."""

    @remembered
    def __call__(self, value: ir.Value) -> str:
        if value.type.kind == "optional" and value.kind != "none":
            return self.some(self.plain(value), value)
        return self.plain(value)

    def plain(self, value: ir.Value) -> str:
        """Render a value without the optional wrapper its position may need."""
        render: Callable[[ir.Value], str] = getattr(self, f"render_{value.kind}")
        return render(value)

    def some(self, rendered: str, value: ir.Value) -> str:
        """Wrap a present value in an optional position (Rust's `Some`)."""
        return rendered


def string_literal(text: str, braced_unicode: bool = False) -> str:
    """Return a double-quoted literal for TypeScript and Python, or Rust (braced escapes).

    Control, line-separator and bidirectional-override characters are escaped,
    so a literal reads in source as it behaves; Rust, whose strings cannot hold
    a lone surrogate, gets U+FFFD in its place. ASCII text without controls
    (nearly all) needs only its quotes and backslashes escaped: two `replace`
    calls, rather than a Python call for each quote `_ESCAPED` finds.
    """
    if text.isascii() and text.isprintable():  # no ASCII control (C0 or DEL)
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    escape = _escape_braced if braced_unicode else _escape
    return '"' + _ESCAPED.sub(lambda match: escape(match.group()), text) + '"'


def _escape(char: str) -> str:
    """Return the TypeScript and Python escape of a character `_ESCAPED` finds."""
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def _escape_braced(char: str) -> str:
    """Return the Rust escape of a character `_ESCAPED` finds (U+FFFD for a surrogate)."""
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    point = ord(char)
    return "\\u{fffd}" if 0xD800 <= point <= 0xDFFF else f"\\u{{{point:x}}}"


_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
#: Every character a literal escapes: quotes, backslashes, C0 and C1 controls,
#: lone surrogates, line separators, byte-order mark and bidirectional controls.
_ESCAPED = re.compile(
    r'["\\\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029'
    r"\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


def float_literal(value: float) -> str:
    """Return a float literal that reads back as exactly ``value`` (`repr`, with
    `.0` where it reads as an integer: not `1.5`, `1e+16`, `inf` nor `nan`)."""
    text = repr(float(value))
    if "." in text or "e" in text or "n" in text:  # `repr` writes no `E`
        return text
    return text + ".0"


@dataclass(frozen=True, eq=False, repr=False)
class Case:
    """One example as a conformance test: where it comes from and what it is called."""

    spec: ir.Spec
    example: ir.Example

    @property
    def rule(self) -> str:
        """Return the rule ID (examples outside rules use the spec's ID)."""
        return self.example.rule or self.spec.id

    @property
    def title(self) -> str:
        """Return the test's display name: `<rule_id> #<n>: <example line>`."""
        return f"{self.rule} #{self.example.index}: {self.example.text}"

    @property
    def index(self) -> int:
        """Return the example's number within its rule."""
        return self.example.index

    @property
    def text(self) -> str:
        """Return the example's line as written."""
        return self.example.text


@dataclass(frozen=True, eq=False, repr=False)
class PropertyCase:
    """One property as a conformance test, named and reported as examples are."""

    spec: ir.Spec
    prop: ir.Property

    @property
    def rule(self) -> str:
        """Return the rule ID (properties outside rules use the spec's ID)."""
        return self.prop.rule or self.spec.id

    @property
    def index(self) -> int:
        """Return the property's number among its rule's examples."""
        return self.prop.index

    @property
    def text(self) -> str:
        """Return the property's line as written."""
        return self.prop.text

    @property
    def title(self) -> str:
        """Return the test's display name: `<rule_id> #<n>: <forall line>`."""
        return f"{self.rule} #{self.index}: {self.text}"


def cases(spec: ir.Spec) -> list[Case]:
    """Return every example of a spec as a test case, in source order."""
    return [Case(spec, e) for e in spec.examples()]


def property_cases(spec: ir.Spec) -> list[PropertyCase]:
    """Return every property of a spec as a test case, in source order."""
    return [PropertyCase(spec, p) for p in spec.properties()]


def all_cases(spec: ir.Spec) -> list[Case | PropertyCase]:
    """Return every example and property of a spec, in source order."""
    examples: list[Case | PropertyCase] = list(cases(spec))
    properties = property_cases(spec)
    if not properties:
        return examples
    return sorted([*examples, *properties], key=_line)


def _line(case: Case | PropertyCase) -> int:
    node = case.example if isinstance(case, Case) else case.prop
    return node.span.line


def resolve_alias(spec: ir.Spec, ref: ir.TypeRef) -> ir.TypeRef:
    """Return the type an alias chain ends in (the front end rejects cycles)."""
    seen: set[str] = set()
    while ref.kind == "named" and str(ref) not in seen:
        seen.add(str(ref))
        decl = spec.declaration(ref)
        if not isinstance(decl, ir.Alias):
            break
        ref = decl.target
    return ref


def is_optional(spec: ir.Spec, ref: ir.TypeRef) -> bool:
    """Return whether a type is optional, looking through aliases."""
    return resolve_alias(spec, ref).kind == "optional"


def tag_field(spec: ir.Spec | ir.Interface) -> str:
    """Return the discriminator field of variants in JSON-like values: `kind`, or `tag` if a field is named kind."""
    clash = any(
        f.name == "kind"
        for t in spec.types
        if isinstance(t, ir.Variant)
        for tag in t.tags
        for f in tag.fields
    )
    return "tag" if clash else "kind"


def has_operations(spec: ir.Spec) -> bool:
    """Return whether a spec declares operations: an API, a scaffold and tests.

    A spec of types alone (a data model) yields a package of its types only.
    """
    return bool(spec.functions)


def has_code(spec: ir.Spec) -> bool:
    """Return whether a code target applies to the spec (it declares types or functions)."""
    return bool(spec.functions or spec.types)


def package_dir(spec: ir.Spec | ir.Interface) -> str:
    """Return the spec's folder name under a target's output folder."""
    return path_segment(spec.id)


def foreign(spec: ir.Spec, ref: ir.TypeRef) -> str | None:
    """Return the ID of the other spec that declares a named type, or None if ``spec`` does."""
    return ref.spec if ref.spec is not None and ref.spec != spec.id else None


def specs_named(refs: Iterable[ir.TypeRef]) -> set[str]:
    """Return the IDs of the other specs whose types ``refs`` name."""
    found: set[str] = set()
    stack = list(refs)
    while stack:
        ref = stack.pop()
        if ref.spec is not None:
            found.add(ref.spec)
        stack.extend(ref.args)
    return found


def value_types(values: Iterable[ir.Value]) -> Iterable[ir.TypeRef]:
    """Yield the type of every value in ``values`` and of every value inside them."""
    stack = list(values)
    while stack:
        value = stack.pop()
        yield value.type
        if isinstance(value, ir.ListValue):
            stack.extend(value.items)
        elif isinstance(value, ir.MapValue):
            stack.extend(x for e in value.entries for x in (e.key, e.value))
        elif isinstance(value, (ir.RecordValue, ir.VariantValue)):
            stack.extend(f.value for f in value.fields)


def declared_types(spec: ir.Spec) -> Iterable[ir.TypeRef]:
    """Yield every type the spec's declarations write, their defaults' types too."""
    for decl in spec.types:
        if isinstance(decl, ir.Alias):
            yield decl.target
        fields = [*getattr(decl, "fields", [])]
        fields += [f for tag in getattr(decl, "tags", []) for f in tag.fields]
        for field in fields:
            yield field.type
            if field.default is not None:
                yield from value_types([field.default])


def signature_types(spec: ir.Spec) -> Iterable[ir.TypeRef]:
    """Yield every type the spec's functions take or return."""
    for fn in spec.functions:
        yield from (p.type for p in fn.params)
        yield fn.returns


def example_types(spec: ir.Spec) -> Iterable[ir.TypeRef]:
    """Yield the type of every value the spec's examples write."""
    for example in spec.examples():
        values = [*example.args, *([example.result] if example.result else [])]
        if example.raises:
            values += [f.value for f in example.raises.fields]
        yield from value_types(values)


def used_in_order(spec: ir.Spec, ids: set[str]) -> list[ir.Interface]:
    """Return the interfaces of ``ids``, each after those it uses (as `interfaces` is)."""
    return [i for i in spec.interfaces if i.id in ids]


def normative(spec: ir.Spec, rule_id: str | None) -> list[str]:
    """Return the normative statements of a rule, for doc comments."""
    rule = spec.rule(rule_id) if rule_id else None
    if rule is None:
        return []
    return [s.text for s in rule.statements if s.strength]


def comment_safe(text: str) -> str:
    """Return text that cannot close a block comment or docstring early."""
    return text.replace("*/", "*\u200b/").replace('"""', '"\u200b""')
