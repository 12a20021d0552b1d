"""The Rust target: a Cargo crate with types, a trait, a scaffold and `#[test]` conformance tests.

Operations borrow what they only read (`&str`, `&[T]`, `&[u8]`, `&T`, `Option<&T>`),
take `Copy` scalars and enums by value, and move in only the first argument whose
type is the result's, which they return changed; so an implementation that edits
an argument in place does not compile. `rust_ownership` holds the rule and why.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

from specc import ir
from specc.diagnostics import Diagnostic
from specc.emitters import code
from specc.emitters.base import EmitContext, OutputFile, header, spec_source_name
from specc.emitters.rust import layout
from specc.emitters.rust.model import (
    Names,
    RsTypes,
    RsValues,
    TypeFacts,
    rust_string,
    surrogate_problems,
)
from specc.emitters.rust.ownership import Parameters, passing

#: Lints a generated item may need to allow, with the estimate that decides it.
RESULT_LARGE_ERR = 96
"""clippy's `result_large_err` fires from 128 bytes; allow it from this estimate."""
LARGE_ENUM_VARIANT = 150
"""clippy's `large_enum_variant` fires from 200 bytes of difference."""
STRUCT_VARIANT_WIDTH = 35
ATTR_FN_LIKE_WIDTH = 70
"""rustfmt's `attr_fn_like_width`: wider attribute arguments go one a line."""
"""rustfmt's `struct_variant_width`: a wider case body is laid out vertically."""


# --- Doc comments --------------------------------------------------------------------

_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])( +)\S")


def comment_text(text: str) -> str:
    """Return text safe inside a `//` comment: one line, no control or bidi characters."""
    return _CONTROL.sub(" ", text.replace("\t", "    ").replace("\n", " ")).rstrip()


def doc_lines(text: str) -> list[str]:
    """Return the lines of a doc comment, list continuations indented as rustdoc wants."""
    lines: list[str] = []
    hang: int | None = None
    for raw in text.strip("\n").split("\n"):
        line = _CONTROL.sub(" ", raw.replace("\t", "    ")).rstrip()
        item = _LIST_ITEM.match(line)
        if not line.strip():
            hang = None
        elif item:
            hang = len(item.group(1)) + len(item.group(2)) + len(item.group(3))
        elif hang is not None:
            line = " " * hang + line.lstrip()
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def doc(text: str, indent: int = 0) -> str:
    """Return ``text`` as `///` lines at ``indent``, each ending in a newline."""
    pad = " " * indent
    return "".join(
        f"{pad}///{' ' + line if line else ''}\n" for line in doc_lines(text)
    )


def bullet(text: str, indent: int) -> list[str]:
    """Return a statement as a wrapped `- ` list item of a doc comment."""
    room = layout.MAX_WIDTH - indent - len("/// ")
    return textwrap.wrap(
        comment_text(" ".join(text.split())),
        width=max(40, room),
        initial_indent="- ",
        subsequent_indent="  ",
        break_long_words=False,
        break_on_hyphens=False,
    )


# --- The emitter -----------------------------------------------------------------------


class RustEmitter(code.CodeEmitter):
    """Emit one Cargo crate per spec that declares types or functions."""

    name = "rust"
    description = "Rust crate: types, a trait, a scaffold, #[test] conformance tests"

    def package(self, ctx: EmitContext, spec: ir.Spec) -> Iterable[OutputFile]:
        """Return the files of one spec's crate."""
        root = code.package_dir(spec)
        names = Names(spec)
        facts = TypeFacts(spec, names)
        types = RsTypes(spec, names, facts)
        problems: list[Diagnostic] = surrogate_problems(spec)
        values = RsValues(spec, names, facts, problems)
        context = dict(
            spec=spec,
            header=header(spec),
            scaffold_header=header(spec, "scaffold"),
            source=spec_source_name(spec),
            names=names,
            version=cargo_version(spec.version),
            description=toml_string(comment_text(spec.summary or spec.title)),
            decls=TypesFile(spec, names, facts, types, values).decls(),
            methods=methods(spec, names, facts, types),
            uses_types=uses_types(spec),
            btreemap=any(r.kind == "map" for r in all_refs(spec)),
            float_defaults=has_float_default(spec),
            tests=TestsFile(spec, names, facts, types, values).render(),
            doc=doc,
            comment=comment_text,
            literal=rust_string,
        )
        render = ctx.render
        operations = code.has_operations(spec)
        for path, template in FILES if operations else DATA_MODEL_FILES:
            text = render(f"rust/{template}", **context)
            yield OutputFile(f"{root}/{path}", text)
        ctx.diagnostics.extend(dict.fromkeys(problems))
        if not operations:  # a data model: its types, no trait to implement
            return
        yield OutputFile(
            f"{root}/src/implementation.rs",
            render("rust/implementation.rs.jinja", **context),
            kind="scaffold",
            symbols=tuple(
                (spec.path, f.name, f"fn {names.methods[f.name]}(")
                for f in spec.functions
            ),
        )


#: The generated files of a crate and their templates (under `rust/`).
FILES = (
    ("Cargo.toml", "Cargo.toml.jinja"),
    (".gitignore", "gitignore.jinja"),
    ("src/lib.rs", "lib.rs.jinja"),
    ("src/types.rs", "types.rs.jinja"),
    ("src/api.rs", "api.rs.jinja"),
    ("tests/conformance.rs", "conformance.rs.jinja"),
)
#: The files of a data model's crate (a spec of types alone).
DATA_MODEL_FILES = FILES[:4]

_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)"
    r"(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?"
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)


def cargo_version(version: str | None) -> str:
    """Return the spec's version if Cargo accepts it as semver, else `0.0.0`."""
    return version if version and _SEMVER.match(version) else "0.0.0"


def toml_string(text: str) -> str:
    """Return a TOML basic string."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        elif 0xD800 <= ord(char) <= 0xDFFF:
            out.append("\ufffd")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def uses_types(spec: ir.Spec) -> bool:
    """Return whether the signatures name a spec type, a map, or raise an error."""
    refs = [p.type for f in spec.functions for p in f.params]
    refs += [f.returns for f in spec.functions]
    return any(f.raises for f in spec.functions) or any(
        r.kind in ("named", "map") for top in refs for r in _walk(top)
    )


def has_float_default(spec: ir.Spec) -> bool:
    """Return whether a field default holds a float (clippy may take it for a constant)."""
    fields = [f for t in spec.types for f in getattr(t, "fields", [])]
    fields += [
        f for t in spec.types for tag in getattr(t, "tags", []) for f in tag.fields
    ]
    return any(f.default is not None and _floats(f.default) for f in fields)


def _floats(value: ir.Value) -> bool:
    if isinstance(value, ir.FloatValue):
        return True
    inner = [*getattr(value, "items", []), *getattr(value, "fields", [])]
    inner += [x for e in getattr(value, "entries", []) for x in (e.key, e.value)]
    return any(_floats(getattr(i, "value", i)) for i in inner)


def all_refs(spec: ir.Spec) -> Iterable[ir.TypeRef]:
    """Yield every type written anywhere in the spec, and the types inside them."""
    tops = [p.type for f in spec.functions for p in f.params]
    tops += [f.returns for f in spec.functions]
    for t in spec.types:
        if isinstance(t, ir.Alias):
            tops.append(t.target)
        tops += [f.type for f in getattr(t, "fields", [])]
        tops += [f.type for tag in getattr(t, "tags", []) for f in tag.fields]
    for top in tops:
        yield from _walk(top)


def _walk(ref: ir.TypeRef) -> Iterable[ir.TypeRef]:
    yield ref
    for arg in ref.args:
        yield from _walk(arg)


# --- Types --------------------------------------------------------------------------


class TypesFile:
    """Builds the items of types.rs as pre-rendered text blocks."""

    def __init__(
        self,
        spec: ir.Spec,
        names: Names,
        facts: TypeFacts,
        types: RsTypes,
        values: RsValues,
    ) -> None:
        self.spec, self.names, self.facts = spec, names, facts
        self.type, self.value = types, values

    def decls(self) -> list[str]:
        """Return every item of types.rs, in declaration order, errors last."""
        found = []
        for t in self.spec.types:
            if isinstance(t, ir.Alias):
                found.append(self.alias(t))
            elif isinstance(t, ir.Enum):
                found.append(self.enum(t))
            elif isinstance(t, ir.Record):
                found.append(self.record(t))
            elif isinstance(t, ir.Variant):
                found.append(self.variant(t))
        errors = [t for t in self.spec.types if isinstance(t, ir.Error)]
        if errors:
            found.extend(self.errors(errors))
        return found

    def alias(self, t: ir.Alias) -> str:
        return f"{doc(t.doc)}pub type {self.names.types[t.name]} = {self.type(t.target)};\n"

    def enum(self, t: ir.Enum) -> str:
        members = self.names.members[t.name]
        body = "".join(f"{doc(m.doc, 4)}    {members[m.name]},\n" for m in t.members)
        derive = "Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash"
        allow = _allow(self.facts.variant_names_clash(t.name, list(members.values())))
        return (
            f"{doc(t.doc)}#[derive({derive})]\n{allow}"
            f"pub enum {self.names.types[t.name]} {{\n{body}}}\n"
        )

    def derives(self, name: str, default: bool = False) -> str:
        found = ["Debug", "Clone", "PartialEq"]
        if not self.facts.has_float(name):
            found += ["Eq", "Hash"]
        if default:
            found.append("Default")
        return f"#[derive({', '.join(found)})]\n"

    def record(self, t: ir.Record) -> str:
        name = self.names.types[t.name]
        fields = self.names.fields[t.name]
        body = "".join(
            f"{doc(f.doc, 4)}    pub {fields[f.name]}: {self.type.field(t.name, f)},\n"
            for f in t.fields
        )
        required = [f for f in t.fields if self.facts.required(f)]
        derivable = not required and all(self.facts.zero_default(f) for f in t.fields)
        text = f"{doc(t.doc)}{self.derives(t.name, derivable)}pub struct {name} {{\n"
        text = text + body + "}\n" if t.fields else f"{text[:-3]} {{}}\n"
        if required and len(required) < len(t.fields):
            text += "\n" + self.constructor(t, name, required)
        elif not required and not derivable:
            text += "\n" + self.default_impl(t, name)
        return text

    def _literal(self, t: ir.Record, given: list[str]) -> layout.Struct:
        fields = self.names.fields[t.name]
        return layout.Struct(
            "Self",
            tuple(
                (
                    (fields[f.name], None)
                    if f.name in given
                    else (fields[f.name], self.value.default(t.name, f))
                )
                for f in t.fields
            ),
        )

    def constructor(self, t: ir.Record, name: str, required: list[ir.Field]) -> str:
        fields = self.names.fields[t.name]
        params = [f"{fields[f.name]}: {self.type.field(t.name, f)}" for f in required]
        allow = _allow(["clippy::too_many_arguments"] if len(params) > 7 else [], 4)
        sig = layout.Signature("pub fn new", params, "Self", " {").render(4)
        body = layout.statement(self._literal(t, [f.name for f in required]), 8, "")
        return (
            f"impl {name} {{\n    /// Return a `{name}` from its required fields, "
            f"the others at their defaults.\n{allow}{sig}\n{body}\n    }}\n}}\n"
        )

    def default_impl(self, t: ir.Record, name: str) -> str:
        body = layout.statement(self._literal(t, []), 8, "")
        return (
            f"impl Default for {name} {{\n    fn default() -> Self {{\n"
            f"{body}\n    }}\n}}\n"
        )

    def variant(self, t: ir.Variant) -> str:
        name = self.names.types[t.name]
        tags = self.names.tags[t.name]
        rows = []
        for tag in t.tags:
            fields = self.names.tag_fields[(t.name, tag.name)]
            rows.append(
                (
                    tag,
                    tags[tag.name],
                    [
                        (f.doc, f"{fields[f.name]}: {self.type.field(t.name, f, tag)}")
                        for f in tag.fields
                    ],
                )
            )
        allow = self.facts.variant_names_clash(t.name, list(tags.values()))
        if self.facts.large_variant(t.name):
            allow.append("clippy::large_enum_variant")
        return (
            f"{doc(t.doc)}{self.derives(t.name)}{_allow(allow)}pub enum {name} {{\n"
            f"{_cases(rows)}}}\n"
        )

    def errors(self, errors: list[ir.Error]) -> list[str]:
        """Return the spec's error enum, its messages, Display and Error impls."""
        name = self.names.error_enum
        variants = self.names.errors
        rows = []
        for e in errors:
            fields = self.names.error_fields[e.name]
            rows.append(
                (
                    e,
                    variants[e.name],
                    [
                        (f.doc, f"{fields[f.name]}: {self.type(f.type)}")
                        for f in e.fields
                    ],
                )
            )
        allow = self.facts.variant_names_clash(None, list(variants.values()))
        if self.facts.large_error_variant():
            allow.append("clippy::large_enum_variant")
        derive = self.derives_error(errors)
        enum = (
            f"/// The errors of {comment_text(spec_source_name(self.spec))}'s "
            f"operations, one variant per declared error.\n{derive}{_allow(allow)}"
            f"pub enum {name} {{\n{_cases(rows)}}}\n"
        )
        consts, arms = [], []
        for e in errors:
            variant = variants[e.name]
            if e.message is not None:
                const = self.names.messages[e.name]
                consts.append(
                    layout.assign(
                        f"const {const}: &str =", layout.Atom(rust_string(e.message)), 0
                    )
                    + "\n"
                )
                arms.append(
                    f"Self::{variant}{' { .. }' if e.fields else ''} => f.write_str({const}),"
                )
            elif e.fields:
                arms.append(f'Self::{variant} {{ .. }} => write!(f, "{{self:?}}"),')
            else:
                arms.append(f"Self::{variant} => f.write_str({rust_string(e.name)}),")
        display = (
            f"impl std::fmt::Display for {name} {{\n"
            "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n"
            "        match self {\n"
            + "".join(f"            {a}\n" for a in arms)
            + "        }\n    }\n}\n"
        )
        error = f"impl std::error::Error for {name} {{}}\n"
        return [enum, *(["".join(consts)] if consts else []), display, error]

    def derives_error(self, errors: list[ir.Error]) -> str:
        found = ["Debug", "Clone", "PartialEq"]
        if not any(self.facts.ref_has_float(f.type) for e in errors for f in e.fields):
            found += ["Eq", "Hash"]
        return f"#[derive({', '.join(found)})]\n"


def _allow(lints: list[str], indent: int = 0) -> str:
    """Return an `#[allow(…)]` attribute, stacked as rustfmt does past 70 columns."""
    if not lints:
        return ""
    pad, joined = " " * indent, ", ".join(lints)
    line = f"{pad}#[allow({joined})]"
    if len(joined) <= ATTR_FN_LIKE_WIDTH and layout.width(line) <= layout.MAX_WIDTH:
        return line + "\n"
    inner = ",\n".join(f"{pad}    {lint}" for lint in lints)
    return f"{pad}#[allow(\n{inner}\n{pad})]\n"


def _cases(rows: list[tuple[object, str, list[tuple[str, str]]]]) -> str:
    """Return the cases of an enum laid out as rustfmt does.

    A case with fields stays on one line unless its fields are documented or
    wider than `struct_variant_width`; and when some cases take several lines
    (a doc comment counts) while others take one, rustfmt stacks every case.
    """
    own = []
    for _decl, name, fields in rows:
        body = ", ".join(text for _, text in fields)
        own.append(
            bool(fields)
            and (
                any(d for d, _ in fields)
                or layout.width(body) > STRUCT_VARIANT_WIDTH
                or layout.width(f"    {name} {{ {body} }},") > layout.MAX_WIDTH
            )
        )
    multi = [
        s or bool(getattr(d, "doc", "")) for s, (d, _, _) in zip(own, rows, strict=True)
    ]
    stack_all = any(multi) and not all(multi)
    out = []
    for (decl, name, fields), stacked in zip(rows, own, strict=True):
        out.append(doc(getattr(decl, "doc", ""), 4))
        if not fields:
            out.append(f"    {name},\n")
        elif stacked or stack_all:
            inner = "".join(f"{doc(d, 8)}        {text},\n" for d, text in fields)
            out.append(f"    {name} {{\n{inner}    }},\n")
        else:
            out.append(f"    {name} {{ {', '.join(t for _, t in fields)} }},\n")
    return "".join(out)


# --- The trait and the scaffold --------------------------------------------------------


def methods(
    spec: ir.Spec, names: Names, facts: TypeFacts, types: RsTypes
) -> list[dict[str, object]]:
    """Return each operation's docs and its signature in the trait and the scaffold."""
    found = []
    large = facts.error_size() >= RESULT_LARGE_ERR
    parameters = Parameters(spec, types)
    for fn in spec.functions:
        params, how = names.params[fn.name], passing(spec, fn)
        typed = [
            f"{params[p.name]}: {parameters.type(p.type, how[p.name])}"
            for p in fn.params
        ]
        lints = []
        if len(typed) + 1 > 7:
            lints.append("clippy::too_many_arguments")
        if fn.raises and large:
            lints.append("clippy::result_large_err")
        method = names.methods[fn.name]
        if re.match(r"(into|from)_|(is|to|as)_", method):
            lints.append("clippy::wrong_self_convention")
        if method in ("new", "len", "is_empty"):
            lints += [
                "clippy::new_ret_no_self",
                "clippy::len_without_is_empty",
                "clippy::wrong_self_convention",
            ]
        returns = types.returns(fn)
        head = f"fn {method}"
        found.append(
            dict(
                fn=fn,
                rule=fn.rule or spec.id,
                name=method,
                bullets=[
                    line for s in code.normative(spec, fn.rule) for line in bullet(s, 4)
                ],
                raises=[
                    (names.error_enum, names.errors[e], _error_doc(spec, e))
                    for e in fn.raises
                ],
                allow=_allow(sorted(set(lints)), 4),
                trait=layout.Signature(head, ["&self", *typed], returns).render(4),
                scaffold=layout.Signature(
                    head, ["&self", *("_" + t for t in typed)], returns, " {"
                ).render(4),
                todo=rust_string("not implemented: rule " + (fn.rule or spec.id))
                .replace("{", "{{")
                .replace("}", "}}"),
            )
        )
    return found


def _error_doc(spec: ir.Spec, name: str) -> str:
    decl = spec.type(name)
    text = decl.doc if decl is not None else ""
    return comment_text(" ".join(text.split())) if text else ""


# --- The conformance tests ------------------------------------------------------------


class TestsFile:
    """Builds the body of tests/conformance.rs: wrappers, helpers and one test per example."""

    def __init__(
        self,
        spec: ir.Spec,
        names: Names,
        facts: TypeFacts,
        types: RsTypes,
        values: RsValues,
    ) -> None:
        self.spec, self.names, self.facts = spec, names, facts
        self.type, self.value = types, values
        self.parameters = Parameters(spec, types)

    def wrapper(self, fn: ir.Function) -> str:
        """Return the free function a test calls: the operation of a fresh implementation."""
        params = self.names.params[fn.name]
        typed = [f"{params[p.name]}: {self.type(p.type)}" for p in fn.params]
        name = self.names.wrappers[fn.name]
        lints = ["clippy::too_many_arguments"] if len(typed) > 7 else []
        if fn.raises and self.facts.error_size() >= RESULT_LARGE_ERR:
            lints.append("clippy::result_large_err")
        sig = layout.Signature(f"fn {name}", typed, self.type.returns(fn), " {")
        how = passing(self.spec, fn)
        args = [
            self.parameters.argument(params[p.name], p.type, how[p.name])
            for p in fn.params
        ]
        call = layout.Call(
            f"{self.names.api}::{self.names.methods[fn.name]}",
            (
                layout.Atom(f"&{self.names.impl}::default()", simple=False),
                *(layout.Atom(a, simple="." not in a) for a in args),
            ),
        )
        timed = layout.Call("within_time!", (call,), macro=True)
        return f"{_allow(lints)}{sig.render(0)}\n{layout.statement(timed, 4, '')}\n}}\n"

    def test(self, case: code.Case) -> tuple[str, str]:
        """Return the helper the test uses and the text of the test."""
        e = case.example
        fn = self.spec.function(e.function)
        assert fn is not None
        title = layout.Atom(rust_string(case.title))
        call = layout.Call(
            self.names.wrappers[fn.name], tuple(self.value(a) for a in e.args)
        )
        lines = [layout.assign("let got =", call, 4)]
        got = layout.Atom("got")
        if e.raises is not None:
            helper = "expect_error"
            check = layout.Call(
                "expect_error!", (got, self.value.error(e.raises), title), macro=True
            )
        else:
            assert e.result is not None
            lines.append(layout.assign("let want =", self.value(e.result), 4))
            want = layout.Atom("want")
            if e.expect == "approx":
                helper = "expect_close_ok" if fn.raises else "expect_close"
                tolerance = layout.Atom(code.float_literal(e.tolerance or 1e-6))
                check = layout.Call(helper, (got, want, tolerance, title))
            else:
                helper = "expect_ok" if fn.raises else "expect_eq"
                check = layout.Call(helper, (got, want, title))
        lines.append(layout.statement(check, 4))
        name = self.names.tests[case.title]
        text = (
            f"// {comment_text(case.title)}\n#[test]\nfn {name}() {{\n"
            + "\n".join(lines)
            + "\n}\n"
        )
        return helper, text

    def render(self) -> dict[str, object]:
        """Return what the template needs: wrappers, tests and the helpers they use."""
        built = [self.test(c) for c in code.cases(self.spec)]
        used = {h for h, _ in built}
        called = {e.function for e in self.spec.examples()}
        return dict(
            wrappers=[self.wrapper(f) for f in self.spec.functions if f.name in called],
            tests=[t for _, t in built],
            helpers=used,
            close="expect_close" in used or "expect_close_ok" in used,
        )
