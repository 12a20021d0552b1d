"""The jsonschema target: one JSON Schema (draft 2020-12) per spec, a `$defs` entry per declaration.

Each record, enum, variant, error and alias becomes `$defs/<Name>`; each function
gets `$defs/<fn>.arguments` (an object keyed by parameter name) and
`$defs/<fn>.result`. Every entry keeps the rule it came from as `x-specc-rule`.
A doc comment line `JSON Schema: {…}` (what `specc import` writes for
constraints the spec language has no syntax for) is merged into the entry and
left out of its `description`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from specc import ir
from specc.emitters.base import EmitContext, OutputFile, header, owned_by
from specc.emitters.code import (
    CodeEmitter,
    foreign,
    has_code,
    resolve_alias,
    tag_field,
)
from specc.naming import escape_surrogates, path_segment

DIALECT = "https://json-schema.org/draft/2020-12/schema"
NOTE = re.compile(r"^JSON Schema: (\{.*\})\s*$")
"""A doc comment line holding JSON Schema keywords to merge into the entry."""
TAG_KEY = "x-specc-tag"
"""Names the discriminator property of a variant in its note (else `kind`)."""
VALUES_KEY = "x-specc-values"
"""Gives the JSON value of enum members and variant tags whose names differ."""
NAME_KEY = "x-specc-name"
"""Gives the JSON property name of a field whose name differs."""
NULLABLE_KEY = "x-specc-nullable"
"""Lets an optional field hold `null` (else `none` is the property left out)."""
REQUIRED_KEY = "x-specc-required"
"""Makes an optional field's property required (it must be there, maybe `null`)."""
SCHEMA_KEY = "x-specc-schema"
"""Replaces the whole schema of an entry (an alias so noted holds JSON text)."""
INT_KEY = r"^-?(0|[1-9][0-9]*)$"

Schema = dict[str, Any]


class JsonSchemaEmitter(CodeEmitter):
    """Emit one JSON Schema per spec that declares types or functions."""

    name = "jsonschema"
    description = "A JSON Schema (2020-12) per spec: its types, and each function's arguments and result"

    def emit_spec(
        self, ctx: EmitContext, spec: ir.Spec
    ) -> tuple[list[OutputFile], None]:
        if not has_code(spec):
            return [], None
        text = json.dumps(spec_schema(spec), indent=2, ensure_ascii=False)
        text = escape_surrogates(text) + "\n"
        return list(owned_by(spec, [OutputFile(schema_file(spec), text)])), None


def schema_file(spec: ir.Spec) -> str:
    """Return the path of a spec's schema under the target's folder."""
    return f"{path_segment(spec.id)}.schema.json"


def schema_id(spec_id: str) -> str:
    """Return the `$id` of a spec's schema, by which other specs' schemas refer to it."""
    return f"urn:specc:{spec_id}"


def spec_schema(spec: ir.Spec) -> Schema:
    """Return the JSON Schema of a spec's declarations."""
    schemas = SchemaMaker(spec)
    defs: Schema = {}
    for decl in spec.types:
        defs[decl.name] = schemas.declaration(decl)
    for fn in spec.functions:
        defs[f"{fn.name}.arguments"], defs[f"{fn.name}.result"] = schemas.function(fn)
    root: Schema = {
        "$schema": DIALECT,
        "$id": schema_id(spec.id),
        "$comment": header(spec),
        "title": spec.title,
    }
    if spec.summary:
        root["description"] = spec.summary
    root["$defs"] = defs
    return root


def split_doc(doc: str) -> tuple[str, Schema]:
    """Return a doc comment without its `JSON Schema:` lines, and their keywords."""
    kept, keywords = [], {}
    for line in doc.splitlines():
        note = NOTE.match(line.strip())
        parsed = _object(note.group(1)) if note else None
        if parsed is None:
            kept.append(line)
        else:
            keywords.update(parsed)
    return "\n".join(kept).strip(), keywords


def _object(text: str) -> Schema | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class SchemaMaker:
    """Turns one spec's declarations, types and values into JSON Schema."""

    def __init__(
        self, spec: ir.Spec, used: dict[str, SchemaMaker] | None = None
    ) -> None:
        self.spec = spec
        # one registry for the whole tree of used specs, so each is made once
        # (a registry per spec made the specs a spec reaches through several
        # paths again per path: exponential in a chain of specs)
        self._used: dict[str, SchemaMaker] = {} if used is None else used
        default = tag_field(spec)
        self.tags: dict[str, str] = {}
        """The discriminator property of each variant."""
        self.values: dict[str, dict[str, Any]] = {}
        """The JSON value of each enum member and variant tag named in a note."""
        self.raw: set[str] = set()
        """Aliases whose strings hold JSON text (a note gives their whole schema)."""
        for decl in spec.types:
            note = split_doc(decl.doc)[1]
            if isinstance(decl, ir.Variant):
                self.tags[decl.name] = str(note.get(TAG_KEY, default))
            if isinstance(note.get(VALUES_KEY), dict):
                self.values[decl.name] = note[VALUES_KEY]
            if isinstance(decl, ir.Alias) and SCHEMA_KEY in note:
                self.raw.add(decl.name)

    def declaration(self, decl: ir.TypeDecl) -> Schema:
        """Return the `$defs` entry of a type declaration."""
        doc, note = split_doc(decl.doc)
        note.pop(TAG_KEY, None)
        note.pop(VALUES_KEY, None)
        if isinstance(decl, ir.Alias):
            schema = self.type(decl.target)
        elif isinstance(decl, ir.Enum):
            schema = self.enum(decl)
        elif isinstance(decl, ir.Variant):
            schema = self.variant(decl)
        else:
            schema = self.object(decl.fields)
            if isinstance(decl, ir.Error) and decl.message is not None:
                schema["x-specc-message"] = decl.message
        return _annotated(schema, doc, note, decl.rule)

    def function(self, fn: ir.Function) -> tuple[Schema, Schema]:
        """Return the schemas of a function's arguments and of its result."""
        doc, _ = split_doc(fn.doc)
        arguments = {
            "type": "object",
            "properties": {p.name: self.type(p.type) for p in fn.params},
            "required": [p.name for p in fn.params],
            "additionalProperties": False,
        }
        result = self.type(fn.returns)
        if fn.raises:
            result = {**result, "x-specc-raises": list(fn.raises)}
        return _annotated(arguments, doc, {}, fn.rule), _annotated(
            result, "", {}, fn.rule
        )

    def of(self, spec_id: str) -> SchemaMaker:
        """Return the schema maker of a spec this one uses."""
        if spec_id not in self._used:
            used = self.spec.used(spec_id)
            assert used is not None, f"{self.spec.id} does not use {spec_id}"
            self._used[spec_id] = SchemaMaker(used, self._used)
        return self._used[spec_id]

    def ref(self, ref: ir.TypeRef) -> Schema:
        """Return a `$ref` to a declaration: in this schema, or in another spec's by its `$id`."""
        other = foreign(self.spec, ref)
        where = f"{schema_id(other)}#" if other is not None else "#"
        return {"$ref": f"{where}/$defs/{ref.name}"}

    def type(self, ref: ir.TypeRef) -> Schema:
        """Return the schema of a type."""
        if ref.kind == "named":
            return self.ref(ref)
        if ref.kind == "primitive":
            return dict(PRIMITIVES[str(ref.name)])
        if ref.kind == "list":
            return {"type": "array", "items": self.type(ref.args[0])}
        if ref.kind == "optional":
            return {"anyOf": [self.type(ref.args[0]), {"type": "null"}]}
        schema: Schema = {"type": "object"}
        keys = self.keys(ref.args[0])
        if keys:
            schema["propertyNames"] = keys
        schema["additionalProperties"] = self.type(ref.args[1])
        return schema

    def keys(self, ref: ir.TypeRef) -> Schema:
        """Return what the property names of a map with keys of ``ref`` must be."""
        key = resolve_alias(self.spec, ref)
        if key.kind == "named":
            return self.ref(key)
        if key.name == "int":
            return {"pattern": INT_KEY}
        if key.name == "bool":
            return {"enum": ["true", "false"]}
        return {}

    def enum(self, decl: ir.Enum) -> Schema:
        """Return an enum: its members' values, with their doc comments if any."""
        values = self.values.get(decl.name, {})
        names = [values.get(m.name, m.name) for m in decl.members]
        if not any(m.doc for m in decl.members):
            return {"type": "string", "enum": names}
        members = []
        for m, value in zip(decl.members, names, strict=True):
            member: Schema = {"const": value}
            if m.doc:
                member["description"] = m.doc
            members.append(member)
        return {"type": "string", "oneOf": members}

    def variant(self, decl: ir.Variant) -> Schema:
        """Return a tagged union: one object per tag, told apart by its tag property."""
        tag = self.tags[decl.name]
        values = self.values.get(decl.name, {})
        tags = []
        for t in decl.tags:
            schema = self.object(t.fields)
            const = {"const": values.get(t.name, t.name)}
            schema["properties"] = {tag: const, **schema["properties"]}
            schema["required"] = [tag, *schema.get("required", [])]
            doc, note = split_doc(t.doc)
            tags.append(_annotated(schema, doc, note, None))
        return {"oneOf": tags}

    def object(self, fields: list[ir.Field]) -> Schema:
        """Return an object with a property per field; fields without defaults required.

        An optional field left out is `none`, so its property is not required,
        and holds no `null` unless its note says `x-specc-nullable`.
        """
        properties: Schema = {}
        required = []
        for f in fields:
            doc, note = split_doc(f.doc)
            key = str(note.pop(NAME_KEY, f.name))
            nullable, needed = note.pop(NULLABLE_KEY, False), note.pop(
                REQUIRED_KEY, False
            )
            ref = (
                f.type.args[0] if f.type.kind == "optional" and not nullable else f.type
            )
            prop = _annotated(self.type(ref), doc, note, None)
            if needed or f.default is None:
                required.append(key)
            if f.default is not None and f.default.kind != "none":
                prop["default"] = self.value(f.default, f.type)
            properties[key] = prop
        schema: Schema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return schema

    def value(self, value: ir.Value, ref: ir.TypeRef) -> Any:
        """Return a spec value, standing where type ``ref`` is declared, as JSON."""
        while ref.kind == "named":
            other = foreign(self.spec, ref)
            if other is not None:
                return self.of(other).value(value, ref)
            decl = self.spec.type(str(ref.name))
            if not isinstance(decl, ir.Alias):
                break
            if decl.name in self.raw and isinstance(value, ir.StringValue):
                return _json_text(value.value)
            ref = decl.target
        if isinstance(value, ir.NoneValue):
            return None
        if ref.kind == "optional":
            return self.value(value, ref.args[0])
        if isinstance(value, ir.ListValue):
            item = ref.args[0] if ref.kind == "list" else value.type
            return [self.value(v, item) for v in value.items]
        if isinstance(value, ir.MapValue):
            of = ref.args[1] if ref.kind == "map" else value.type
            return {self.key(e.key): self.value(e.value, of) for e in value.entries}
        if isinstance(value, ir.BytesValue):
            return list(value.value)
        if isinstance(value, ir.EnumValue):
            return self.values.get(value.enum, {}).get(value.member, value.member)
        if isinstance(value, ir.RecordValue):
            decl = self.spec.type(value.record)
            return self.fields(value.fields, getattr(decl, "fields", []))
        if isinstance(value, ir.VariantValue):
            variant = self.spec.type(value.variant)
            assert isinstance(variant, ir.Variant)
            tag = next(t for t in variant.tags if t.name == value.tag)
            json_tag = self.values.get(variant.name, {}).get(tag.name, tag.name)
            return {
                self.tags[variant.name]: json_tag,
                **self.fields(value.fields, tag.fields),
            }
        return getattr(value, "value", None)

    def fields(self, values: list[ir.FieldValue], fields: list[ir.Field]) -> Schema:
        """Return record or tag fields as JSON properties."""
        declared = {f.name: f for f in fields}
        out = {}
        for v in values:
            f = declared[v.name]
            note = split_doc(f.doc)[1]
            if isinstance(v.value, ir.NoneValue) and not note.get(NULLABLE_KEY):
                continue
            out[str(note.get(NAME_KEY, f.name))] = self.value(v.value, f.type)
        return out

    def key(self, key: ir.Value) -> str:
        """Return a map key as a property name."""
        if isinstance(key, ir.BoolValue):
            return "true" if key.value else "false"
        if isinstance(key, ir.EnumValue):
            return str(self.values.get(key.enum, {}).get(key.member, key.member))
        return str(getattr(key, "value", ""))


def _json_text(text: str) -> Any:
    """Return the JSON value a raw alias's string holds (the string if it holds none)."""
    try:
        return json.loads(text)
    except ValueError:
        return text


PRIMITIVES: dict[str, Schema] = {
    "bool": {"type": "boolean"},
    "int": {"type": "integer", "format": "int64"},
    "float": {"type": "number"},
    "string": {"type": "string"},
    "bytes": {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 255},
    },
}


def _annotated(schema: Schema, doc: str, note: Schema, rule: str | None) -> Schema:
    """Return ``schema`` with its description, note keywords and rule ID."""
    if isinstance(note.get(SCHEMA_KEY), dict):
        note = dict(note)
        schema = dict(note.pop(SCHEMA_KEY))
    if "$ref" in schema and (doc or note):
        # Beside `$ref`, keywords apply too in 2020-12; `allOf` keeps older readers right.
        schema = {"allOf": [schema]}
    if doc:
        schema["description"] = doc
    schema.update(note)
    if rule:
        schema["x-specc-rule"] = rule
    return schema
