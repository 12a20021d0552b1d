"""JSON Schema to spec declarations: records, enums, variants, aliases, with warnings.

`$ref`s are resolved by `referencing` (the library `jsonschema` uses); a
schema that a `$ref` points at becomes a named declaration in its own rule.
"""

# size: module SchemaMapper is one recursive walk over every keyword the import maps.
# size: SchemaMapper each method maps one family of keywords, and they call each other.

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from referencing.exceptions import Unresolvable

from specc.importers.model import (
    BOOL,
    FLOAT,
    INT,
    STRING,
    Decl,
    Field,
    ListOf,
    MapOf,
    Named,
    Opt,
    Rule,
    Type,
    Warning,
    optional,
)
from specc.importers.names import (
    ANY_JSON,
    RESERVED_TYPES,
    Names,
    member_name,
    unique_members,
)

if TYPE_CHECKING:
    from referencing._core import Resolver

#: Keywords kept in a `JSON Schema:` note: the code targets ignore them, the
#: jsonschema target writes them back.
CONSTRAINTS = (
    "format",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "contentEncoding",
    "contentMediaType",
)
#: Keywords with no spec equivalent: each is a warning, and is dropped.
UNSUPPORTED = (
    "not",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "dependencies",
    "contains",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "patternProperties",
    "additionalItems",
)
PRIMITIVES = {"string": STRING, "integer": INT, "number": FLOAT, "boolean": BOOL}


@dataclass
class Mapped:
    """What a schema maps to at one position: a type, its doc lines and its note."""

    type: Type
    doc: list[str] = field(default_factory=list)
    note: dict[str, Any] = field(default_factory=dict)


def describe(schema: Any) -> list[str]:
    """Return a schema's title and description as doc comment lines."""
    if not isinstance(schema, dict):
        return []
    parts = [schema.get(k) for k in ("title", "description")]
    text = "\n\n".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return text.splitlines() if text else []


def pointers(document: Any) -> dict[int, str]:
    """Return the JSON Pointer of every object and list in ``document``, by identity."""
    found: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            found.setdefault(id(node), where)
            for key, value in node.items():
                escaped = str(key).replace("~", "~0").replace("/", "~1")
                stack.append((value, f"{where}/{escaped}"))
        elif isinstance(node, list):
            found.setdefault(id(node), where)
            stack.extend((v, f"{where}/{i}") for i, v in enumerate(node))
    return found


def last_segment(pointer: str) -> str:
    """Return the last token of a JSON Pointer, unescaped."""
    token = pointer.rsplit("/", 1)[-1]
    return token.replace("~1", "/").replace("~0", "~")


class SchemaMapper:
    """Maps the schemas of one document to declarations, collecting warnings."""

    def __init__(self, document: Any, resolver: Resolver, draft4: bool) -> None:
        self.document = document
        self.resolver = resolver
        self.draft4 = draft4
        """Whether `$ref` siblings are ignored and `exclusiveMinimum` is a flag."""
        self.pointers = pointers(document)
        self.types = Names(RESERVED_TYPES | {ANY_JSON})
        self.rule_ids = Names()
        self.declared: dict[int, Named] = {}
        self.rules: list[Rule] = []
        self.warnings: list[Warning] = []
        self.current: Rule | None = None
        self.any_json: Named | None = None
        self.queue: deque[tuple[Any, str, Named, Resolver, Rule]] = deque()
        """Declared schemas still to map."""
        self.inline_types: dict[int, Named] = {}
        """Enums and records declared for a schema met inline, by its identity."""

    def warn(self, pointer: str, message: str) -> None:
        """Record a construct that did not map."""
        self.warnings.append(Warning(pointer, message))

    # --- declarations ------------------------------------------------------------

    def declare(
        self, schema: Any, pointer: str, hint: str, resolver: Resolver, rule: str = ""
    ) -> Named:
        """Return the named type of a schema, declaring it (in a rule of its own) once."""
        key = id(schema)
        if key in self.declared:
            return self.declared[key]
        name = Named(self.types.type_name(member_name(hint) or "Schema"))
        self.declared[key] = name
        section = Rule(self.rule_ids.rule_id(rule or name.name), name.name)
        section.prose.append(f"Imported from `#{pointer}`.")
        self.rules.append(section)
        # Mapped later, by `drain`: a chain of references never deepens the stack.
        self.queue.append((schema, pointer, name, resolver, section))
        return name

    def drain(self) -> None:
        """Map every schema declared so far, and those their mapping declares."""
        while self.queue:
            schema, pointer, name, resolver, section = self.queue.popleft()
            self.current = section
            mapped = self.map(schema, pointer, name.name, resolver, name=name.name)
            if mapped.type == Opt(name):
                self.warn(
                    pointer,
                    f"a nullable named schema: its uses are not optional (write `{name.name}?` where they are)",
                )
                mapped.type = name
            if mapped.type == name:
                for decl in section.decls:
                    if decl.name == name.name:
                        decl.doc = [*mapped.doc, *decl.doc]
            else:
                alias = Decl("alias", name.name, mapped.doc, target=mapped.type)
                self.add(alias, mapped.note)
            self.current = None

    def add(self, decl: Decl, note: dict[str, Any] | None = None) -> Decl:
        """Add a declaration to the current rule, its note as a doc line."""
        if note:
            decl.doc = [*decl.doc, note_line(note)]
        assert self.current is not None
        self.current.decls.append(decl)
        return decl

    def json_type(self) -> Named:
        """Return the alias for any JSON value, declaring it on first use."""
        if self.any_json is None:
            self.any_json = Named(ANY_JSON)
            rule = Rule(self.rule_ids.rule_id("json"), "Any JSON value")
            rule.prose.append(
                "Where the document allows any JSON value, the spec holds its JSON text."
            )
            doc = [
                "Any JSON value, as its JSON text.",
                note_line({"x-specc-schema": {}}),
            ]
            rule.decls.append(Decl("alias", ANY_JSON, doc, target=STRING, raw=True))
            self.rules.append(rule)
        return self.any_json

    def verbatim(
        self, schema: Any, pointer: str, hint: str, resolver: Resolver, why: str
    ) -> Mapped:
        """Return a named alias of JSON text that keeps ``schema`` for the jsonschema target."""
        kept = self.inline(schema, resolver, 0)
        if kept is None:
            self.warn(pointer, f"{why}: any JSON value (`{ANY_JSON}`)")
            return Mapped(self.json_type())
        self.warn(
            pointer,
            f"{why}: JSON text, the schema kept verbatim for the jsonschema target",
        )
        name = self.types.type_name(hint + "Json" if hint else "Json")
        doc = [*describe(schema), note_line({"x-specc-schema": kept})]
        self.add(Decl("alias", name, doc, target=STRING, raw=True))
        return Mapped(Named(name))

    def inline(self, schema: Any, resolver: Resolver, depth: int) -> Any:
        """Return ``schema`` with its `$ref`s replaced by their targets; None if recursive."""
        if depth > 16:
            return None
        if isinstance(schema, list):
            items = [self.inline(s, resolver, depth) for s in schema]
            return None if any(i is None for i in items) else items
        if not isinstance(schema, dict):
            return schema
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key in ("$ref", "$dynamicRef", "$recursiveRef") and isinstance(
                value, str
            ):
                try:
                    target = resolver.lookup(value)
                except Unresolvable:
                    return None
                value = self.inline(target.contents, target.resolver, depth + 1)
                if value is None:
                    return None
                out.setdefault("allOf", []).append(value)
            elif key in (
                "$defs",
                "definitions",
                "$id",
                "$schema",
                "$anchor",
                "$dynamicAnchor",
                "$recursiveAnchor",
                "example",
                "discriminator",
                "xml",
                "externalDocs",
            ):
                continue
            elif key == "nullable" and value is True:
                out["nullable"] = True
            else:
                kept = (
                    self.inline(value, resolver, depth)
                    if key not in ("enum", "const", "default", "examples")
                    else value
                )
                if kept is None:
                    return None
                out[key] = kept
        if out.pop("nullable", False) is True:
            out = {"anyOf": [out, {"type": "null"}]}
        return out

    # --- one schema ---------------------------------------------------------------

    def map(
        self, schema: Any, pointer: str, hint: str, resolver: Resolver, name: str = ""
    ) -> Mapped:
        """Return what ``schema`` maps to; ``name`` names the record, enum or variant."""
        if schema is True or schema == {}:
            return Mapped(self.json_type())
        if not isinstance(schema, dict):
            why = "`false` admits no value" if schema is False else "not a schema"
            return self.verbatim(schema, pointer, hint, resolver, why)
        if isinstance(schema.get("$id"), str):
            resolver = resolver.in_subresource(resolver_resource(resolver, schema))
        for key in UNSUPPORTED:
            if key in schema and not (
                key in ("patternProperties", "propertyNames")
                and "properties" not in schema
            ):
                self.warn(
                    f"{pointer}/{key}", f"`{key}` has no equivalent in a spec; dropped"
                )
        doc = describe(schema)
        for key in ("$ref", "$dynamicRef", "$recursiveRef"):
            if isinstance(schema.get(key), str):
                return self.reference(schema, key, pointer, resolver, doc)
        mapped = self.shape(schema, pointer, hint, resolver, name)
        mapped.doc = doc + mapped.doc
        if schema.get("nullable") is True:
            mapped.type = optional(mapped.type)
        return mapped

    def reference(
        self,
        schema: dict[str, Any],
        key: str,
        pointer: str,
        resolver: Resolver,
        doc: list[str],
    ) -> Mapped:
        """Return the declaration a `$ref` points at."""
        ref = schema[key]
        if key != "$ref":
            self.warn(f"{pointer}/{key}", f"`{key}` resolved statically, as `$ref`")
        try:
            target = resolver.lookup(ref)
        except Unresolvable as error:
            self.warn(
                f"{pointer}/{key}",
                f"`{ref}` cannot be resolved here ({type(error).__name__}); external references are not followed: any JSON value",
            )
            return Mapped(self.json_type(), doc)
        where = self.pointers.get(id(target.contents), ref.partition("#")[2])
        hint = last_segment(where) or "Schema"
        if where == "" and isinstance(target.contents, dict):
            hint = str(target.contents.get("title") or "Schema")
        named = self.declare(target.contents, where, hint, target.resolver)
        ignored = [k for k in schema if k not in ANNOTATIONS and k != key]
        if ignored and not self.draft4:
            self.warn(
                pointer,
                f"keywords beside `{key}` ({', '.join(ignored)}) are not merged into `{named.name}`; dropped",
            )
        t: Type = optional(named) if schema.get("nullable") is True else named
        return Mapped(t, doc)

    def shape(
        self,
        schema: dict[str, Any],
        pointer: str,
        hint: str,
        resolver: Resolver,
        name: str,
    ) -> Mapped:
        """Return the mapping of a schema without `$ref`: by its type and applicators."""
        kinds = schema.get("type")
        nullable = False
        if isinstance(kinds, list):
            nullable = "null" in kinds
            kinds = [k for k in kinds if k != "null"]
            if (
                "object" in kinds
                and len(kinds) > 1
                and ("properties" in schema or "allOf" in schema)
            ):
                others = ", ".join(str(k) for k in kinds if k != "object")
                self.warn(
                    f"{pointer}/type",
                    f"a value of several types: only the object is kept ({others} dropped)",
                )
                kinds = ["object"]
            if len(kinds) > 1:
                return self.verbatim(
                    schema,
                    pointer,
                    hint,
                    resolver,
                    f"a value of several types ({', '.join(map(str, kinds))})",
                )
            kinds = kinds[0] if kinds else None
        mapped = self.by_kind(schema, kinds, pointer, hint, resolver, name)
        if nullable:
            mapped.type = optional(mapped.type)
        return mapped

    def by_kind(
        self,
        schema: dict[str, Any],
        kind: Any,
        pointer: str,
        hint: str,
        resolver: Resolver,
        name: str,
    ) -> Mapped:
        if "enum" in schema:
            return self.enum(schema, pointer, hint, name)
        if "const" in schema:
            return self.const(schema, pointer, hint, resolver)
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list):
                return self.union(schema, key, pointer, hint, resolver, name)
        if isinstance(schema.get("allOf"), list):
            return self.all_of(schema, pointer, hint, resolver, name)
        if kind == "object" or (
            kind is None
            and ("properties" in schema or "additionalProperties" in schema)
        ):
            return self.object(schema, pointer, hint, resolver, name)
        if kind == "array" or (
            kind is None and ("items" in schema or "prefixItems" in schema)
        ):
            return self.array(schema, pointer, hint, resolver)
        if kind in PRIMITIVES:
            return Mapped(PRIMITIVES[kind], note=self.constraints(schema, pointer))
        if kind is None:
            return Mapped(self.json_type(), note=self.constraints(schema, pointer))
        return self.verbatim(schema, pointer, hint, resolver, f"`type: {kind}`")

    def constraints(self, schema: dict[str, Any], pointer: str) -> dict[str, Any]:
        """Return the constraint keywords of a schema, in their 2020-12 form."""
        note = {k: schema[k] for k in CONSTRAINTS if k in schema}
        for bound, flag in (
            ("minimum", "exclusiveMinimum"),
            ("maximum", "exclusiveMaximum"),
        ):
            if note.get(flag) is True and bound in note:
                note[flag] = note.pop(bound)
            elif isinstance(note.get(flag), bool):
                note.pop(flag)
        fmt = note.get("format")
        if schema.get("type") == "integer" and fmt in ("int32", "int64"):
            pass  # both are the spec's 64-bit int; the note keeps which one it was.
        return note

    def enum(
        self, schema: dict[str, Any], pointer: str, hint: str, name: str
    ) -> Mapped:
        values = schema["enum"]
        if not name and id(schema) in self.inline_types:
            return Mapped(self.inline_types[id(schema)])
        if not isinstance(values, list) or not values:
            return self.verbatim(
                schema, pointer, hint, self.resolver, "an empty or malformed `enum`"
            )
        strings = [v for v in values if isinstance(v, str)]
        nullable = None in values
        if len(strings) == len(values) - (1 if nullable else 0) and strings:
            decl = Decl("enum", name or self.types.type_name(hint))

            decl.members = list(zip(unique_members(strings), strings, strict=True))
            renamed = [v for n, v in decl.members if n != v]
            note = {}
            if renamed:
                note["x-specc-values"] = {n: v for n, v in decl.members if n != v}
            self.add(decl, note)
            t: Type = Named(decl.name)
            if not name and not nullable:
                self.inline_types[id(schema)] = Named(decl.name)
            return Mapped(optional(t) if nullable else t)
        kinds = {_json_kind(v) for v in values if v is not None}
        if len(kinds) == 1 and next(iter(kinds)) in ("integer", "number", "boolean"):
            t = PRIMITIVES[next(iter(kinds))]
            return Mapped(optional(t) if nullable else t, note={"enum": values})
        return self.verbatim(
            schema, pointer, hint, self.resolver, "an `enum` of mixed values"
        )

    def const(
        self, schema: dict[str, Any], pointer: str, hint: str, resolver: Resolver
    ) -> Mapped:
        kind = _json_kind(schema["const"])
        if kind in PRIMITIVES:
            return Mapped(PRIMITIVES[kind], note={"const": schema["const"]})
        return self.verbatim(
            schema,
            pointer,
            hint,
            resolver,
            "a `const` that is not a string, number or boolean",
        )

    def array(
        self, schema: dict[str, Any], pointer: str, hint: str, resolver: Resolver
    ) -> Mapped:
        items = schema.get("items", True)
        note = self.constraints(schema, pointer)
        if isinstance(items, list) or "prefixItems" in schema:
            return self.verbatim(
                schema,
                pointer,
                hint,
                resolver,
                "a tuple (`prefixItems` or `items` as a list)",
            )
        item = self.positioned(
            self.map(items, f"{pointer}/items", hint + "Item", resolver), hint + "Item"
        )
        return Mapped(ListOf(item), note=note)

    def positioned(self, mapped: Mapped, hint: str) -> Type:
        """Return a type for a position without doc comments (items, map values)."""
        if not mapped.note:
            return mapped.type
        name = self.types.type_name(hint)
        self.add(Decl("alias", name, mapped.doc, target=mapped.type), mapped.note)
        return Named(name)

    def object(
        self,
        schema: dict[str, Any],
        pointer: str,
        hint: str,
        resolver: Resolver,
        name: str,
    ) -> Mapped:
        properties = schema.get("properties")
        extra = schema.get("additionalProperties", True)
        note = self.constraints(schema, pointer)
        if not isinstance(properties, dict) or not properties:
            if "patternProperties" in schema:
                self.warn(
                    f"{pointer}/patternProperties",
                    "`patternProperties` has no equivalent in a spec; a map of any property name",
                )
            if "propertyNames" in schema:
                self.warn(
                    f"{pointer}/propertyNames",
                    "`propertyNames` has no equivalent in a spec; a map of any property name",
                )
            if extra is False:
                note["maxProperties"] = 0
                value: Type = self.json_type()
            else:
                value = self.positioned(
                    self.map(
                        extra,
                        f"{pointer}/additionalProperties",
                        hint + "Value",
                        resolver,
                    ),
                    hint + "Value",
                )
            return Mapped(MapOf(value), note=note)
        if not name and id(schema) in self.inline_types:
            return Mapped(self.inline_types[id(schema)])
        decl = Decl("record", name or self.types.type_name(hint))
        if not name:
            self.inline_types[id(schema)] = Named(decl.name)
        decl.fields = self.fields(
            properties,
            schema.get("required", []),
            f"{pointer}/properties",
            decl.name,
            resolver,
        )
        if extra is False:
            note["additionalProperties"] = False
        elif isinstance(extra, dict) and extra:
            self.warn(
                f"{pointer}/additionalProperties",
                "extra properties beside `properties` have no equivalent in a spec; any extra property is allowed",
            )
        self.add(decl, note)
        return Mapped(Named(decl.name))

    def fields(
        self,
        properties: dict[str, Any],
        required: Any,
        pointer: str,
        owner: str,
        resolver: Resolver,
    ) -> list[Field]:
        """Return the fields of an object's properties; those not required are optional."""
        needed = set(required) if isinstance(required, list) else set()
        names = Names()
        out = []
        for key, prop in properties.items():
            where = f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
            mapped = self.map(prop, where, owner + key[:1].upper() + key[1:], resolver)
            spec_name = names.fresh(member_name(key))
            f = Field(spec_name, mapped.type, mapped.doc, pointer=where)
            if spec_name != key:
                f.json_name = key
                mapped.note["x-specc-name"] = key
            if isinstance(mapped.type, Opt):
                # The document allows `null` here: the property may hold it.
                mapped.note["x-specc-nullable"] = True
                if key in needed:
                    mapped.note["x-specc-required"] = True
            if isinstance(prop, dict) and "default" in prop:
                f.default, f.has_default = prop["default"], True
            elif key not in needed:
                f.type = optional(f.type)
            if mapped.note:
                f.doc = [*f.doc, note_line(mapped.note)]
            out.append(f)
        return out

    def union(
        self,
        schema: dict[str, Any],
        key: str,
        pointer: str,
        hint: str,
        resolver: Resolver,
        name: str,
    ) -> Mapped:
        branches = schema[key]
        others = [
            b
            for b in branches
            if not (isinstance(b, dict) and b.get("type") == "null" and len(b) == 1)
        ]
        if len(others) == 1 and len(others) < len(branches):
            inner = self.map(
                others[0],
                f"{pointer}/{key}/{branches.index(others[0])}",
                hint,
                resolver,
                name,
            )
            inner.type = optional(inner.type)
            return inner
        if len(branches) == 1:
            return self.map(branches[0], f"{pointer}/{key}/0", hint, resolver, name)
        variant = self.variant(schema, key, pointer, hint, resolver, name)
        if variant is not None:
            return variant
        return self.verbatim(
            schema, pointer, hint, resolver, f"`{key}` without a discriminator"
        )

    def variant(
        self,
        schema: dict[str, Any],
        key: str,
        pointer: str,
        hint: str,
        resolver: Resolver,
        name: str,
    ) -> Mapped | None:
        """Return a variant when every branch is an object told apart by one property."""
        if not name and id(schema) in self.inline_types:
            return Mapped(self.inline_types[id(schema)])
        objects = []
        for i, branch in enumerate(schema[key]):
            flat = self.flatten(branch, resolver, 0)
            if flat is None:
                return None
            objects.append((i, branch, *flat))
        discriminator = schema.get("discriminator")
        prop = (
            discriminator.get("propertyName")
            if isinstance(discriminator, dict)
            else None
        )
        if prop is None:
            prop = _common_const(objects)
        if not isinstance(prop, str):
            return None
        mapping = (
            discriminator.get("mapping", {}) if isinstance(discriminator, dict) else {}
        )
        by_ref = {v: k for k, v in mapping.items()} if isinstance(mapping, dict) else {}
        values = [_tag_value(o[2].get(prop), o[1], by_ref) for o in objects]
        if any(v is None for v in values):
            return None
        decl = Decl("variant", name or self.types.type_name(hint))
        decl.tag_property = prop
        if not name:
            self.inline_types[id(schema)] = Named(decl.name)
        tags = Names()
        for (i, _, properties, required, branch_resolver), value in zip(
            objects, values, strict=True
        ):
            assert value is not None
            fields = {k: v for k, v in properties.items() if k != prop}
            tag = tags.fresh(member_name(value))
            made = self.fields(
                fields,
                required,
                f"{pointer}/{key}/{i}/properties",
                decl.name + tag[:1].upper() + tag[1:],
                branch_resolver,
            )
            decl.tags.append((tag, value, made))
        note: dict[str, Any] = {"x-specc-tag": prop}
        renamed = {t: v for t, v, _ in decl.tags if t != v}
        if renamed:
            note["x-specc-values"] = renamed
        self.add(decl, note)
        return Mapped(Named(decl.name))

    def flatten(
        self, schema: Any, resolver: Resolver, depth: int, part: bool = False
    ) -> tuple[dict[str, Any], list[str], Resolver] | None:
        """Return the properties and required names of an object schema, `allOf` merged."""
        if depth > 8 or not isinstance(schema, dict):
            return None
        for key in ("$ref", "$dynamicRef", "$recursiveRef"):
            if isinstance(schema.get(key), str):
                try:
                    target = resolver.lookup(schema[key])
                except Unresolvable:
                    return None
                return self.flatten(target.contents, target.resolver, depth + 1, part)
        properties = dict(schema.get("properties") or {})
        required = list(schema.get("required") or [])
        for item in schema.get("allOf") or []:
            merged = self.flatten(item, resolver, depth + 1, part=True)
            if merged is None:
                return None
            properties = {**merged[0], **properties}
            required += merged[1]
        if not properties and not part:
            return None
        return properties, required, resolver

    def all_of(
        self,
        schema: dict[str, Any],
        pointer: str,
        hint: str,
        resolver: Resolver,
        name: str,
    ) -> Mapped:
        parts = schema["allOf"]
        rest = {k: v for k, v in schema.items() if k not in ("allOf", *ANNOTATIONS)}
        if len(parts) == 1 and not rest:
            return self.map(parts[0], f"{pointer}/allOf/0", hint, resolver, name)
        flat = self.flatten(schema, resolver, 0)
        if flat is None:
            return self.verbatim(
                schema,
                pointer,
                hint,
                resolver,
                "an `allOf` that is not a merge of objects",
            )
        merged = {"type": "object", "properties": flat[0], "required": flat[1]}
        return self.object(merged, pointer, hint, flat[2], name)


ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "default",
        "examples",
        "example",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$comment",
        "$schema",
        "$id",
        "$anchor",
        "$dynamicAnchor",
        "$defs",
        "definitions",
        "nullable",
        "xml",
        "externalDocs",
    }
)


def note_line(note: dict[str, Any]) -> str:
    """Return a `JSON Schema:` doc line holding ``note`` on one line."""
    return "JSON Schema: " + json.dumps(note, ensure_ascii=False)


def resolver_resource(resolver: Resolver, schema: dict[str, Any]) -> Any:
    """Return ``schema`` as a resource of the document's own dialect."""
    from referencing.jsonschema import DRAFT202012, specification_with

    dialect = schema.get("$schema")
    spec = (
        specification_with(dialect, default=DRAFT202012)
        if isinstance(dialect, str)
        else DRAFT202012
    )
    return spec.create_resource(schema)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "other"


def _common_const(objects: list[Any]) -> str | None:
    """Return a property every branch fixes to one string (`const` or a one-value enum)."""
    candidates: set[str] | None = None
    for _, _, properties, _, _ in objects:
        fixed = {k for k, v in properties.items() if _fixed(v) is not None}
        candidates = fixed if candidates is None else candidates & fixed
    return sorted(candidates)[0] if candidates else None


def _fixed(schema: Any) -> str | None:
    if not isinstance(schema, dict):
        return None
    if isinstance(schema.get("const"), str):
        return str(schema["const"])
    values = schema.get("enum")
    if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
        return values[0]
    return None


def _tag_value(prop: Any, branch: Any, by_ref: dict[str, str]) -> str | None:
    fixed = _fixed(prop)
    if fixed is not None:
        return fixed
    if isinstance(branch, dict) and isinstance(branch.get("$ref"), str):
        ref = branch["$ref"]
        return by_ref.get(ref, last_segment(ref))
    return None
