"""The TypeScript emitter: the package's files rendered from the IR and the ts templates."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from itertools import chain
from typing import Any, Literal

from specc import ir
from specc.diagnostics import Diagnostic
from specc.emitters import code, packages
from specc.emitters.base import EmitContext, OutputFile, header
from specc.emitters.ts.lines import Lines
from specc.emitters.ts.properties import property_context
from specc.naming import camel, identifier, pascal
from specc.source import Span

MAX_SAFE_INTEGER = 2**53 - 1
#: Words that cannot name a variable or parameter in a strict-mode ES module.
RESERVED_WORDS = frozenset(
    """break case catch class const continue debugger default delete do else enum
    export extends false finally for function if import in instanceof new null return
    super switch this throw true try typeof var void while with implements interface
    let package private protected public static yield await eval arguments
    undefined""".split()
)
#: Names a declaration cannot take (type names are PascalCase, so only the spec's
#: own ID, made into the API's name, can meet a lower-case keyword).
KEYWORDS = RESERVED_WORDS | frozenset(
    """as any boolean number string symbol bigint type from of never unknown
    object""".split()
)
#: Globals the generated code uses (or users commonly need): a spec type of the
#: same name would shadow them, so declaration names that collide get a suffix.
RESERVED_TYPES = frozenset(
    """Array Map Set Error Uint8Array String Number Boolean Object Symbol BigInt
    Function Promise Date Record NotImplementedError""".split()
)
#: Properties an `Error` subclass cannot redefine as fields of its own.
ERROR_PROPERTIES = frozenset({"name", "message", "stack", "cause", "constructor"})
_LONG_NUMBER = re.compile(r"\d{16}")
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")
_QUALIFIED = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\.[A-Za-z_$][A-Za-z0-9_$]*\Z")
_NPM_NAME = re.compile(r"(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*")


@cache
def ts_name(name: str) -> str:
    """Return a declaration name as a TypeScript type name."""
    return identifier(pascal(name), KEYWORDS | RESERVED_TYPES)


@cache
def ts_property(name: str) -> str:
    """Return a field as a property name: camelCase, quoted when not an identifier.

    Any identifier, reserved or contextual (`default`, `from`, `type`), is a valid
    property name, so none is renamed.
    """
    name = camel(name)
    return name if _IDENTIFIER.match(name) else code.string_literal(name)


def ts_access(prop: str) -> str:
    """Return the accessor of a property rendered by `ts_property` (`.x` or `["1x"]`)."""
    return f"[{prop}]" if prop.startswith('"') else f".{prop}"


@cache
def ts_param(name: str) -> str:
    """Return a parameter name in camelCase, suffixed when it is a reserved word."""
    return identifier(camel(name), RESERVED_WORDS)


@cache
def ts_method(name: str) -> str:
    """Return an operation as a method name (`constructor` is a class's own)."""
    return identifier(camel(name), frozenset({"constructor"}))


@cache
def ts_signature(name: str) -> str:
    """Return a method's name in an interface (`new` would declare a constructor)."""
    method = ts_method(name)
    return code.string_literal(method) if method == "new" else method


@cache
def ts_error_field(name: str) -> str:
    """Return an error's field name, suffixed where `Error` already has the property."""
    return identifier(camel(name), ERROR_PROPERTIES)


@cache
def ts_namespace(spec_id: str) -> str:
    """Return the name another spec's types are imported under (`import type * as`)."""
    return identifier(camel(spec_id), KEYWORDS)


class TsTypes(code.TypeMapper):
    """IR types as TypeScript types; another spec's types through its namespace."""

    primitives = {
        "bool": "boolean",
        "int": "number",
        "float": "number",
        "string": "string",
        "bytes": "Uint8Array",
    }

    def __init__(
        self, spec: ir.Spec, name: Callable[[str], str], int_type: str = "number"
    ) -> None:
        super().__init__(spec, name)
        self.primitives = {**self.primitives, "int": int_type}
        self._known: dict[int, tuple[ir.TypeRef, str]] = {}
        """What each type node was made into, by the node's identity: fields share
        their type nodes (the 6 500 field types of N = 1000 are 620 nodes)."""

    def __call__(self, ref: ir.TypeRef) -> str:
        known = self._known.get(id(ref))
        if known is not None and known[0] is ref:
            return known[1]
        if ref.kind == "named" and ref.spec is not None:
            made = f"{ts_namespace(ref.spec)}.{self.type_name(str(ref.name))}"
        else:
            made = super().__call__(ref)
        self._known[id(ref)] = (ref, made)
        return made

    def list(self, item: str) -> str:
        plain = item.isidentifier() or _QUALIFIED.match(item)
        return f"{item}[]" if plain else f"Array<{item}>"

    def map(self, key: str, value: str) -> str:
        return f"Map<{key}, {value}>"

    def optional(self, inner: str) -> str:
        return f"{inner} | undefined"


class TsValues(code.ValueRenderer):
    """Typed IR values as TypeScript expressions."""

    def __init__(self, types: TsTypes, tag_fields: dict[str | None, str]) -> None:
        self.types = types
        self.tag_fields = tag_fields
        """The discriminator field of each spec's variants (None: this spec's)."""
        self.tag_field = tag_fields[None]
        self._scalars: dict[int, tuple[ir.Value, str]] = {}
        self._members: dict[str, str] = {}
        """Each enum member's string literal, by the member's name."""

    def __call__(self, value: ir.Value) -> str:
        """Render a value: each kind by its `render_<kind>` at once, what each
        scalar node makes remembered (as `code.remembered` remembers it; the
        optional wrapper is TypeScript's own value). Written out, since the tests
        of N = 1000 (full) render about 65 000 value nodes and each wrapper call
        counts."""
        kind = value.kind
        if kind not in code.SCALAR_KINDS:
            return _TS_RENDERS[kind](self, value)
        known = self._scalars.get(id(value))
        if known is None or known[0] is not value:
            known = self._scalars[id(value)] = (value, _TS_RENDERS[kind](self, value))
        return known[1]

    def render_bool(self, v: ir.BoolValue) -> str:
        return "true" if v.value else "false"

    def render_int(self, v: ir.IntValue) -> str:
        return (
            f"{v.value}n" if self.types.primitives["int"] == "bigint" else str(v.value)
        )

    def render_float(self, v: ir.FloatValue) -> str:
        return code.float_literal(v.value)

    def render_string(self, v: ir.StringValue) -> str:
        return code.string_literal(v.value)

    def render_bytes(self, v: ir.BytesValue) -> str:
        return f"new Uint8Array([{', '.join(map(str, v.value))}])"

    def render_none(self, v: ir.NoneValue) -> str:
        return "undefined"

    def render_list(self, v: ir.ListValue) -> str:
        render = self.__call__  # bound once: faster than calling the instance
        return f"[{', '.join([render(i) for i in v.items])}]"

    def render_map(self, v: ir.MapValue) -> str:
        kind = self.types(v.type.args[0] if v.type.kind == "optional" else v.type)
        entries = ", ".join(f"[{self(e.key)}, {self(e.value)}]" for e in v.entries)
        return f"new {kind}([{entries}])"

    def render_enum(self, v: ir.EnumValue) -> str:
        literal = self._members.get(v.member)
        if literal is None:
            literal = self._members[v.member] = code.string_literal(v.member)
        return literal

    def fields(self, fields: list[ir.FieldValue]) -> list[str]:
        """Render present fields as `name: value` (absent optionals are left out)."""
        render = self.__call__
        return [
            f"{ts_property(f.name)}: {render(f.value)}"
            for f in fields
            if f.value.kind != "none"
        ]

    def render_record(self, v: ir.RecordValue) -> str:
        return "{ " + ", ".join(self.fields(v.fields)) + " }" if v.fields else "{}"

    def render_variant(self, v: ir.VariantValue) -> str:
        variant = v.type.args[0] if v.type.kind == "optional" else v.type
        parts = [
            f"{self.tag_fields[variant.spec]}: {code.string_literal(v.tag)}",
            *self.fields(v.fields),
        ]
        return "{ " + ", ".join(parts) + " }"


_TS_RENDERS: dict[str, Callable[[TsValues, Any], str]] = {
    name.removeprefix("render_"): getattr(TsValues, name)
    for name in dir(TsValues)
    if name.startswith("render_")
}
"""Each value kind's `TsValues.render_<kind>`, by kind."""


def int_mask(value: ir.Value, render: TsValues) -> str:
    """Return where ``value`` holds ints, as `expectClose` reads it (`0`: nowhere).

    TypeScript numbers do not say whether the spec meant an int, so a `~=`
    example passes this mirror of its expected value: `1` at each int, the
    same arrays, maps and properties around them, `0` for what holds none.
    Ints then compare exactly, floats within the tolerance.
    """
    if isinstance(value, ir.IntValue):
        return "1"
    parts: list[str] = []
    if isinstance(value, ir.ListValue):
        items = [int_mask(item, render) for item in value.items]
        return f"[{', '.join(items)}]" if any(i != "0" for i in items) else "0"
    if isinstance(value, ir.MapValue):
        for entry in value.entries:
            inner = int_mask(entry.value, render)
            if inner != "0":
                parts.append(f"[{render(entry.key)}, {inner}]")
        return f"new Map<unknown, unknown>([{', '.join(parts)}])" if parts else "0"
    if isinstance(value, (ir.RecordValue, ir.VariantValue)):
        for field in value.fields:
            inner = int_mask(field.value, render)
            if inner != "0":
                parts.append(f"{ts_property(field.name)}: {inner}")
        return "{ " + ", ".join(parts) + " }" if parts else "0"
    return "0"


@dataclass(frozen=True)
class Signature:
    """An operation as its conformance tests spell it, rendered once per function."""

    method: str
    params: str
    """The labelled tuple type of its arguments: `tasks: Task[], title: string`."""
    names: str
    """Its parameter names as string literals, comma-separated."""
    returns: str


def signature(fn: ir.Function, types: TsTypes) -> Signature:
    """Return how the tests call ``fn``."""
    names = [ts_param(p.name) for p in fn.params]
    return Signature(
        method=ts_method(fn.name),
        params=", ".join(
            f"{n}: {types(p.type)}" for n, p in zip(names, fn.params, strict=True)
        ),
        names=", ".join(code.string_literal(n) for n in names),
        returns=types(fn.returns),
    )


class TypeScriptEmitter(code.CodeEmitter):
    """Emit one npm package per spec that declares types or functions."""

    name = "ts"
    description = "TypeScript package: types, API interface, scaffold, node:test tests"

    class Options(packages.PackageOptions):
        """Options of the TypeScript target."""

        typescript: str = "~5.9.3"
        """Version range of the `typescript` dev dependency."""
        node_types: str = "^20.11.0"
        """Version range of the `@types/node` dev dependency."""
        int: Literal["number", "bigint"] = "number"
        """TypeScript type of the spec's `int`: `bigint` holds integers beyond 2^53."""

    def package(self, ctx: EmitContext, spec: ir.Spec) -> Iterable[OutputFile]:
        """Return the files of one spec's package."""
        root = code.package_dir(spec)
        int_type = getattr(ctx.options, "int", "number")
        types = TsTypes(spec, ts_name, int_type)
        tag_fields: dict[str | None, str] = {
            i.id: code.tag_field(i) for i in spec.interfaces
        }
        values = TsValues(types, {**tag_fields, None: code.tag_field(spec)})
        base = identifier(pascal(spec.id), KEYWORDS)
        taken = {ts_name(t.name) for t in spec.types}
        cases = _case_names(spec, set(taken))
        api = _free(base + "Api", taken | set(cases.values()))
        impl = _free(base, taken | set(cases.values()) | {api}, "Impl")
        name = packages.checked_name(
            ctx, spec, "ts", _NPM_NAME.fullmatch, "an npm package name"
        )
        name = name or root.lower()
        used = {i.id: package_name(i) for i in spec.interfaces} | packages.used_names(
            ctx.options, spec, _NPM_NAME.fullmatch
        )
        deps = packages.declared(ctx.options, spec, "ts", ctx.diagnostics)
        ctx.diagnostics += packages.clash(spec, "ts", {name}, deps, "ts.package")
        optional = optional_types(spec)
        context = dict(
            spec=spec,
            ir=ir,
            header=header(spec),
            scaffold_header=header(spec, "scaffold"),
            type=types,
            value=values,
            name=ts_name,
            case_name=lambda t, tag: cases[(t.name, tag.name)],
            prop=ts_property,
            access=ts_access,
            param=ts_param,
            method=ts_method,
            signature=ts_signature,
            error_field=ts_error_field,
            api=api,
            type_names=[ts_name(t.name) for t in spec.types if t.kind != "error"],
            error_names=[ts_name(t.name) for t in spec.types if t.kind == "error"],
            impl=impl,
            tag_field=values.tag_field,
            optional=optional,
            defaults=has_defaults,
            package=name,
            dependencies=[(used[i.id], code.package_dir(i)) for i in spec.interfaces],
            runtime={
                **{
                    used[i.id]: "file:../" + code.package_dir(i)
                    for i in spec.interfaces
                },
                **deps,
            },
            declared_imports=namespace_imports(spec, used, code.declared_types(spec)),
            signature_imports=namespace_imports(spec, used, code.signature_types(spec)),
            test_imports=namespace_imports(
                spec, used, chain(code.signature_types(spec), code.example_types(spec))
            ),
            options=ctx.options,
            cases=code.cases(spec),
            **property_context(spec, types, values, ts_method, int_type),
            signatures={f.name: signature(f, types) for f in spec.functions},
            normative=lambda rule: code.normative(spec, rule),
            literal=code.string_literal,
            comment=code.comment_safe,
            ints=lambda value: int_mask(value, values),
            **Lines(
                types, values, optional, ts_property, ts_access, code.string_literal
            ).helpers(),
        )
        render = ctx.render
        yield OutputFile(
            f"{root}/package.json",
            render("ts/package.json.jinja", **context),
            settings=packages.table("ts", spec),
        )
        yield OutputFile(
            f"{root}/tsconfig.json", render("ts/tsconfig.json.jinja", **context)
        )
        yield OutputFile(f"{root}/src/types.ts", render("ts/types.ts.jinja", **context))
        if int_type == "number":
            ctx.diagnostics.extend(unsafe_integers(spec))
        if not code.has_operations(spec):  # a data model: its types, no API
            return
        yield OutputFile(f"{root}/src/api.ts", render("ts/api.ts.jinja", **context))
        yield OutputFile(
            f"{root}/src/impl.ts",
            render("ts/impl.ts.jinja", **context),
            kind="scaffold",
            symbols=tuple(
                (spec.path, f.name, ts_method(f.name)) for f in spec.functions
            ),
        )
        yield OutputFile(
            f"{root}/test/support.ts", render("ts/support.ts.jinja", **context)
        )
        yield OutputFile(
            f"{root}/test/conformance.test.ts",
            render("ts/conformance.test.ts.jinja", **context),
        )


def optional_types(spec: ir.Spec) -> Callable[[ir.TypeRef], bool]:
    """Return `code.is_optional` of ``spec``, remembering each type node's answer."""
    known: dict[int, tuple[ir.TypeRef, bool]] = {}

    def optional(ref: ir.TypeRef) -> bool:
        found = known.get(id(ref))
        if found is None or found[0] is not ref:
            found = known[id(ref)] = (ref, code.is_optional(spec, ref))
        return found[1]

    return optional


def has_defaults(fields: list[ir.Field]) -> bool:
    """Return whether any of ``fields`` has a default (a record gets a `make` function)."""
    return any(f.default is not None for f in fields)


def namespace_imports(
    spec: ir.Spec, names: dict[str, str], refs: Iterable[ir.TypeRef]
) -> list[str]:
    """Return the `import type * as` lines for the other specs' types ``refs`` name,
    from their packages (``names``: npm names by spec ID).

    A spec that uses no other names none of their types, so ``refs`` is not
    walked then: the tests' refs are every value of every example (74 000 at
    N = 1000 full).
    """
    if not spec.interfaces:
        return []
    named = code.specs_named(refs)
    return [
        f"import type * as {ts_namespace(used.id)} from "
        f"{code.string_literal(names[used.id])};"
        for used in code.used_in_order(spec, named)
    ]


def package_name(spec: ir.Spec | ir.Interface) -> str:
    """Return the npm package name of a spec's package."""
    return code.package_dir(spec).lower()


def _case_names(spec: ir.Spec, taken: set[str]) -> dict[tuple[str, str], str]:
    """Name each variant case's interface `VariantCase`, suffixed with `_` past a type's name."""
    found: dict[tuple[str, str], str] = {}
    for t in spec.types:
        for tag in getattr(t, "tags", None) or []:
            name = _free(ts_name(t.name) + ts_name(tag.name), taken)
            found[(t.name, tag.name)] = name
            taken.add(name)
    return found


def _free(name: str, taken: set[str], suffix: str = "_") -> str:
    """Return ``name``, suffixed until no spec type already uses it."""
    while name in taken:
        name += suffix
    return name


def unsafe_integers(spec: ir.Spec) -> list[Diagnostic]:
    """Return E084 for every int beyond 2^53, at the literal that writes it."""
    found: list[Diagnostic] = []
    places: list[tuple[Span, str | None, list[ir.Value]]] = []
    for decl in spec.types:
        if isinstance(decl, ir.Variant):
            fields = [f for t in decl.tags for f in t.fields]
        else:  # asked by kind: a pydantic model's missing attribute is slow to miss
            fields = decl.fields if isinstance(decl, (ir.Record, ir.Error)) else []
        for field in fields:
            if field.default:
                places.append((field.span, None, [field.default]))
    examples = list(spec.examples())
    # every integer beyond 2^53 has at least 16 digits: most specs write none
    if not _LONG_NUMBER.search("\n".join([e.text for e in examples])):
        examples = []
    for example in examples:
        if not _LONG_NUMBER.search(example.text):
            continue
        wrote = [*example.args, *([example.result] if example.result else [])]
        if example.raises:
            wrote += [f.value for f in example.raises.fields]
        places.append((example.span, example.text, wrote))
    lines: dict[int, str] | None = None
    for span, text, values in places:
        for number in dict.fromkeys(n for v in values for n in _big_ints(v)):
            if text is None:
                lines = _declaration_lines(spec) if lines is None else lines
                text = lines.get(span.line, "")[span.col - 1 :]
            found.append(
                Diagnostic(
                    "E084",
                    f"{number} is beyond 2^53 and would lose precision as a "
                    "TypeScript number",
                    _literal_span(span, text, number),
                    "keep TypeScript-bound integers within ±9007199254740991, "
                    "or map `int` to `bigint` with `-O ts.int=bigint`",
                )
            )
    return found


def _declaration_lines(spec: ir.Spec) -> dict[int, str]:
    """Return the source lines of the spec's `specc` blocks, by line number."""
    blocks = [*spec.preamble, *(b for s in spec.walk() for b in s.content)]
    lines: dict[int, str] = {}
    for block in blocks:
        if isinstance(block, ir.Declarations):
            for offset, line in enumerate(block.source.splitlines(), 1):
                lines[block.span.line + offset] = line
    return lines


def _literal_span(span: Span, text: str, number: int) -> Span:
    """Return where ``number`` is written in ``text`` (which starts at ``span``)."""
    from specc.frontend.lexer import LexError, tokenize

    try:
        tokens = tokenize(text, span.line, span.col, hash_comments=True)
    except LexError:
        return span
    for token in tokens:
        if token.kind == "int" and token.value == number:
            end = token.col + len(token.text)
            return span.replace(col=token.col, end_line=token.line, end_col=end)
    return span


def _big_ints(value: ir.Value) -> Iterable[int]:
    """Yield the unsafe integers a value holds (defaults filled in are not its own)."""
    if isinstance(value, ir.IntValue) and abs(value.value) > MAX_SAFE_INTEGER:
        yield value.value
    elif isinstance(value, ir.ListValue):
        for item in value.items:
            yield from _big_ints(item)
    elif isinstance(value, ir.MapValue):
        for entry in value.entries:
            yield from _big_ints(entry.key)
            yield from _big_ints(entry.value)
    elif isinstance(value, (ir.RecordValue, ir.VariantValue)):
        for field in value.fields:
            if field.explicit:
                yield from _big_ints(field.value)
