"""The benchmark generator's specs compile cleanly, and its JSON Schema matches them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from specc.frontend.compile import compile_file, summarize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from synth import generate  # noqa: E402


@pytest.mark.parametrize("split", [False, True])
def test_full_specs_compile_without_findings(tmp_path: Path, split: bool) -> None:
    paths = generate(120, tmp_path, full=True, split=split)
    assert len(paths) == (3 if split else 1)
    results = [compile_file(p) for p in paths]
    assert [d.message for r in results for d in r.diagnostics] == []
    counts = summarize(results)
    assert counts["types"] == 120 + 24
    assert counts["functions"] == 120
    assert counts["examples"] == 360


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    generate(60, tmp_path / "a", full=True, split=True)
    generate(60, tmp_path / "b", full=True, split=True)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == ["schema.json", "synth_000.spec.md", "synth_001.spec.md"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (
            tmp_path / "b" / name
        ).read_bytes()


def test_the_json_schema_describes_the_same_types(tmp_path: Path) -> None:
    import jsonschema

    generate(30, tmp_path)
    schema = json.loads((tmp_path / "schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    spec = compile_file(tmp_path / "synth.spec.md").spec
    assert spec is not None
    assert sorted(schema["definitions"]) == sorted(t.name for t in spec.types)
    record = next(t for t in spec.types if t.name == "Rec1")
    definition = schema["definitions"]["Rec1"]
    assert list(definition["properties"]) == [f.name for f in record.fields]
    required = [f.name for f in record.fields if f.type.kind != "optional"]
    assert definition["required"] == required


def test_specs_with_imports_hold_the_same_records_and_use_each_other(
    tmp_path: Path,
) -> None:
    from specc.frontend.project import Project

    plain = generate(200, tmp_path / "plain", full=True, split=True)
    paths = generate(200, tmp_path / "imports", full=True, split=True, imports=True)
    project = Project([str(p) for p in paths])
    results = [project.compile(str(p)) for p in paths]
    assert [d.message for r in results for d in r.diagnostics] == []
    assert summarize(results) == summarize([compile_file(p) for p in plain])
    uses = [[u.spec for u in r.spec.uses] for r in results if r.spec is not None]
    assert uses == [
        [],
        ["synth_000"],
        ["synth_000", "synth_001"],
        ["synth_000", "synth_001", "synth_002"],
    ]
    last = results[-1].spec
    assert last is not None
    foreign = {
        f.type.spec for t in last.types for f in getattr(t, "fields", []) if f.type.spec
    }
    assert foreign == {"synth_000", "synth_001", "synth_002"}
    with pytest.raises(ValueError):
        generate(10, tmp_path / "x", imports=True)
