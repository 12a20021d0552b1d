"""The Python target's model: names, type annotations, value literals and the types module."""

from __future__ import annotations

import keyword
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any, Literal, NamedTuple

from specc import ir
from specc.emitters import code
from specc.emitters.python import layout
from specc.naming import identifier, pascal, screaming, snake

KEYWORDS = frozenset(keyword.kwlist)
#: Names the generated code uses inside class bodies and signatures: a field or
#: method of the same name would shadow them there (mypy resolves annotations
#: in class scope), so spec names that collide get a trailing underscore.
RESERVED_MEMBERS = KEYWORDS | frozenset(
    "bool int float str bytes list dict object self dataclasses enum typing".split()
)
#: Attributes every exception already has.
RESERVED_ERROR_FIELDS = RESERVED_MEMBERS | {"args", "add_note", "with_traceback"}
#: Classes the generated code refers to by bare name.
RESERVED_TYPES = KEYWORDS | {"Exception", "NotImplementedError"}
#: Top-level module names a package on the path must not shadow: the standard
#: library (with modules recent Pythons dropped or added, so the name does not
#: depend on which Python runs specc) and what the tests run on.
TAKEN_MODULES = frozenset(sys.stdlib_module_names) | frozenset(
    """aifc asynchat asyncore audioop cgi cgitb chunk crypt distutils imghdr imp
    lib2to3 mailcap msilib nis nntplib ossaudiodev pipes smtpd sndhdr spwd sunau
    telnetlib uu xdrlib annotationlib compression pytest _pytest pluggy iniconfig
    packaging setuptools pkg_resources mypy black tests test conftest""".split()
)
#: Default values that are immutable literals; others get a default factory.
LITERAL_DEFAULTS = frozenset(
    {"bool", "int", "float", "string", "bytes", "none", "enum"}
)
PYTHON = "py310"
"""The oldest Python the packages support, for black and pyproject."""


# --- Names ------------------------------------------------------------------


def py_module(spec_id: str) -> str:
    """Return the import name of a spec's package (never a standard module)."""
    name = identifier(snake(spec_id), KEYWORDS)
    if name.strip("_") == "":
        name = "spec"
    return name + "_spec" if name in TAKEN_MODULES else name


def distribution(module: str) -> str:
    """Return the distribution name of the package (PEP 508: letters, digits, `-`)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", module).strip("-").lower() or "spec"


_PRE = r"^(alpha|a|beta|b|rc|c|pre|preview)[.-]?(\d*)$"
_SEMVER = re.compile(r"^(\d+\.\d+\.\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$")


def pep440(version: str | None) -> str:
    """Return a semantic version as a PEP 440 version setuptools accepts."""
    match = _SEMVER.match(version or "0.0.0")
    if match is None:
        return "0.0.0"
    core, pre, build = match.groups()
    local = [build] if build else []
    if pre:
        known = re.match(_PRE, pre.lower())
        if known:
            tag = {"alpha": "a", "beta": "b", "c": "rc", "pre": "rc", "preview": "rc"}
            core += tag.get(known.group(1), known.group(1)) + (known.group(2) or "0")
        else:  # no PEP 440 equivalent: a dev release, labelled with the original
            core += ".dev0"
            local.insert(0, pre)
    label = re.sub(r"[^a-z0-9]+", ".", ".".join(local).lower()).strip(".")
    return f"{core}+{label}" if label else core


def _unique(name: str, taken: set[str]) -> str:
    """Return ``name``, suffixed with `_` until it is not taken, and take it."""
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def members(
    names: Iterable[str], reserved: frozenset[str] = RESERVED_MEMBERS
) -> dict[str, str]:
    """Return snake_case identifiers for the fields, parameters or methods of one scope."""
    taken: set[str] = set()
    return {n: _unique(_member(n, reserved), taken) for n in names}


@cache
def _member(name: str, reserved: frozenset[str]) -> str:
    """Return a spec name as a member identifier (before making it unique): a
    spec's fields share a few names (`id`, `label`) thousands of times."""
    return identifier(snake(name), reserved)


def enum_members(decl: ir.Enum) -> dict[str, str]:
    """Return the SCREAMING_CASE member names of an enum (never `_sunder_` ones)."""
    taken: set[str] = set()
    found = {}
    for member in decl.members:
        name = identifier(screaming(member.name), KEYWORDS)
        found[member.name] = _unique("M" + name if name[0] == "_" else name, taken)
    return found


class Names:
    """Every Python name of one spec's package, unique where they share a scope."""

    def __init__(
        self,
        spec: ir.Spec,
        module: str | None = None,
        used_modules: Mapping[str, str] | None = None,
        used: dict[str, Names] | None = None,
    ) -> None:
        self.spec = spec
        self.module = module or py_module(spec.id)
        self._used_modules = used_modules or {}
        """The module names the options give the specs this one uses, by spec ID."""
        # one registry for the whole tree of used specs, so each is made once
        # (a registry per spec made the specs a spec reaches through several
        # paths again per path: exponential in a chain of specs)
        self._used: dict[str, Names] = {} if used is None else used
        self._foreign: dict[tuple[str, str], str] | None = None
        taken = set(RESERVED_TYPES)
        self.types = {
            t.name: _unique(identifier(pascal(t.name), RESERVED_TYPES), taken)
            for t in spec.types
        }
        self.tags = {
            (t.name, tag.name): _unique(self.types[t.name] + pascal(tag.name), taken)
            for t in spec.types
            if isinstance(t, ir.Variant)
            for tag in t.tags
        }
        base = identifier(pascal(spec.id), RESERVED_TYPES)
        self.api = _unique(base + "Api", taken)
        self.impl = _unique(base if base not in taken else base + "Impl", taken)
        self.methods = members(f.name for f in spec.functions)
        tests: set[str] = set()
        self.tests = {
            c.title: _unique(f"test_{snake(c.rule)}_{c.index}", tests)
            for c in code.all_cases(spec)
        }

    def of(self, spec_id: str) -> Names:
        """Return the names of a spec this one uses, as its own package has them."""
        if spec_id not in self._used:
            used = self.spec.used(spec_id)
            assert used is not None, f"{self.spec.id} does not use {spec_id}"
            module = self._used_modules.get(spec_id)
            self._used[spec_id] = Names(used, module, self._used_modules, self._used)
        return self._used[spec_id]

    def foreign(self, spec_id: str, cls: str) -> str:
        """Return the name this package imports another spec's class under.

        Its own name, unless this package has a class of that name or imports
        one from another spec first: then prefixed with the spec's name.
        """
        if self._foreign is None:
            taken = set(RESERVED_TYPES) | {self.api, self.impl}
            taken |= set(self.types.values()) | set(self.tags.values())
            self._foreign = {}
            for used in self.spec.interfaces:
                home = self.of(used.id)
                for name in [*home.types.values(), *home.tags.values()]:
                    alias = name if name not in taken else pascal(used.id) + name
                    self._foreign[(used.id, name)] = _unique(alias, taken)
        return self._foreign[(spec_id, cls)]

    def foreign_imports(
        self, used: Iterable[tuple[str, str]]
    ) -> list[tuple[str, list[str]]]:
        """Return `(module, names)` to import another spec's classes (`Money as M`)."""
        wanted = set(used)
        found = []
        for spec in self.spec.interfaces:
            classes = sorted(cls for s, cls in wanted if s == spec.id)
            if classes:
                module = self.of(spec.id).module
                imported = [
                    (
                        c
                        if self.foreign(spec.id, c) == c
                        else f"{c} as {self.foreign(spec.id, c)}"
                    )
                    for c in classes
                ]
                found.append((module, imported))
        return sorted(found)


def fields_of(decl: ir.Record | ir.VariantTag | ir.Error) -> dict[str, str]:
    """Return the attribute names of a record's, variant case's or error's fields."""
    reserved = RESERVED_ERROR_FIELDS if isinstance(decl, ir.Error) else RESERVED_MEMBERS
    return members((f.name for f in decl.fields), reserved)


def discriminator(decl: ir.Variant) -> str:
    """Return the name of a variant's tag attribute: `kind`, unless a field has it."""
    used = {name for tag in decl.tags for name in fields_of(tag).values()}
    return next(n for n in ("kind", "tag", "variant", "kind_") if n not in used)


def test_names(spec: ir.Spec) -> dict[str, str]:
    """Return the pytest function name of every example, by test title."""
    return Names(spec).tests


# --- Types and values ---------------------------------------------------------


class PyTypes(code.TypeMapper):
    """IR types as Python annotations; another spec's classes as imported (noted in `imported`)."""

    def __init__(self, spec: ir.Spec, name: Callable[[str], str], names: Names) -> None:
        super().__init__(spec, name)
        self.names = names
        self.imported: set[tuple[str, str]] = set()
        """(spec ID, class) of the other specs' classes it named."""
        self._known: dict[int, tuple[ir.TypeRef, str]] = {}  # by node, as `TsTypes`

    def __call__(self, ref: ir.TypeRef) -> str:
        known = self._known.get(id(ref))
        if known is None or known[0] is not ref:
            known = self._known[id(ref)] = (ref, self._made(ref))
        return known[1]

    def _made(self, ref: ir.TypeRef) -> str:
        other = code.foreign(self.spec, ref) if ref.kind == "named" else None
        if other is None:
            return super().__call__(ref)
        cls = self.names.of(other).types[str(ref.name)]
        self.imported.add((other, cls))
        return self.names.foreign(other, cls)

    primitives = {
        "bool": "bool",
        "int": "int",
        "float": "float",
        "string": "str",
        "bytes": "bytes",
    }

    def list(self, item: str) -> str:
        return f"list[{item}]"

    def map(self, key: str, value: str) -> str:
        return f"dict[{key}, {value}]"

    def optional(self, inner: str) -> str:
        return f"{inner} | None"


class PyValues(code.ValueRenderer):
    """Typed IR values as Python expressions (layout trees); remembers the classes they name."""

    def __init__(self, spec: ir.Spec, names: Names) -> None:
        self.spec = spec
        self.names = names
        self.used: set[str] = set()
        self.imported: set[tuple[str, str]] = set()
        """(spec ID, class) of the other specs' classes it named."""
        self.attributes: dict[tuple[str | None, str, str], dict[str, str]] = {}
        """Field (or enum member) names by (spec, declaration, tag), computed once each."""
        self._scalars: dict[int, tuple[ir.Value, layout.Expr]] = {}
        self._shapes: dict[tuple[str | None, str, str], tuple[str, dict[str, str]]] = {}
        """`_shape` by the spec the type names (None: this one), its name and tag."""
        self._members: dict[tuple[str | None, str, str], layout.Expr] = {}

    def __call__(self, value: ir.Value) -> str:
        return str(self.expr(value))

    def expr(self, value: ir.Value) -> layout.Expr:
        """Return a value as a tree the layout can split the way black does (each
        scalar node's remembered as by `code.remembered`, written out)."""
        kind = value.kind
        if kind not in code.SCALAR_KINDS:
            return _RENDERS[kind](self, value)
        known = self._scalars.get(id(value))
        if known is None or known[0] is not value:
            known = self._scalars[id(value)] = (value, _RENDERS[kind](self, value))
        return known[1]

    def render_bool(self, v: ir.BoolValue) -> layout.Expr:
        return layout.Atom("True" if v.value else "False")

    def render_int(self, v: ir.IntValue) -> layout.Expr:
        return layout.Atom(str(v.value))

    def render_float(self, v: ir.FloatValue) -> layout.Expr:
        text = code.float_literal(v.value)
        if text[-1].isdigit():
            return layout.Atom(layout.number(text))
        return layout.call("float", [layout.Atom(f'"{text}"')])

    def render_string(self, v: ir.StringValue) -> layout.Expr:
        return layout.Atom(py_string(v.value))

    def render_bytes(self, v: ir.BytesValue) -> layout.Expr:
        return layout.Atom(layout.string_quotes(repr(bytes(v.value))))

    def render_none(self, v: ir.NoneValue) -> layout.Expr:
        return layout.Atom("None")

    def render_list(self, v: ir.ListValue) -> layout.Expr:
        return layout.listing([self.expr(i) for i in v.items])

    def render_map(self, v: ir.MapValue) -> layout.Expr:
        return layout.mapping(
            [(self.expr(e.key), self.expr(e.value)) for e in v.entries]
        )

    def render_enum(self, v: ir.EnumValue) -> layout.Expr:
        """Return a member as its class's attribute, made once per member (as `_shape`)."""
        named = v.type.args[0] if v.type.kind == "optional" else v.type
        key = (named.spec, v.enum, v.member)
        known = self._members.get(key)
        if known is None:
            known = self._members[key] = self._member(v)
        return known

    def _member(self, v: ir.EnumValue) -> layout.Expr:
        other, decl = self._declaration(v)
        key = (other, v.enum, "")
        if key not in self.attributes:
            assert isinstance(decl, ir.Enum)
            self.attributes[key] = enum_members(decl)
        name = self._class(other, lambda names: names.types[v.enum])
        return layout.Atom(f"{name}.{self.attributes[key][v.member]}")

    def render_record(self, v: ir.RecordValue) -> layout.Expr:
        cls, keywords = self._shape(v, v.record, "")
        return layout.Brackets(cls, "(", self._keywords(v.fields, keywords), ")")

    def render_variant(self, v: ir.VariantValue) -> layout.Expr:
        cls, keywords = self._shape(v, v.variant, v.tag)
        return layout.Brackets(cls, "(", self._keywords(v.fields, keywords), ")")

    def _shape(
        self, v: ir.RecordValue | ir.VariantValue, name: str, tag: str
    ) -> tuple[str, dict[str, str]]:
        """Return the class a record's or variant case's value is written with, and
        its fields' keywords, `name=` (worked out once per type: 7 000 record
        values at N = 1000 full are of 1000 types)."""
        named = v.type.args[0] if v.type.kind == "optional" else v.type
        known = self._shapes.get((named.spec, name, tag))
        if known is not None:
            return known
        other, decl = self._declaration(v)
        key = (other, name, tag)
        if key not in self.attributes:
            if tag:
                assert isinstance(decl, ir.Variant)
                found = next(t for t in decl.tags if t.name == tag)
                self.attributes[key] = fields_of(found)
            else:
                assert isinstance(decl, ir.Record)
                self.attributes[key] = fields_of(decl)
        if tag:
            cls = self._class(other, lambda names: names.tags[(name, tag)])
        else:
            cls = self._class(other, lambda names: names.types[name])
        keywords = {f: f"{attr}=" for f, attr in self.attributes[key].items()}
        known = self._shapes[(named.spec, name, tag)] = (cls, keywords)
        return known

    def _declaration(self, value: ir.Value) -> tuple[str | None, ir.TypeDecl | None]:
        """Return the spec that declares a value's type (None: this one), and the type."""
        named = value.type.args[0] if value.type.kind == "optional" else value.type
        return code.foreign(self.spec, named), self.spec.declaration(named)

    def _class(self, other: str | None, of: Callable[[Names], str]) -> str:
        """Return the class to write: this package's own, or another spec's as imported."""
        if other is None:
            return self._use(of(self.names))
        cls = of(self.names.of(other))
        self.imported.add((other, cls))
        return self.names.foreign(other, cls)

    def _keywords(
        self, fields: list[ir.FieldValue], keywords: dict[str, str]
    ) -> tuple[layout.Item, ...]:
        """Return the fields the example wrote as keyword arguments (defaults are
        implied), ``keywords`` giving each field's `name=`."""
        expr, item = self.expr, layout.Item
        return tuple(
            [item(keywords[f.name], expr(f.value)) for f in fields if f.explicit]
        )

    def _use(self, name: str) -> str:
        self.used.add(name)
        return name


_RENDERS: dict[str, Callable[[PyValues, Any], layout.Expr]] = {
    name.removeprefix("render_"): getattr(PyValues, name)
    for name in dir(PyValues)
    if name.startswith("render_")
}
"""Each value kind's `PyValues.render_<kind>`, by kind."""


def py_string(text: str) -> str:
    """Return a Python string literal, quoted as black quotes it (lone surrogates escaped)."""
    return layout.string_quotes(toml_string(text))


def toml_string(text: str) -> str:
    """Return a double-quoted string literal that TOML and Python read alike."""
    if _PLAIN.fullmatch(text):  # the common case, without a loop over characters
        return f'"{text}"'
    return re.sub(r"[\ud800-\udfff]", _escape_char, code.string_literal(text))


#: Text that goes into a string literal as it is: printable ASCII but quotes
#: and backslashes (what `code.string_literal` would escape is all outside it).
_PLAIN = re.compile(r"[ !#-\[\]-~]*")


def docstring(text: str) -> str:
    """Return ``text`` as a triple-quoted docstring that cannot end early."""
    return f'"""{docstring_body(text)}"""'


def docstring_body(text: str) -> str:
    """Return ``text`` escaped for a triple-quoted string it cannot end early."""
    body = text.strip().replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    body = re.sub(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]", _escape_char, body)
    if body.endswith('"'):
        body = body[:-1] + '\\"'
    return body + "\n" if "\n" in body else body


def _escape_char(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def named_in(ref: ir.TypeRef) -> Iterable[str]:
    """Yield the names of the spec's own declarations a type refers to directly."""
    if ref.kind == "named" and ref.spec is None:
        yield str(ref.name)
    for arg in ref.args:
        yield from named_in(arg)


# --- The model of types.py ----------------------------------------------------


class PyField(NamedTuple):
    """One attribute of a generated dataclass: `name: annotation = default`."""

    name: str
    annotation: str
    default: layout.Expr | None
    """The right-hand side, or None for a required field."""
    doc: str


class PyDecl(NamedTuple):
    """One top-level definition of types.py."""

    kind: Literal["enum", "record", "tag", "union", "error", "alias"]
    name: str
    doc: str
    rule: str | None
    fields: tuple[PyField, ...] = ()
    members: tuple[tuple[str, str, str], ...] = ()
    """Enum members: (name, value literal, doc)."""
    tag: tuple[str, str] = ("", "")
    """Variant cases: (discriminator attribute, tag literal)."""
    target: str = ""
    """Aliases and unions: the aliased annotation."""
    message: str = ""
    """Errors: the expression of the exception's message."""


class TypesModel:
    """Builds the definitions of types.py in an order Python can execute."""

    def __init__(self, spec: ir.Spec, names: Names) -> None:
        self.spec = spec
        self.names = names
        self.type = PyTypes(spec, names.types.__getitem__, names)
        self.value = PyValues(spec, names)

    def decls(self) -> list[PyDecl]:
        """Return enums first (defaults use them), classes, then aliases in dependency order."""
        types = self.spec.types
        found = [self.enum(t) for t in types if isinstance(t, ir.Enum)]
        for t in types:
            if isinstance(t, ir.Record):
                found.append(self.record(t))
            elif isinstance(t, ir.Variant):
                found.extend(self.variant(t))
            elif isinstance(t, ir.Error):
                found.append(self.error(t))
        return found + [self.alias(t) for t in self.aliases()]

    def aliases(self) -> list[ir.Alias]:
        """Return the aliases so that each comes after the aliases it names."""
        pending = {t.name: t for t in self.spec.types if isinstance(t, ir.Alias)}
        ordered: list[ir.Alias] = []

        def visit(alias: ir.Alias) -> None:
            pending.pop(alias.name, None)
            for name in named_in(alias.target):
                if name in pending:
                    visit(pending[name])
            ordered.append(alias)

        for alias in [t for t in self.spec.types if isinstance(t, ir.Alias)]:
            if alias.name in pending:
                visit(alias)
        return ordered

    def field(self, f: ir.Field, name: str) -> PyField:
        """Return one dataclass attribute, with a default factory for mutable defaults."""
        default: layout.Expr | None = None
        if f.default is None:
            if code.is_optional(self.spec, f.type):
                default = layout.Atom("None")
        elif f.default.kind in LITERAL_DEFAULTS:
            default = self.value.expr(f.default)
        elif f.default.kind in ("list", "map") and not _items(f.default):
            factory = layout.Atom(f.default.kind.replace("map", "dict"))
            default = layout.call(
                "dataclasses.field", [layout.Item("default_factory=", factory)]
            )
        else:
            made = layout.Item("default_factory=lambda: ", self.value.expr(f.default))
            default = layout.call("dataclasses.field", [made])
        return PyField(name, self.type(f.type), default, f.doc)

    def fields(self, decl: ir.Record | ir.VariantTag | ir.Error) -> tuple[PyField, ...]:
        """Return the attributes of a record, variant case or error."""
        names = fields_of(decl)
        return tuple(self.field(f, names[f.name]) for f in decl.fields)

    def enum(self, t: ir.Enum) -> PyDecl:
        """Return an `enum.Enum` whose values are the members as the spec spells them."""
        names = enum_members(t)
        rows = tuple((names[m.name], py_string(m.name), m.doc) for m in t.members)
        return PyDecl("enum", self.names.types[t.name], t.doc, t.rule, members=rows)

    def record(self, t: ir.Record) -> PyDecl:
        """Return a frozen, keyword-only dataclass."""
        return PyDecl("record", self.names.types[t.name], t.doc, t.rule, self.fields(t))

    def variant(self, t: ir.Variant) -> list[PyDecl]:
        """Return one dataclass per case, then the union of them."""
        attr = discriminator(t)
        found = [
            PyDecl(
                "tag",
                self.names.tags[(t.name, tag.name)],
                tag.doc or f"The `{tag.name}` case of `{t.name}`.",
                t.rule,
                self.fields(tag),
                tag=(attr, py_string(tag.name)),
            )
            for tag in t.tags
        ]
        union = " | ".join(d.name for d in found) or "typing.NoReturn"
        found.append(
            PyDecl("union", self.names.types[t.name], t.doc, t.rule, target=union)
        )
        return found

    def error(self, t: ir.Error) -> PyDecl:
        """Return an exception class carrying the error's fields."""
        fields = self.fields(t)
        if t.message is not None:
            message = py_string(t.message)
        elif fields:
            shown = ", ".join(f"{f.name}={{self.{f.name}!r}}" for f in fields)
            message = "f" + py_string(shown)
        else:
            message = py_string(t.name)
        return PyDecl(
            "error", self.names.types[t.name], t.doc, t.rule, fields, message=message
        )

    def alias(self, t: ir.Alias) -> PyDecl:
        """Return a `typing.TypeAlias`."""
        return PyDecl(
            "alias", self.names.types[t.name], t.doc, t.rule, target=self.type(t.target)
        )


def _items(value: ir.Value) -> list[object]:
    return list(getattr(value, "items", None) or getattr(value, "entries", None) or [])


# --- The emitter ------------------------------------------------------------------
