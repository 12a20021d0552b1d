"""Import one document: read it, tell OpenAPI from JSON Schema, validate, map, finish."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from specc.importers.model import (
    STRING,
    Field,
    Imported,
    ListOf,
    MapOf,
    Named,
    Opt,
    Type,
    Warning,
    optional,
)
from specc.importers.schemas import SchemaMapper, note_line
from specc.importers.writer import NotWritable, ValueWriter
from specc.naming import snake

SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
BASE_URI = "urn:specc:import"


class ImportFailed(Exception):
    """The file cannot be read as an OpenAPI document or a JSON Schema."""


def read(path: Path) -> Any:
    """Return the JSON or YAML content of a file."""
    import yaml

    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFailed(f"cannot read {path}: {error}") from error
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ImportFailed(f"{path} is neither JSON nor YAML: {error}") from error


def import_file(path: Path, name: str | None = None) -> Imported:
    """Return the import of the document at ``path``; ``name`` gives the spec's ID."""
    return import_document(read(path), name or path.name.split(".")[0] or "imported")


def import_document(document: Any, name: str) -> Imported:
    """Return the import of an OpenAPI document or a JSON Schema."""
    if isinstance(document, dict) and "swagger" in document:
        raise ImportFailed(
            "Swagger 2.0 is not supported: convert it to OpenAPI 3 first"
        )
    openapi = isinstance(document, dict) and str(
        document.get("openapi", "")
    ).startswith("3.")
    if not openapi and not isinstance(document, (dict, bool)):
        raise ImportFailed(
            "the document is neither an OpenAPI 3 document nor a JSON Schema"
        )
    if openapi:
        return _openapi(document, name)
    return _json_schema(document, name)


def _resolver(document: Any, specification: Any) -> Any:
    from jsonschema_specifications import REGISTRY

    # The meta-schemas are known by URI, as `jsonschema` knows them; nothing is fetched.
    resource = specification.create_resource(document)
    return REGISTRY.with_resource(BASE_URI, resource).crawl().resolver(BASE_URI)


def _openapi(document: dict[str, Any], name: str) -> Imported:
    from referencing.jsonschema import DRAFT4, DRAFT202012

    from specc.importers.openapi import OperationMapper

    version = str(document["openapi"])
    warnings = _validate_openapi(document, version)
    draft4 = not version.startswith("3.1")
    mapper = SchemaMapper(
        document, _resolver(document, DRAFT4 if draft4 else DRAFT202012), draft4
    )
    mapper.warnings = warnings
    schemas = (document.get("components") or {}).get("schemas") or {}
    for key, schema in schemas.items() if isinstance(schemas, dict) else []:
        pointer = "/components/schemas/" + key.replace("~", "~0").replace("/", "~1")
        mapper.declare(schema, pointer, key, mapper.resolver)
    operations = OperationMapper(mapper, document)
    operations.run()
    mapper.drain()
    operations.fill_errors()
    found_info = document.get("info")
    info: dict[str, Any] = found_info if isinstance(found_info, dict) else {}
    imported = _finish(
        mapper,
        name,
        info.get("title"),
        info.get("version"),
        info.get("description"),
        f"OpenAPI {version}",
    )
    _examples(operations, mapper, imported)
    return imported


def _validate_openapi(document: dict[str, Any], version: str) -> list[Warning]:
    """Return what breaks the OpenAPI schema that `openapi-spec-validator` ships.

    Only the document's structure is checked (with `jsonschema-rs` when it is
    installed, which `openapi-spec-validator` picks up): its per-schema and
    semantic checks take tens of seconds on a 1 MB document, and every schema
    the import maps is reported on anyway.
    """
    from openapi_spec_validator import schemas

    validator = (
        schemas.openapi_v31_schema_validator
        if version.startswith("3.1")
        else schemas.openapi_v30_schema_validator
    )
    errors = list(validator.iter_errors(document))
    return [_invalid(e, f"OpenAPI {version}") for e in errors[:20]]


def _invalid(error: Any, what: str) -> Warning:
    path = "".join(
        "/" + str(p).replace("~", "~0").replace("/", "~1")
        for p in getattr(error, "absolute_path", [])
    )
    message = str(getattr(error, "message", error)).splitlines()[0]
    return Warning(
        path,
        f"the document does not validate as {what}: {message}; imported as far as possible",
    )


def _json_schema(document: Any, name: str) -> Imported:
    from jsonschema.validators import validator_for
    from referencing.jsonschema import DRAFT4, DRAFT202012, specification_with

    dialect = document.get("$schema") if isinstance(document, dict) else None
    specification = (
        specification_with(dialect, default=DRAFT202012)
        if isinstance(dialect, str)
        else DRAFT202012
    )
    validator = validator_for(
        document,
        default=validator_for(
            {"$schema": "https://json-schema.org/draft/2020-12/schema"}
        ),
    )
    warnings = [
        _invalid(e, "a JSON Schema")
        for e in list(validator(validator.META_SCHEMA).iter_errors(document))[:20]
    ]
    mapper = SchemaMapper(
        document, _resolver(document, specification), specification in (DRAFT4,)
    )
    mapper.warnings = warnings
    title = document.get("title") if isinstance(document, dict) else None
    mapper.declare(document, "", str(title or name), mapper.resolver)
    for defs in ("$defs", "definitions"):
        found = document.get(defs) if isinstance(document, dict) else None
        for key, schema in found.items() if isinstance(found, dict) else []:
            mapper.declare(
                schema,
                f"/{defs}/" + key.replace("~", "~0").replace("/", "~1"),
                key,
                mapper.resolver,
            )
    mapper.drain()
    what = f"JSON Schema ({dialect or 'draft 2020-12'})"
    description = document.get("description") if isinstance(document, dict) else None
    return _finish(mapper, name, title, None, description, what)


def _finish(
    mapper: SchemaMapper, name: str, title: Any, version: Any, summary: Any, source: str
) -> Imported:
    """Break alias cycles, check defaults, and gather the import."""
    _break_alias_cycles(mapper)
    _rename_tag_clashes(mapper)
    decls = {d.name: d for r in mapper.rules for d in r.decls}
    values = ValueWriter(decls)
    for decl in decls.values():
        for fields in [decl.fields, *(f for _, _, f in decl.tags)]:
            for f in fields:
                _default(f, values, decl.name, mapper)
    spec_version = str(version) if version is not None else "1.0.0"
    if not SEMVER.match(spec_version):
        parts = (re.findall(r"\d+", spec_version) + ["0", "0", "0"])[:3]
        spec_version = ".".join(str(int(p)) for p in parts)
    return Imported(
        spec_id=snake(name),
        title=str(title or name),
        version=spec_version,
        summary=(
            " ".join(str(summary).split())[:300] if isinstance(summary, str) else ""
        ),
        rules=mapper.rules,
        warnings=mapper.warnings,
        source=source,
    )


def _default(f: Field, values: ValueWriter, owner: str, mapper: SchemaMapper) -> None:
    if not f.has_default:
        return
    try:
        f.default = values.write(f.default, f.type)
    except NotWritable as error:
        mapper.warn(
            f"{f.pointer}/default",
            f"the default of `{owner}.{f.name}` does not fit its type ({error}); the field is optional, the default kept as a note",
        )
        f.doc = [*f.doc, note_line({"default": f.default})]
        f.has_default, f.default = False, None
        f.type = optional(f.type)


def _break_alias_cycles(mapper: SchemaMapper) -> None:
    """Make aliases that refer to themselves (which a spec cannot say) any JSON value."""
    aliases = {
        d.name: d
        for r in mapper.rules
        for d in r.decls
        if d.kind == "alias" and not d.raw
    }
    uses = {
        name: {n for n in _names(d.target) if n in aliases}
        for name, d in aliases.items()
    }
    for name, decl in aliases.items():
        seen, stack = set(), list(uses[name])
        while stack:
            current = stack.pop()
            if current == name:
                mapper.warn(
                    "",
                    f"`{name}` refers to itself through aliases, which a spec cannot say: any JSON value",
                )
                decl.target, decl.raw = STRING, True
                decl.doc = [*decl.doc, note_line({"x-specc-schema": {}})]
                break
            if current not in seen:
                seen.add(current)
                stack.extend(uses.get(current, ()))
        if decl.raw:
            uses[name] = set()


def _rename_tag_clashes(mapper: SchemaMapper) -> None:
    """Rename a declaration whose name is a variant's name and a tag's (`ChatMessageUser`).

    The TypeScript target names the type of each tag so, and two types of one
    name would merge.
    """
    from specc.naming import pascal

    decls = [d for r in mapper.rules for d in r.decls]
    tag_types = {
        pascal(d.name) + pascal(tag)
        for d in decls
        if d.kind == "variant"
        for tag, _, _ in d.tags
    }
    renames = {}
    for decl in decls:
        if pascal(decl.name) in tag_types:
            renames[decl.name] = mapper.types.fresh(decl.name + "Record")
            decl.name = renames[decl.name]
    if not renames:
        return

    def renamed(t: Type | None) -> Type | None:
        if isinstance(t, Named):
            return Named(renames.get(t.name, t.name))
        if isinstance(t, ListOf):
            return ListOf(renamed(t.item))  # type: ignore[arg-type]
        if isinstance(t, MapOf):
            return MapOf(renamed(t.value))  # type: ignore[arg-type]
        if isinstance(t, Opt):
            return Opt(renamed(t.inner))  # type: ignore[arg-type]
        return t

    for rule in mapper.rules:
        for decl in rule.decls:
            decl.target = renamed(decl.target)
            for f in [*decl.fields, *(f for _, _, fs in decl.tags for f in fs)]:
                f.type = renamed(f.type)  # type: ignore[assignment]
        if rule.function is not None:
            fn = rule.function
            fn.returns = renamed(fn.returns)  # type: ignore[assignment]
            for p in fn.params:
                p.type = renamed(p.type)  # type: ignore[assignment]
            fn.raises = [renames.get(e, e) for e in fn.raises]


def _names(t: Type | None) -> list[str]:
    if isinstance(t, Named):
        return [t.name]
    if isinstance(t, (ListOf,)):
        return _names(t.item)
    if isinstance(t, MapOf):
        return _names(t.value)
    if isinstance(t, Opt):
        return _names(t.inner)
    return []


def _examples(operations: Any, mapper: SchemaMapper, imported: Imported) -> None:
    """Write each operation's example as an `examples` line, or say why not."""
    decls = {d.name: d for r in imported.rules for d in r.decls}
    values = ValueWriter(decls)
    for pending in operations.pending:
        fn = pending.function
        if not pending.has_result:
            continue
        missing = [
            a.name
            for a, _, has in pending.args
            if not has and not isinstance(a.type, Opt)
        ]
        if missing:
            fn.examples.append(
                f"# The response example at #{pending.pointer} is not written: `{missing[0]}` has no example value."
            )
            continue
        try:
            args = [
                values.write(v if has else None, a.type) for a, v, has in pending.args
            ]
            result = values.write(pending.result, fn.returns)
        except NotWritable as error:
            fn.examples.append(
                f"# The example at #{pending.pointer} does not type-check: {error}."
            )
            mapper.warn(
                pending.pointer,
                f"its example does not type-check ({error}); kept as a comment",
            )
            continue
        fn.examples.append(f"{fn.name}({', '.join(args)}) == {result}")
