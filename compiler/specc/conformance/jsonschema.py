"""Check the jsonschema target: the schema is valid 2020-12 and every example's values fit it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specc import ir
from specc.conformance import SPEC_WIDE, Result, Status, all_failed
from specc.emitters.code import Case, cases, has_code
from specc.emitters.jsonschema import SchemaMaker, schema_file, schema_id
from specc.naming import path_segment

if TYPE_CHECKING:
    from referencing import Registry


def run(target_dir: Path, spec: ir.Spec, timeout: float = 10.0) -> list[Result]:
    """Return one result per example: its arguments, result or error fields validate."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    if not has_code(spec):
        return []
    path = target_dir / schema_file(spec)
    try:
        schema = json.loads(path.read_text("utf-8"))
        Draft202012Validator.check_schema(schema)
    except (OSError, ValueError) as error:
        return _spec_wide(spec, f"cannot read {path.name}: {error}")
    except SchemaError as error:
        where = "/".join(str(p) for p in error.path) or "(root)"
        message = (
            f"{path.name} breaks the 2020-12 meta-schema at {where}: {error.message}"
        )
        return _spec_wide(spec, message)
    values = SchemaMaker(spec)
    try:
        used = _used_schemas(target_dir, spec)
    except (OSError, ValueError) as error:
        return _spec_wide(spec, f"cannot read the schema of a spec it uses: {error}")
    return [_check(case, schema, values, used) for case in cases(spec)]


def _used_schemas(target_dir: Path, spec: ir.Spec) -> Registry:
    """Return the schemas of the specs ``spec`` uses, by their `$id`."""
    from referencing import Registry, Resource

    found = []
    for used in spec.interfaces:
        path = target_dir / f"{path_segment(used.id)}.schema.json"
        contents = json.loads(path.read_text("utf-8"))
        found.append((schema_id(used.id), Resource.from_contents(contents)))
    return Registry().with_resources(found)


def _spec_wide(spec: ir.Spec, message: str) -> list[Result]:
    return all_failed(spec, message) or [
        Result(spec.id, SPEC_WIDE, 0, "failed", message, "the schema")
    ]


def _check(
    case: Case, schema: dict[str, Any], values: SchemaMaker, used: Registry
) -> Result:
    """Validate one example's values against the function's entries."""
    example = case.example
    fn = case.spec.function(example.function)
    assert fn is not None
    checks: list[tuple[str, Any, str]] = [
        (
            "the arguments",
            {
                p.name: values.value(a, p.type)
                for p, a in zip(fn.params, example.args, strict=True)
            },
            f"{fn.name}.arguments",
        )
    ]
    if example.result is not None:
        result = values.value(example.result, fn.returns)
        checks.append(("the result", result, f"{fn.name}.result"))
    error = case.spec.type(example.raises.error) if example.raises else None
    if example.raises is not None and isinstance(error, ir.Error):
        declared = values.fields(example.raises.fields, error.fields)
        for key, data in declared.items():
            pointer = f"{error.name}/properties/{key}"
            checks.append((f"error field `{key}`", data, pointer))
    problems = [
        f"{what} break $defs/{where}: {problem}"
        for what, data, where in checks
        for problem in _problems(schema, where, data, used)
    ]
    status: Status = "failed" if problems else "passed"
    return Result(
        case.spec.id,
        case.rule,
        example.index,
        status,
        "\n".join(problems),
        example.text,
    )


def _problems(
    schema: dict[str, Any], pointer: str, data: Any, used: Registry
) -> list[str]:
    """Return what is wrong with ``data`` against the entry at `$defs/<pointer>`."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    entry = {"$ref": f"#/$defs/{pointer}", "$defs": schema["$defs"]}
    # best_match looks inside `oneOf` for the branch the value came closest to.
    validator = Draft202012Validator(entry, registry=used)
    error = best_match(validator.iter_errors(data))
    if error is None:
        return []
    where = "/".join(str(p) for p in error.absolute_path)
    return [f"at /{where}: {error.message}"]
