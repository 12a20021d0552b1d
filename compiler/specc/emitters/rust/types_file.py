"""The items of a crate's types.rs: aliases, enums, structs, variants and the error enum."""

from __future__ import annotations

from typing import TypeAlias

from specc import ir
from specc.emitters.base import spec_source_name
from specc.emitters.rust import layout
from specc.emitters.rust.comments import allow, comment_text, doc
from specc.emitters.rust.model import rust_string
from specc.emitters.rust.part import CratePart
from specc.emitters.rust.signature import Signature

STRUCT_VARIANT_WIDTH = 35
"""rustfmt's `struct_variant_width`: a wider case body is laid out vertically."""

Case: TypeAlias = tuple[ir.VariantTag | ir.Error, str, list[tuple[str, str]]]
"""One case of a generated enum: what declares it, its name, its (doc, field) pairs."""


class TypesFile(CratePart):
    """Builds the items of types.rs as pre-rendered text blocks."""

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
        """Return `pub type Name = T;`."""
        return f"{doc(t.doc)}pub type {self.names.types[t.name]} = {self.type(t.target)};\n"

    def enum(self, t: ir.Enum) -> str:
        """Return a fieldless enum, `Copy` and ordered."""
        members = self.names.members[t.name]
        body = "".join(f"{doc(m.doc, 4)}    {members[m.name]},\n" for m in t.members)
        derive = "Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash"
        lints = self.facts.variant_names_clash(t.name, list(members.values()))
        return (
            f"{doc(t.doc)}#[derive({derive})]\n{allow(lints)}"
            f"pub enum {self.names.types[t.name]} {{\n{body}}}\n"
        )

    def derives(self, name: str, default: bool = False) -> str:
        """Return the `#[derive]` of a type: `Eq` and `Hash` unless it holds a float."""
        found = ["Debug", "Clone", "PartialEq"]
        if not self.facts.has_float(name):
            found += ["Eq", "Hash"]
        if default:
            found.append("Default")
        return f"#[derive({', '.join(found)})]\n"

    def record(self, t: ir.Record) -> str:
        """Return a struct, with `new` or `Default` when some fields have defaults."""
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
        """Return `impl Name { pub fn new(required…) }`, the others at their defaults."""
        fields = self.names.fields[t.name]
        params = [f"{fields[f.name]}: {self.type.field(t.name, f)}" for f in required]
        attribute = allow(["clippy::too_many_arguments"] if len(params) > 7 else [], 4)
        sig = Signature("pub fn new", params, "Self", " {").render(4)
        body = layout.statement(self._literal(t, [f.name for f in required]), 8, "")
        return (
            f"impl {name} {{\n    /// Return a `{name}` from its required fields, "
            f"the others at their defaults.\n{attribute}{sig}\n{body}\n    }}\n}}\n"
        )

    def default_impl(self, t: ir.Record, name: str) -> str:
        """Return `impl Default`, for defaults `#[derive(Default)]` would not give."""
        body = layout.statement(self._literal(t, []), 8, "")
        return (
            f"impl Default for {name} {{\n    fn default() -> Self {{\n"
            f"{body}\n    }}\n}}\n"
        )

    def variant(self, t: ir.Variant) -> str:
        """Return a tagged union as an enum of struct-like cases."""
        name = self.names.types[t.name]
        tags = self.names.tags[t.name]
        rows: list[Case] = []
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
        lints = self.facts.variant_names_clash(t.name, list(tags.values()))
        if self.facts.large_variant(t.name):
            lints.append("clippy::large_enum_variant")
        return (
            f"{doc(t.doc)}{self.derives(t.name)}{allow(lints)}pub enum {name} {{\n"
            f"{_cases(rows)}}}\n"
        )

    def errors(self, errors: list[ir.Error]) -> list[str]:
        """Return the spec's error enum, its messages, Display and Error impls."""
        name = self.names.error_enum
        variants = self.names.errors
        rows: list[Case] = []
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
        lints = self.facts.variant_names_clash(None, list(variants.values()))
        if self.facts.large_error_variant():
            lints.append("clippy::large_enum_variant")
        derive = self.derives_error(errors)
        enum = (
            f"/// The errors of {comment_text(spec_source_name(self.spec))}'s "
            f"operations, one variant per declared error.\n{derive}{allow(lints)}"
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
        """Return the error enum's `#[derive]`: `Eq` and `Hash` unless a field is a float."""
        found = ["Debug", "Clone", "PartialEq"]
        if not any(self.facts.ref_has_float(f.type) for e in errors for f in e.fields):
            found += ["Eq", "Hash"]
        return f"#[derive({', '.join(found)})]\n"


def _cases(rows: list[Case]) -> str:
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
    multi = [s or bool(d.doc) for s, (d, _, _) in zip(own, rows, strict=True)]
    stack_all = any(multi) and not all(multi)
    out = []
    for (decl, name, fields), stacked in zip(rows, own, strict=True):
        out.append(doc(decl.doc, 4))
        if not fields:
            out.append(f"    {name},\n")
        elif stacked or stack_all:
            inner = "".join(f"{doc(d, 8)}        {text},\n" for d, text in fields)
            out.append(f"    {name} {{\n{inner}    }},\n")
        else:
            out.append(f"    {name} {{ {', '.join(t for _, t in fields)} }},\n")
    return "".join(out)
