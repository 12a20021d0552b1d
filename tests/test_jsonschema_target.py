"""The jsonschema target: valid 2020-12, every example's values fit it, goldens."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from test_podcast_target import golden_problems

from conftest import EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden" / "jsonschema"
SPECS = sorted(EXAMPLES.glob("*.spec.md")) + sorted((ROOT / "specs").glob("*.spec.md"))


def build_into(out: Path, paths: list[Path]):  # type: ignore[no-untyped-def]
    """Build specs for the jsonschema target into ``out``; return the build result."""
    from specc.build.driver import build

    result = build([str(p) for p in paths], ["jsonschema"], out)
    assert result.ok, [d.message for d in result.diagnostics]
    return result


def compile_spec(path: Path):  # type: ignore[no-untyped-def]
    """Return the IR of one spec file."""
    from specc.frontend.compile import compile_file

    compiled = compile_file(str(path))
    assert compiled.ok and compiled.spec is not None
    return compiled.spec


def write_spec(folder: Path, body: str) -> Path:
    """Write a one-file spec and return its path."""
    path = folder / "notes.spec.md"
    path.write_text("---\nspec: notes\nversion: 1.0.0\n---\n" + body, "utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return an output folder with the schemas of every spec of the repo."""
    out = tmp_path_factory.mktemp("jsonschema")
    build_into(out, SPECS)
    return out


def test_each_schema_is_valid_2020_12_with_an_entry_per_declaration(
    built: Path,
) -> None:
    """Every spec with declarations gets a schema that passes the 2020-12
    meta-schema, with a `$defs` entry per type and two per function, each
    keeping its rule ID."""
    for path in SPECS:
        spec = compile_spec(path)
        file = built / "jsonschema" / f"{spec.id}.schema.json"
        if not (spec.types or spec.functions):
            assert not file.exists()
            continue
        schema = json.loads(file.read_text("utf-8"))
        Draft202012Validator.check_schema(schema)
        expected = [t.name for t in spec.types] + [
            f"{f.name}.{part}"
            for f in spec.functions
            for part in ("arguments", "result")
        ]
        assert list(schema["$defs"]) == expected
        for decl in [*spec.types, *spec.functions]:
            if decl.rule:
                key = decl.name if decl in spec.types else f"{decl.name}.arguments"
                assert schema["$defs"][key]["x-specc-rule"] == decl.rule


def test_every_example_of_the_repos_specs_validates(built: Path) -> None:
    """The conformance runner passes every example of every spec of the repo."""
    from specc.conformance.jsonschema import run

    total = 0
    for path in SPECS:
        results = run(built / "jsonschema", compile_spec(path))
        assert [r for r in results if r.status != "passed"] == []
        total += len(results)
    assert total > 40


def test_the_runner_names_the_value_that_breaks_the_schema(tmp_path: Path) -> None:
    """A schema edited by hand so a field is a string fails the examples that
    pass a number there, saying where."""
    from specc.conformance.jsonschema import run

    path = EXAMPLES / "geometry.spec.md"
    build_into(tmp_path, [path])
    file = tmp_path / "jsonschema" / "geometry.schema.json"
    schema = json.loads(file.read_text("utf-8"))
    schema["$defs"]["Point"]["properties"]["x"] = {"type": "string"}
    file.write_text(json.dumps(schema), "utf-8")
    failed = [
        r
        for r in run(tmp_path / "jsonschema", compile_spec(path))
        if r.status == "failed"
    ]
    assert {r.rule for r in failed} == {"area", "bounding_box"}
    assert (
        "the arguments break $defs/area.arguments: at /shape/points/0/x"
        in failed[0].message
    )
    assert "is not of type 'string'" in failed[0].message


def test_a_schema_that_breaks_the_meta_schema_fails_every_example(
    tmp_path: Path,
) -> None:
    """A `type` the meta-schema does not know is one spec-wide failure."""
    from specc.conformance.jsonschema import run

    path = EXAMPLES / "todo.spec.md"
    build_into(tmp_path, [path])
    file = tmp_path / "jsonschema" / "todo.schema.json"
    schema = json.loads(file.read_text("utf-8"))
    schema["$defs"]["Task"]["type"] = "record"
    file.write_text(json.dumps(schema), "utf-8")
    results = run(tmp_path / "jsonschema", compile_spec(path))
    assert len(results) == 1 and results[0].rule == "(spec)"
    assert "breaks the 2020-12 meta-schema at $defs/Task/type" in results[0].message
    assert results[0].covers == len(list(compile_spec(path).examples()))


def test_types_values_and_notes_map_as_documented(tmp_path: Path) -> None:
    """Optionals, defaults, maps by key type, bytes, enum docs, error fields and
    a `JSON Schema:` note each become the documented keywords; the schema
    accepts the JSON of a value and rejects what the note forbids."""
    path = write_spec(
        tmp_path,
        """# Notes {#notes}

```specc
enum Color {
  /// Warm.
  red
  green
}
/// A note.
/// JSON Schema: {"minProperties": 1}
record Note {
  /// Its text.
  /// JSON Schema: {"minLength": 1, "pattern": "^[a-z ]+$"}
  text: string
  color: Color = red
  by_color: map<Color, int> = {}
  by_number: map<int, bool> = {}
  raw: bytes = []
  parent: Note?
}
error TooLong { limit: int }
fn shorten(note: Note) -> Note raises TooLong
```

```examples
shorten({text: "a b"}) == {text: "a", by_number: {1: true, -2: false}}
shorten({text: "x", raw: [1, 255]}) raises TooLong{limit: 3}
```
""",
    )
    build_into(tmp_path / "out", [path])
    schema = json.loads(
        (tmp_path / "out" / "jsonschema" / "notes.schema.json").read_text()
    )
    defs = schema["$defs"]
    note = defs["Note"]
    assert note["minProperties"] == 1 and note["description"] == "A note."
    assert note["required"] == ["text"]
    text = note["properties"]["text"]
    assert text == {
        "type": "string",
        "description": "Its text.",
        "minLength": 1,
        "pattern": "^[a-z ]+$",
    }
    assert note["properties"]["color"] == {"$ref": "#/$defs/Color", "default": "red"}
    assert note["properties"]["by_color"]["propertyNames"] == {"$ref": "#/$defs/Color"}
    assert note["properties"]["by_number"]["propertyNames"] == {
        "pattern": "^-?(0|[1-9][0-9]*)$"
    }
    # An optional field left out is none: no `null` in its property.
    assert note["properties"]["parent"] == {"$ref": "#/$defs/Note"}
    assert defs["Color"]["oneOf"] == [
        {"const": "red", "description": "Warm."},
        {"const": "green"},
    ]
    assert defs["shorten.result"]["x-specc-raises"] == ["TooLong"]
    validator = Draft202012Validator({"$ref": "#/$defs/Note", "$defs": defs})
    assert validator.is_valid(
        {"text": "a b", "by_color": {"red": 2}, "by_number": {"-3": True}}
    )
    assert not validator.is_valid({"text": ""})
    assert not validator.is_valid({"text": "a", "by_color": {"blue": 1}})
    assert not validator.is_valid({"text": "a", "by_number": {"01": True}})
    assert not validator.is_valid({"text": "a", "raw": [256]})
    from specc.conformance.jsonschema import run

    results = run(tmp_path / "out" / "jsonschema", compile_spec(path))
    assert [r.status for r in results] == ["passed", "passed"]


def test_example_specs_match_goldens(tmp_path: Path, update_goldens: bool) -> None:
    """The shared examples' schemas equal tests/golden/jsonschema/ byte for byte."""
    build_into(tmp_path, sorted(EXAMPLES.glob("*.spec.md")))
    folder = tmp_path / "jsonschema"
    files = {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
    if update_goldens:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for relative, data in files.items():
            (GOLDEN / relative).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / relative).write_bytes(data)
    assert golden_problems(files, GOLDEN) == []
