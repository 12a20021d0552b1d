"""The JSON Schema of `specc.toml`, with every built-in target's options, for editors."""

from __future__ import annotations

import ast
import inspect
import textwrap
import typing
from typing import Any

from specc.config import SCHEMA_ID, ProjectConfig, Section
from specc.emitters import registry
from specc.emitters.packages import PackageOptions, SpecPackage
from specc.records import Record, fields
from specc.records.data import hints
from specc.records.models import model as model_of
from specc.targets import BUILTIN

DESCRIBED = (Section, PackageOptions, SpecPackage)
"""Record classes whose fields' docstrings are their descriptions in the schema."""


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of `specc.toml`, for editors, with every built-in target's options."""
    models: dict[type, bool] = {}
    described(ProjectConfig, models)
    schema = model_of(ProjectConfig).model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    defs = schema.setdefault("$defs", {})
    targets = schema["properties"]["targets"]
    targets["properties"] = {}
    for name in BUILTIN:
        model = registry.load(name).Options
        described(model, models)
        options = model_of(model).model_json_schema()
        defs.update(options.pop("$defs", {}))
        targets["properties"][name] = options
    llm = schema["properties"]["llm"]
    schema["properties"]["llm"] = {
        "anyOf": [{"$ref": llm.pop("$ref")}, {"type": "boolean"}],
        **llm,
    }
    return schema


def described(record: type[Record], done: dict[type, bool]) -> None:
    """Give the fields of ``record``'s model, and of the models of the records it
    holds, the docstrings written under them as descriptions, where a
    `DESCRIBED` class declares them.

    This is what pydantic's `use_attribute_docstrings` does when a class is made;
    done here, only for the schema, because finding each class's source on
    import cost every build about 10 ms.
    """
    if record in done:
        return
    done[record] = True
    for annotation in hints(record).values():
        for nested in _records(annotation):
            described(nested, done)
    model = model_of(record)
    changed = False
    for name in fields(record):
        info = model.model_fields[name]
        owner = next(
            c for c in record.__mro__ if name in vars(c).get("__annotations__", {})
        )
        if info.description is None and issubclass(owner, DESCRIBED):
            info.description = _docstrings(owner).get(name)
            changed = changed or info.description is not None
    if changed:
        model.model_rebuild(force=True)


def _records(annotation: object) -> list[type[Record]]:
    """Return the record classes an annotation names (``dict[str, SpecPackage]`` names one)."""
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _records(arg)]


def _docstrings(cls: type) -> dict[str, str]:
    """Return the docstring under each annotated field of ``cls``'s own source."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body if isinstance(tree.body[0], ast.ClassDef) else []
    found = {}
    for field, after in zip(body, body[1:], strict=False):
        if (
            isinstance(field, ast.AnnAssign)
            and isinstance(field.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            found[field.target.id] = inspect.cleandoc(after.value.value)
    return found
