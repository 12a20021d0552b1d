"""Specs the emitter-shortcut tests run over: the examples, the project and hostile/."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from conftest import DATA, EXAMPLES, ROOT
from specc import ir

PROJECT = ROOT / "examples" / "project"


def compiled(paths: Iterable[Path], out: Path) -> list[ir.Spec]:
    """Return the specs of one build of ``paths`` (the ts target checked) into ``out``."""
    from specc.build.driver import build

    result = build([str(p) for p in paths], ["ts"], out, check=True)
    assert result.specs, [d.message for d in result.diagnostics]
    return result.specs


def every_spec(out: Path) -> list[ir.Spec]:
    """Every spec of the examples, the project (specs that use others) and hostile/,
    compiled (with the ts target checked) under ``out``."""
    found = compiled([PROJECT], out / "project")
    for path in [*EXAMPLES.glob("*.spec.md"), *(DATA / "hostile").glob("*.spec.md")]:
        found += compiled([path], out / path.stem)
    return found


def field_owners(spec: ir.Spec) -> list[ir.Record | ir.VariantTag | ir.Error]:
    """Return every declaration of ``spec`` that has fields: records, errors, tags."""
    owners: list[ir.Record | ir.VariantTag | ir.Error] = []
    for decl in spec.types:
        if isinstance(decl, (ir.Record, ir.Error)):
            owners.append(decl)
        elif isinstance(decl, ir.Variant):
            owners.extend(decl.tags)
    return owners


def fields_of(spec: ir.Spec) -> list[ir.Field]:
    """Return every field of ``spec``'s records, errors and variant tags."""
    return [f for owner in field_owners(spec) for f in owner.fields]


def example_values(spec: ir.Spec) -> list[ir.Value]:
    """Return every value the examples of ``spec`` write: arguments, results and
    the fields of the errors they raise."""
    values: list[ir.Value] = []
    for example in spec.examples():
        values += example.args
        values += [example.result] if example.result is not None else []
        values += [f.value for f in example.raises.fields] if example.raises else []
    return values
