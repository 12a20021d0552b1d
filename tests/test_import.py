"""`specc import`: OpenAPI and JSON Schema documents become specs that check, build and compile."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import black
import jsonschema_specifications
import openapi_schema_validator
import openapi_spec_validator
import pytest

from conftest import DATA

PETSTORE = DATA / "import" / "petstore.yaml"


def _package_file(module: object, *parts: str) -> Path:
    return Path(str(module.__file__)).parent.joinpath(*parts)  # type: ignore[attr-defined]


#: Documents nobody here wrote, shipped inside packages from PyPI, by the spec ID
#: each is imported as.
REAL = {
    "draft7": _package_file(
        jsonschema_specifications, "schemas", "draft7", "metaschema.json"
    ),
    "draft201909": _package_file(
        jsonschema_specifications, "schemas", "draft201909", "metaschema.json"
    ),
    "draft202012": _package_file(
        jsonschema_specifications, "schemas", "draft202012", "metaschema.json"
    ),
    "vocab_validation": _package_file(
        jsonschema_specifications,
        "schemas",
        "draft202012",
        "vocabularies",
        "validation",
    ),
    "vocab_meta_data": _package_file(
        jsonschema_specifications,
        "schemas",
        "draft202012",
        "vocabularies",
        "meta-data",
    ),
    "vocab_format": _package_file(
        jsonschema_specifications,
        "schemas",
        "draft202012",
        "vocabularies",
        "format-annotation",
    ),
    "oas30": _package_file(
        openapi_spec_validator, "resources", "schemas", "v3.0", "schema.json"
    ),
    "oas31": _package_file(
        openapi_spec_validator, "resources", "schemas", "v3.1", "schema.json"
    ),
    "oas31_dialect": _package_file(
        openapi_schema_validator, "schemas", "oas3.1", "metaschema.json"
    ),
    "black_config": _package_file(black, "resources", "black.schema.json"),
}
INSPECT_OPENAPI = "inspect_api"
"""The OpenAPI 3.1 document of Inspect AI's log viewer (a test dependency)."""


def _inspect_openapi() -> Path:
    import inspect_ai

    return _package_file(inspect_ai, "_view", "inspect-openapi.json")


def import_into(folder: Path, source: Path, name: str):  # type: ignore[no-untyped-def]
    """Import ``source`` as spec ``name`` into ``folder``; return the import."""
    from specc.importers.document import import_file
    from specc.importers.writer import write_spec

    imported = import_file(source, name)
    (folder / f"{name}.spec.md").write_text(write_spec(imported), "utf-8")
    return imported


def compile_spec(path: Path):  # type: ignore[no-untyped-def]
    """Return the compile result of one spec file."""
    from specc.frontend.compile import compile_file

    return compile_file(str(path))


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder with every real document and the Petstore imported, built for
    ts, rust, python, docs and jsonschema."""
    from specc.build.driver import build

    folder = tmp_path_factory.mktemp("imported")
    sources = {**REAL, INSPECT_OPENAPI: _inspect_openapi(), "petstore": PETSTORE}
    for name, source in sources.items():
        import_into(folder, source, name)
    specs = sorted(str(p) for p in folder.glob("*.spec.md"))
    targets = ["ts", "rust", "python", "docs", "jsonschema"]
    result = build(specs, targets, folder / "out")
    assert result.ok, [d.message for d in result.diagnostics if d.severity == "error"]
    return folder


# --- the Petstore, construct by construct ---------------------------------------------


def test_the_petstore_maps_schemas_and_operations(tmp_path: Path) -> None:
    """Records, enums, the discriminated union, operations with their arguments,
    result, errors and examples each become what docs/import.md says."""
    result = import_into(tmp_path, PETSTORE, "petstore")
    text = (tmp_path / "petstore.spec.md").read_text("utf-8")
    compiled = compile_spec(tmp_path / "petstore.spec.md")
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    spec = compiled.spec
    assert spec is not None and spec.version == "1.2.0"
    status = spec.type("Status")
    assert [m.name for m in status.members] == ["available", "pending", "sold", "on_hold"]  # type: ignore[union-attr]
    assert '"x-specc-values": {"on_hold": "on-hold"}' in status.doc  # type: ignore[union-attr]
    animal = spec.type("Animal")
    assert [t.name for t in animal.tags] == ["dog", "cat"]  # type: ignore[union-attr]
    assert '"x-specc-tag": "petType"' in animal.doc  # type: ignore[union-attr]
    pet = spec.type("Pet")
    fields = {f.name: f for f in pet.fields}  # type: ignore[union-attr]
    assert list(fields)[:2] == ["id", "status"] and fields["id"].default is None
    assert fields["status"].default.kind == "enum"  # type: ignore[union-attr]
    assert fields["nickname"].type.kind == "optional"
    assert '"pattern": "^[A-Za-z ]+$"' in fields["name"].doc
    listing = spec.function("list_pets")
    assert listing is not None and listing.rule == "list_pets"
    assert [p.name for p in listing.params] == ["limit", "status"]
    assert listing.raises == ["UnexpectedError"]
    show = spec.function("show_pet_by_id")
    assert show is not None and show.raises == ["NotFound"]
    assert spec.function("delete_pet").returns.name == "NoContent"  # type: ignore[union-attr]
    assert [e.function for e in spec.examples()] == [
        "list_pets",
        "create_pet",
        "show_pet_by_id",
    ]
    assert "# The example at #/paths/~1stats/get does not type-check" in text
    assert "## List the pets {#list_pets}" in text and "`GET /pets`" in text
    assert result.warnings


#: Each construct of the Petstore that has no equivalent, by the JSON Pointer the
#: warning names and what it says was done.
UNSUPPORTED = {
    "/components/schemas/Stats/properties/byName/patternProperties": "a map of any property name",
    "/components/schemas/Stats/properties/odd/not": "dropped",
    "/components/schemas/Stats/properties/shaped/if": "dropped",
    "/components/schemas/Stats/properties/shaped/then": "dropped",
    "/components/schemas/Stats/properties/shaped/else": "dropped",
    "/components/schemas/Stats/properties/remote/$ref": "external references are not followed: any JSON value",
    "/components/schemas/Stats/properties/either": "kept verbatim for the jsonschema target",
    "/paths/~1stats/get": "kept as a comment",
}


@pytest.mark.parametrize("pointer", sorted(UNSUPPORTED))
def test_each_unsupported_construct_is_a_warning_with_its_pointer(
    tmp_path: Path, pointer: str
) -> None:
    result = import_into(tmp_path, PETSTORE, "petstore")
    found = [w.message for w in result.warnings if w.pointer == pointer]
    assert len(found) == 1 and UNSUPPORTED[pointer] in found[0]


def test_more_constructs_are_warned_not_dropped(tmp_path: Path) -> None:
    """A tuple, a union of types, `false`, a recursive alias, a default that does not
    fit, `allOf` of a non-object: a warning each, and a spec that checks."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "pair": {"prefixItems": [{"type": "string"}, {"type": "integer"}]},
            "either": {"type": ["string", "integer"]},
            "never": False,
            "tree": {"$ref": "#/$defs/tree"},
            "size": {"type": "integer", "default": "big"},
            "merged": {"allOf": [{"type": "string"}, {"minLength": 2}]},
            "dependent": {
                "type": "object",
                "properties": {"a": {}},
                "dependentRequired": {"a": ["b"]},
            },
        },
        "$defs": {"tree": {"type": "array", "items": {"$ref": "#/$defs/tree"}}},
    }
    source = tmp_path / "odd.json"
    source.write_text(json.dumps(schema))
    result = import_into(tmp_path, source, "odd")
    by_pointer = {w.pointer: w.message for w in result.warnings}
    assert "tuple" in by_pointer["/properties/pair"]
    assert "several types" in by_pointer["/properties/either"]
    assert "`false` admits no value" in by_pointer["/properties/never"]
    assert "refers to itself" in by_pointer[""]
    assert "does not fit its type" in by_pointer["/properties/size/default"]
    assert "not a merge of objects" in by_pointer["/properties/merged"]
    assert "dropped" in by_pointer["/properties/dependent/dependentRequired"]
    assert compile_spec(tmp_path / "odd.spec.md").ok


def test_the_command_writes_the_spec_and_reports_warnings(tmp_path: Path, cli) -> None:
    out = tmp_path / "specs" / "shop.spec.md"
    result = cli("import", str(PETSTORE), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").startswith("---\nspec: shop\n")
    assert (
        f"{PETSTORE}#/components/schemas/Stats/properties/odd/not: warning:"
        in result.output
    )
    assert "imported OpenAPI 3.1.0 into" in result.output


def test_a_file_that_is_neither_is_an_error_not_a_traceback(
    tmp_path: Path, cli
) -> None:
    source = tmp_path / "list.yaml"
    source.write_text("- 1\n- 2\n")
    result = cli("import", str(source), "-o", str(tmp_path / "x.spec.md"))
    assert result.exit_code == 1
    assert "neither an OpenAPI 3 document nor a JSON Schema" in result.output
    swagger = tmp_path / "old.json"
    swagger.write_text('{"swagger": "2.0"}')
    assert "Swagger 2.0" in cli("import", str(swagger)).output


# --- real documents ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted([*REAL, INSPECT_OPENAPI]))
def test_a_real_document_imports_into_a_spec_that_checks(
    imported: Path, name: str
) -> None:
    """No traceback, no error: warnings only, each with a JSON Pointer."""
    compiled = compile_spec(imported / f"{name}.spec.md")
    assert compiled.ok, [
        d.message for d in compiled.diagnostics if d.severity == "error"
    ]
    assert compiled.spec is not None and compiled.spec.types


def test_the_inspect_openapi_document_gives_a_function_per_operation(
    imported: Path,
) -> None:
    document = json.loads(_inspect_openapi().read_text("utf-8"))
    operations = sum(
        1
        for item in document["paths"].values()
        for method in item
        if method in ("get", "post", "put", "delete", "patch")
    )
    spec = compile_spec(imported / f"{INSPECT_OPENAPI}.spec.md").spec
    assert spec is not None and len(spec.functions) == operations


def test_the_imports_compile_with_tsc(
    imported: Path, ts_node_modules: Path, tmp_path: Path
) -> None:
    tsc = ts_node_modules / "typescript" / "bin" / "tsc"
    packages = sorted((imported / "out" / "ts").iterdir())
    assert len(packages) == len(REAL) + 2
    for built in packages:
        package = shutil.copytree(built, tmp_path / built.name)
        (package / "node_modules").symlink_to(ts_node_modules, target_is_directory=True)
    # One tsc in build mode compiles every package, each by its own tsconfig; the
    # library declarations (lib, @types/node) are read once for all of them.
    done = subprocess.run(
        ["node", str(tsc), "--build", "--force", "--pretty", "false"]
        + [p.name for p in packages],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[:4000]
    for built in packages:  # tsc built every package, skipping none
        assert (tmp_path / built.name / "dist" / "tsconfig.tsbuildinfo").is_file()


def test_the_imports_build_with_cargo(imported: Path, tmp_path: Path) -> None:
    crates = sorted((imported / "out" / "rust").iterdir())
    assert len(crates) == len(REAL) + 2
    for built in crates:
        crate = shutil.copytree(built, tmp_path / built.name)
        done = subprocess.run(
            ["cargo", "build", "--offline", "--quiet"],
            cwd=crate,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, (built.name, done.stderr[:2000])


def test_the_imports_pass_mypy_strict(imported: Path) -> None:
    packages = sorted((imported / "out" / "python").iterdir())
    assert len(packages) == len(REAL) + 2
    # One run over every package: each is its own top-level module.
    sources = [str(p / "src") for p in packages]
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *sources],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[:2000]


def test_the_imports_docs_have_every_anchor(imported: Path) -> None:
    from specc.conformance.docs import run

    for path in sorted(imported.glob("*.spec.md")):
        spec = compile_spec(path).spec
        assert spec is not None
        failed = [
            r for r in run(imported / "out" / "docs", spec) if r.status != "passed"
        ]
        assert failed == [], path.name


def test_the_petstore_examples_validate_against_its_exported_schema(
    imported: Path,
) -> None:
    from specc.conformance.jsonschema import run

    spec = compile_spec(imported / "petstore.spec.md").spec
    results = run(imported / "out" / "jsonschema", spec)
    assert [r.status for r in results] == ["passed"] * 3


# --- the round trip ------------------------------------------------------------------

#: Real schemas that hypothesis-jsonschema can draw from (it does not follow
#: recursive references), and the instances the import is known to lose.
ROUND_TRIP = ["black_config", "vocab_validation", "vocab_meta_data", "vocab_format"]


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_json_schema_to_spec_to_json_schema_keeps_instances(
    imported: Path, name: str
) -> None:
    """Instances drawn from the original schema and from the exported one are valid
    under both or under neither; only the root's `boolean` alternative, which the
    import reports dropping, differs."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from hypothesis_jsonschema import from_schema
    from jsonschema import Draft202012Validator
    from jsonschema.validators import validator_for

    original = json.loads(REAL[name].read_text("utf-8"))
    exported = json.loads(
        (imported / "out" / "jsonschema" / f"{name}.schema.json").read_text()
    )
    spec = compile_spec(imported / f"{name}.spec.md").spec
    assert spec is not None
    # The document itself is the first rule's declaration, named as the rule is titled.
    first = next(s for s in spec.sections[0].sections if s.id)
    root = {"$ref": f"#/$defs/{first.title}", "$defs": exported["$defs"]}
    before = validator_for(original)(original)
    after = Draft202012Validator(root)
    disagreements = []

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(st.one_of(from_schema(original), from_schema(root)))
    def agree(instance: object) -> None:
        if before.is_valid(instance) != after.is_valid(instance):
            disagreements.append(instance)

    agree()
    assert [d for d in disagreements if not isinstance(d, bool)] == []


def test_an_invalid_openapi_document_is_warned_and_imported(tmp_path: Path) -> None:
    """What breaks the OpenAPI schema is a warning at its pointer; the rest imports."""
    source = tmp_path / "bad.yaml"
    source.write_text(
        "openapi: 3.0.3\ninfo: {version: '1'}\npaths: {}\ncomponents:\n"
        "  schemas:\n    Thing: {type: object, properties: {n: {type: integer}}}\n"
    )
    result = import_into(tmp_path, source, "bad")
    assert [
        (w.pointer, "title" in w.message and "is a required property" in w.message)
        for w in result.warnings
    ] == [("/info", True)]
    assert compile_spec(tmp_path / "bad.spec.md").spec.type("Thing") is not None  # type: ignore[union-attr]
