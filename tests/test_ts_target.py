"""The TypeScript target: real tsc under strict, conformance both ways, goldens."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from impls.breakages import implementation

from conftest import EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden" / "ts"
GOLDEN_SPECS = ("todo", "geometry")


def _compiled_examples() -> list:
    from specc.frontend.compile import compile_file, find_specs

    files, problems = find_specs([str(EXAMPLES)])
    assert not problems
    return [compile_file(f) for f in files]


COMPILED = _compiled_examples()
CODE_SPECS = sorted(c.spec.id for c in COMPILED if c.ok and c.spec.functions)


def spec_named(spec_id: str):  # type: ignore[no-untyped-def]
    """Return the IR of one of the shared examples."""
    return next(c.spec for c in COMPILED if c.spec is not None and c.spec.id == spec_id)


def expected_rows(spec_ids: tuple[str, ...] | list[str]) -> list[tuple[str, str, int]]:
    """Return (spec, rule, example) for every example of the given specs, in order."""
    from specc.emitters.code import cases

    return [
        (case.spec.id, case.rule, case.example.index)
        for compiled in COMPILED
        if compiled.spec is not None and compiled.spec.id in spec_ids
        for case in cases(compiled.spec)
    ]


def build_into(out: Path, paths: list[str] | None = None) -> dict[str, object]:
    """Build the shared examples (or ``paths``) for ts into ``out``; return the files."""
    from specc.build.driver import build

    result = build(paths or [str(EXAMPLES)], ["ts"], out)
    assert result.ok, [d.message for d in result.diagnostics]
    return result.files


def link_modules(package: Path, modules: Path) -> None:
    """Share the one typescript install with a generated package."""
    link = package / "node_modules"
    if not link.exists():
        link.symlink_to(modules, target_is_directory=True)


def tsc(package: Path, modules: Path) -> subprocess.CompletedProcess[str]:
    """Compile a generated package with the real TypeScript compiler."""
    return subprocess.run(
        [
            "node",
            str(modules / "typescript" / "bin" / "tsc"),
            "-p",
            ".",
            "--pretty",
            "false",
        ],
        cwd=package,
        capture_output=True,
        text=True,
    )


def specc_test(cli, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    """Run `specc test --target ts` on the shared examples."""
    return cli("test", str(EXAMPLES), "--target", "ts", "--out", str(out), *extra)


@pytest.fixture(scope="module", autouse=True)
def shared_typescript(
    tmp_path_factory: pytest.TempPathFactory, ts_node_modules: Path
) -> Iterator[Path]:
    """Point specc's cache at one holding the suite's TypeScript install (no download)."""
    from specc.conformance.ts_toolchain import default_versions, install_dir

    cache = tmp_path_factory.mktemp("specc-cache")
    before = os.environ.get("SPECC_CACHE_DIR")
    os.environ["SPECC_CACHE_DIR"] = str(cache)
    folder = install_dir(default_versions())
    folder.parent.mkdir(parents=True)
    folder.symlink_to(ts_node_modules.parent, target_is_directory=True)
    yield cache
    if before is None:
        del os.environ["SPECC_CACHE_DIR"]
    else:
        os.environ["SPECC_CACHE_DIR"] = before


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Build the shared examples once for the whole module."""
    out = tmp_path_factory.mktemp("ts-build") / "out"
    return out, build_into(out)


# --- every spec with functions builds and compiles under strict ---------------


def test_a_package_per_spec_that_declares_functions(built) -> None:
    """Specs with functions get a package; a spec without (support_bot) gets none."""
    out, files = built
    assert {"todo", "geometry"} <= set(CODE_SPECS)
    assert "support_bot" not in CODE_SPECS
    assert sorted(p.name for p in (out / "ts").iterdir()) == CODE_SPECS
    kinds = {key: f.kind for key, f in files.items()}
    for spec_id in CODE_SPECS:
        assert kinds.pop(f"ts/{spec_id}/src/impl.ts") == "scaffold"
    assert set(kinds.values()) == {"generated"}


@pytest.mark.parametrize("spec_id", CODE_SPECS)
def test_package_compiles_with_zero_errors_under_strict(
    built, ts_node_modules: Path, spec_id: str
) -> None:
    """The real tsc compiles the fresh package (scaffold included) under `strict`."""
    out, _ = built
    package = out / "ts" / spec_id
    config = json.loads((package / "tsconfig.json").read_text())
    assert config["compilerOptions"]["strict"] is True
    link_modules(package, ts_node_modules)
    done = tsc(package, ts_node_modules)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error TS" not in done.stdout
    assert (package / "dist" / "test" / "conformance.test.js").is_file()


@pytest.mark.parametrize("spec_id", CODE_SPECS)
def test_package_json_has_no_runtime_dependencies(built, spec_id: str) -> None:
    """`npm test` compiles and runs node:test; only typescript and node types are dev deps."""
    out, _ = built
    manifest = json.loads((out / "ts" / spec_id / "package.json").read_text())
    assert "dependencies" not in manifest
    assert set(manifest["devDependencies"]) == {"typescript", "@types/node"}
    assert manifest["scripts"]["test"].startswith("tsc -p . && node --test ")


TRICKY = """---
spec: kitchen-sink
title: Kitchen sink */ x
version: 0.1.0
---

# Kitchen sink {#kitchen}

## Types {#types}

```specc
enum Color { red, Green, dark_blue }
type Name = string
type MaybeName = Name?
record Thing {
  default: int = 3
  class: string?
  new: list<int?> = []
  kind: Color = red
  blob: bytes?
  table: map<string, list<int>> = {}
  nick: MaybeName
  from: int = 0
  type: string = ""
  of: list<int> = []
  as: bool = false
  number: float = 0.0
  string: string?
  get: int = 0
  set: int = 0
  constructor: int = 0
}
variant Event {
  created { thing: Thing }
  deleted { id: int, reason: string? }
  noop {}
}
record Map { x: int }
record Array { z: int }
record String { s: string }
record KitchenSinkApi { w: int }
record KitchenSink { v: int }
error Oops "it went */ wrong"
error Broken { code: int, detail: string?, name: string?, from: int = 0 }
error NotImplementedError "clash with the scaffold's own error"
```

## Operations {#ops.main:v1-x}

Calls MUST work, even `${x}` and */ in prose.

```specc
/// Deletes; */ in a doc comment.
fn delete(thing: Thing) -> Thing raises Oops, Broken, NotImplementedError
fn new() -> Event?
fn type(events: list<Event>, names: map<Name, Color>) -> map<Color, int>
fn bytes_of(b: bytes, m: Map, a: Array, s: String) -> bytes
fn api() -> KitchenSinkApi
fn sink() -> KitchenSink
fn of(from: int, default: int, type: string, arguments: int) -> int
fn constructor() -> int
```

```examples
delete({}) == {default: 3}
delete({class: "x\\"*/y`${z}`", new: [1, none], nick: "n"}) raises Broken{code: 7}
delete({}) raises NotImplementedError
new() == none
new() == deleted{id: 1}
type([created{thing: {}}, noop{}], {"a": red}) == {dark_blue: 2}
bytes_of([0, 255], {x: 1}, {z: 2}, {s: "\\u2028"}) == []
delete({table: {"k": [9007199254740991, -9007199254740991]}}) == {}
api() == {w: 1}
sink() == {v: 1}
of(1, 2, "t", 3) == 6
constructor() == 0
```
"""


def test_every_type_form_and_awkward_names_compile(
    tmp_path: Path, ts_node_modules: Path, cli
) -> None:
    """Keywords, aliases of optionals, globals (Map, Array, String) as names all compile.

    Properties keep reserved and contextual words as the spec spells them; only
    parameters that are reserved words, a method called `constructor` and error
    fields `Error` already has are renamed.
    """
    (tmp_path / "kitchen.spec.md").write_text(TRICKY)
    out = tmp_path / "out"
    done = cli(
        "build", str(tmp_path / "kitchen.spec.md"), "--target", "ts", "--out", str(out)
    )
    assert done.exit_code == 0, done.output
    package = out / "ts" / "kitchen-sink"
    types = (package / "src" / "types.ts").read_text()
    assert "export type Event = EventCreated | EventDeleted | EventNoop;" in types
    assert '  kind: "deleted";\n  id: number;\n  reason?: string;\n' in types
    assert "  nick?: MaybeName;\n" in types
    assert "  table: Map<string, number[]>;\n" in types
    assert "export class Broken extends Error {" in types
    assert "  readonly code: number;\n  readonly detail?: string;\n" in types
    assert "  readonly name_?: string;\n  readonly from: number;\n" in types
    assert (
        "  constructor(fields: { code: number; detail?: string | undefined; "
        "name_?: string | undefined; from: number }) {"
    ) in types
    for prop in ("default", "class", "new", "from", "type", "of", "as", "number"):
        assert re.search(rf"\n  {prop}\??: ", types), prop
    assert "\n  string?: string;\n  get: number;\n  set: number;\n" in types
    assert "\n  constructor: number;\n" in types
    api = (package / "src" / "api.ts").read_text()
    assert (
        "  of(from: number, default_: number, type: string, arguments_: number)" in api
    )
    assert "  constructor_(): number;" in api
    link_modules(package, ts_node_modules)
    compiled = tsc(package, ts_node_modules)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr


# --- conformance: correct, broken and mutated implementations -----------------

MUTANTS = {
    # an error of the wrong class, an error with the wrong field, pi off by 2e-6
    "todo": [
        ("throw new EmptyTitle();", 'throw new Error("empty");'),
        (
            "throw new NoSuchTask({ index });",
            "throw new NoSuchTask({ index: index + 1 });",
        ),
    ],
    "geometry": [("return Math.PI * shape.radius", "return 3.1416 * shape.radius")],
}

#: variant -> spec -> whether that spec's implementation is the broken one
VARIANTS = {
    "correct": {"todo": False, "geometry": False},
    "todo_broken": {"todo": True, "geometry": False},
    "geometry_broken": {"todo": False, "geometry": True},
    "mutants": {"todo": False, "geometry": False},
}


@pytest.fixture(scope="module")
def conformance(tmp_path_factory, ts_node_modules: Path):  # type: ignore[no-untyped-def]
    """Return a function running `specc test --format json` once per variant."""
    from click.testing import CliRunner

    from specc.commands.main import main

    runs: dict[str, tuple[int, list[dict], Path]] = {}

    def run(variant: str) -> tuple[int, list[dict], Path]:
        if variant not in runs:
            out = tmp_path_factory.mktemp(variant) / "out"
            build_into(out)
            for spec_id, broken in VARIANTS[variant].items():
                source = implementation("ts", spec_id, broken)
                for old, new in (
                    MUTANTS.get(spec_id, []) if variant == "mutants" else []
                ):
                    assert old in source
                    source = source.replace(old, new)
                (out / "ts" / spec_id / "src" / "impl.ts").write_text(source)
                link_modules(out / "ts" / spec_id, ts_node_modules)
            done = CliRunner().invoke(
                main,
                ["test", str(EXAMPLES), "--target", "ts", "--out", str(out)]
                + ["--format", "json"],
                catch_exceptions=False,
            )
            runs[variant] = (done.exit_code, json.loads(done.stdout)["results"], out)
        return runs[variant]

    return run


def test_correct_implementations_pass_every_example(conformance) -> None:
    """todo.ts and geometry.ts pass every example; JSON rows have the documented keys."""
    code, results, _ = conformance("correct")
    assert [(r["spec"], r["rule"], r["example"]) for r in results] == expected_rows(
        GOLDEN_SPECS
    )
    assert {r["status"] for r in results} == {"passed"}
    assert all(
        set(r) == {"spec", "rule", "example", "status", "message", "text", "covers"}
        for r in results
    )
    assert code == 0


@pytest.mark.parametrize(
    "variant, spec_id, rule, example, detail",
    [
        ("todo_broken", "todo", "by_tag", 2, "strictly deep-equal"),
        ("geometry_broken", "geometry", "area", 4, "-6 !== 6"),
    ],
)
def test_broken_implementation_fails_exactly_its_example(
    conformance, variant: str, spec_id: str, rule: str, example: int, detail: str
) -> None:
    """One wrong behaviour: that example fails under its rule ID, the rest pass, exit 1."""
    code, results, _ = conformance(variant)
    failed = [r for r in results if r["status"] == "failed"]
    assert [(r["spec"], r["rule"], r["example"]) for r in failed] == [
        (spec_id, rule, example)
    ]
    assert detail in failed[0]["message"]
    assert {r["status"] for r in results if r not in failed} == {"passed"}
    assert len(results) == len(expected_rows(GOLDEN_SPECS))
    assert code == 1


def test_equality_tolerance_and_error_fields_are_checked(conformance) -> None:
    """A wrong error class, a wrong error field and pi off by 2e-6 each fail."""
    code, results, _ = conformance("mutants")
    failed = {
        (r["spec"], r["rule"], r["example"]) for r in results if r["status"] == "failed"
    }
    assert failed == {
        ("todo", "add_task", 4),
        ("todo", "complete_task", 3),
        ("todo", "complete_task", 4),
        ("geometry", "area", 1),
    }
    messages = {(r["rule"], r["example"]): r["message"] for r in results}
    assert (
        "expected EmptyTitle to be thrown, got Error: empty" in messages["add_task", 4]
    )
    assert "NoSuchTask.index" in messages["complete_task", 3]
    assert "expected 3.14159265 within 0.000001, got 3.1416" in messages["area", 1]
    assert code == 1


def test_npm_test_runs_one_test_per_example_named_by_rule(
    conformance, ts_node_modules: Path
) -> None:
    """`npm test` compiles and runs node:test; each test is `<rule_id> #<n>: <line>`."""
    from specc.emitters.code import cases

    _, _, out = conformance("correct")
    done = subprocess.run(
        ["npm", "test", "--silent"],
        cwd=out / "ts" / "todo",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    titles = [c.title for c in cases(spec_named("todo"))]
    assert titles[0] == 'add_task #1: add_task([], "Buy milk") == [{title: "Buy milk"}]'
    ran = [
        re.sub(r"\\(.)", r"\1", line.split(" - ", 1)[1])
        for line in done.stdout.splitlines()
        if re.match(r"ok \d+ - ", line)
    ]
    assert ran == titles
    assert f"# pass {len(titles)}" in done.stdout


@pytest.fixture(scope="module")
def scaffold_out(tmp_path_factory) -> Path:
    """A fresh build whose packages have no node_modules: `specc test` installs them."""
    out = tmp_path_factory.mktemp("scaffold") / "out"
    build_into(out)
    return out


def test_fresh_scaffold_reports_every_example_not_implemented(
    cli, scaffold_out
) -> None:
    """One TODO line per example, a summary line, exit 0 (compiled with the shared tsc)."""
    done = specc_test(cli, scaffold_out)
    assert done.exit_code == 0, done.output
    from specc.emitters.code import cases

    want = [
        f"TODO {c.spec.id} {c.rule} #{c.example.index}: {c.example.text} (not implemented)"
        for compiled in COMPILED
        if compiled.spec is not None and compiled.spec.id in CODE_SPECS
        for c in cases(compiled.spec)
    ]
    lines = done.stdout.splitlines()
    assert lines[:-1] == want
    assert (
        lines[-1]
        == f"{len(want)} examples: 0 passed, 0 failed, {len(want)} not implemented"
    )
    for spec_id in CODE_SPECS:
        assert not (scaffold_out / "ts" / spec_id / "node_modules").exists()


def test_fresh_scaffold_fails_with_require_all(cli, scaffold_out) -> None:
    """`--require-all` turns not-implemented examples into exit code 1."""
    done = specc_test(cli, scaffold_out, "--require-all", "--format", "json")
    assert done.exit_code == 1
    results = json.loads(done.stdout)["results"]
    assert len(results) == len(expected_rows(CODE_SPECS))
    assert {r["status"] for r in results} == {"not_implemented"}
    assert all(r["message"] == f"not implemented: rule {r['rule']}" for r in results)


# --- goldens -----------------------------------------------------------------


def golden_problems(produced: dict[str, bytes], folder: Path) -> list[str]:
    """Return `missing`, `changed` and `stale` problems of ``folder`` against ``produced``."""
    problems = []
    on_disk = (
        {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        if folder.is_dir()
        else set()
    )
    for relative, data in sorted(produced.items()):
        if relative not in on_disk:
            problems.append(f"missing: {relative}")
        elif (folder / relative).read_bytes() != data:
            problems.append(f"changed: {relative}")
    problems += [f"stale: {r}" for r in sorted(on_disk - set(produced))]
    return problems


def write_goldens(produced: dict[str, bytes], folder: Path) -> None:
    """Make ``folder`` hold exactly ``produced``."""
    for path in sorted(folder.rglob("*"), reverse=True) if folder.is_dir() else []:
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative not in produced:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for relative, data in produced.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)


def produced_for(out: Path, spec_id: str) -> dict[str, bytes]:
    """Return every file the build wrote for one spec, relative to its package."""
    package = out / "ts" / spec_id
    return {
        p.relative_to(package).as_posix(): p.read_bytes()
        for p in package.rglob("*")
        if p.is_file()
        and not {"node_modules", "dist"} & set(p.relative_to(package).parts)
    }


@pytest.mark.parametrize("spec_id", GOLDEN_SPECS)
def test_emitted_files_match_goldens(
    tmp_path_factory, spec_id: str, update_goldens: bool
) -> None:
    """The emitted package equals tests/golden/ts/<spec>/ byte for byte."""
    out = tmp_path_factory.mktemp(f"golden-{spec_id}") / "out"
    files = build_into(out, [str(EXAMPLES / f"{spec_id}.spec.md")])
    produced = produced_for(out, spec_id)
    assert produced == {
        k.removeprefix(f"ts/{spec_id}/"): f.content.encode() for k, f in files.items()
    }
    if update_goldens:
        write_goldens(produced, GOLDEN / spec_id)
    assert golden_problems(produced, GOLDEN / spec_id) == []


def test_golden_comparison_catches_missing_changed_and_stale(tmp_path: Path) -> None:
    """The golden check fails on each kind of drift, and the update rewrites all of it."""
    folder = tmp_path / "golden"
    produced = {"a.ts": b"one\n", "sub/b.ts": b"two\n", "c.ts": b"three\n"}
    assert golden_problems(produced, folder) == [
        "missing: a.ts",
        "missing: c.ts",
        "missing: sub/b.ts",
    ]
    write_goldens(produced, folder)
    assert golden_problems(produced, folder) == []
    (folder / "a.ts").write_bytes(b"one \n")
    (folder / "c.ts").unlink()
    (folder / "old").mkdir()
    (folder / "old" / "d.ts").write_bytes(b"gone\n")
    assert golden_problems(produced, folder) == [
        "changed: a.ts",
        "missing: c.ts",
        "stale: old/d.ts",
    ]
    write_goldens(produced, folder)
    assert golden_problems(produced, folder) == []
    assert not (folder / "old").exists()


# --- determinism -------------------------------------------------------------

_ABSOLUTE = re.compile(r"(?<![\w.])/(?:tmp|home|root|work|usr|var|private)/")
_TIMESTAMP = re.compile(r"\b(?:19|20)\d\d-[01]\d-[0-3]\d\b|\b[0-2]\d:[0-5]\d:[0-5]\d\b")


def test_building_twice_gives_identical_bytes_without_paths_or_times(
    tmp_path: Path,
) -> None:
    """Two builds, from copies at other paths with other mtimes, a second apart, agree."""
    trees = []
    for n, stamp in enumerate((1_000_000_000, 1_500_000_000)):
        specs = tmp_path / f"copy{n}" / "specs"
        shutil.copytree(EXAMPLES, specs)
        for spec in specs.iterdir():
            os.utime(spec, (stamp, stamp))
        out = tmp_path / f"copy{n}" / "elsewhere" / "out"
        build_into(out, [str(specs)])
        trees.append(
            {
                p.relative_to(out).as_posix(): p.read_bytes()
                for p in sorted(out.rglob("*"))
                if p.is_file()
            }
        )
        if n == 0:
            time.sleep(1.05)
    assert trees[0] == trees[1]
    assert ".specc-manifest.json" in trees[0]
    for relative, data in trees[0].items():
        text = data.decode()
        assert str(tmp_path) not in text and str(ROOT) not in text, relative
        assert str(Path.home()) not in text, relative
        assert not _ABSOLUTE.search(text), relative
        assert not _TIMESTAMP.search(text), relative


@pytest.mark.parametrize("spec_id", GOLDEN_SPECS)
def test_api_documents_each_method_with_its_rule(built, spec_id: str) -> None:
    """One camelCase method per fn, its doc naming the rule and its normative text."""
    from specc.emitters.code import normative
    from specc.naming import camel

    spec = spec_named(spec_id)
    out, _ = built
    api = (out / "ts" / spec_id / "src" / "api.ts").read_text()
    impl = (out / "ts" / spec_id / "src" / "impl.ts").read_text()
    docs = api.split("/**")[2:]
    assert len(docs) == len(spec.functions)
    for doc, fn in zip(docs, spec.functions, strict=True):
        assert f"   * Rule `{fn.rule}`:\n" in doc
        for statement in normative(spec, fn.rule):
            assert f"   * - {statement}\n" in doc
        assert f"\n  {camel(fn.name)}(" in doc
        assert f'throw new NotImplementedError("{fn.rule}");' in impl


# --- strict comparison by the spec's types, inputs unchanged ----------------

SHOP = ROOT / "tests" / "impls" / "ts" / "shop.spec.md"

#: fault -> (correct text, faulty text) in tests/impls/ts/shop.ts
SHOP_FAULTS = {
    "bool_for_int": (
        "return cart.lines.reduce((sum, line) => sum + line.count, 0);",
        "return (cart.lines.length === 0 ? false : 2) as unknown as number;",
    ),
    "sorts_in_place": (
        "return cart.lines.map((line) => line.item).sort();",
        "return cart.lines.sort((a, b) => a.item.localeCompare(b.item))"
        ".map((line) => line.item);",
    ),
    "swapped_fields": (
        "throw new OutOfStock({ item, wanted, available });",
        "throw new OutOfStock({ item, wanted: available, available: wanted });",
    ),
    "positional_error": (
        "throw new OutOfStock({ item, wanted, available });",
        "throw new OutOfStock(item, wanted, available);",
    ),
    "always_throws": ("if (wanted > available) throw", "if (wanted >= 0) throw"),
    "endless_negate": ("return -x;", "while (true) {}"),
    "one_wrong_of_forty": (
        "return xs.map((x) => -x);",
        "return xs.map((x) => (x === 20 ? 99 : -x));",
    ),
    "throws_quotes": (
        "return available - wanted;",
        'throw new Error(`can\'t "take" it`);',
    ),
}


def run_shop(
    cli, folder: Path, *faults: str, test: bool = True
) -> tuple[int, dict[tuple[str, int], dict]]:
    """Build shop.spec.md, implement it (with ``faults``), return `specc test` rows."""
    out = folder / "out"
    build_into(out, [str(SHOP)])
    source = (SHOP.parent / "shop.ts").read_text()
    for fault in faults:
        correct, wrong = SHOP_FAULTS[fault]
        assert source.count(correct) == 1, fault
        source = source.replace(correct, wrong)
    package = out / "ts" / "shop"
    (package / "src" / "impl.ts").write_text(source)
    if not test:
        return 0, {}
    done = cli(
        "test", str(SHOP), "--target", "ts", "--out", str(out), "--format", "json"
    )
    rows = {(r["rule"], r["example"]): r for r in json.loads(done.stdout)["results"]}
    return done.exit_code, rows


def test_idiomatic_implementation_with_negative_zero_passes(
    cli, tmp_path: Path
) -> None:
    """`return -x` for negate(0) == 0 passes, also inside lists, options, records,
    variants and maps: integers compare as numbers."""
    code, rows = run_shop(cli, tmp_path)
    assert {k: r["message"] for k, r in rows.items() if r["status"] != "passed"} == {}
    assert len(rows) == 14
    assert code == 0


def test_wrong_type_mutated_input_and_swapped_error_fields_fail(
    cli, tmp_path: Path
) -> None:
    """A bool for an int, an argument sorted in place and two error fields swapped
    each fail exactly their example, under their rule, saying what is wrong."""
    code, rows = run_shop(
        cli,
        tmp_path,
        "bool_for_int",
        "sorts_in_place",
        "swapped_fields",
    )
    failed = {k: r["message"] for k, r in rows.items() if r["status"] == "failed"}
    assert set(failed) == {("total", 1), ("items", 1), ("take", 2)}
    assert "false !== 0" in failed["total", 1]
    assert "argument `cart` was changed in place" in failed["items", 1]
    assert "OutOfStock.wanted differs" in failed["take", 2]
    assert "2 !== 5" in failed["take", 2]
    assert {r["status"] for k, r in rows.items() if k not in failed} == {"passed"}
    assert code == 1


def test_error_fields_are_one_object_so_positional_arguments_do_not_compile(
    cli, tmp_path: Path
) -> None:
    """`new OutOfStock(item, wanted, available)` is a type error: fields go by name."""
    out = tmp_path / "out"
    build_into(out, [str(SHOP)])
    types = (out / "ts" / "shop" / "src" / "types.ts").read_text()
    assert (
        "  constructor(fields: { item: string; wanted: number; available: number }) {"
        in types
    )
    code, rows = run_shop(cli, tmp_path, "positional_error")
    assert code == 1
    [(key, row)] = rows.items()  # one failure for the spec, not one per example
    from specc.frontend.compile import compile_file

    examples = len(list(compile_file(str(SHOP)).spec.examples()))
    assert key == ("(spec)", 0) and row["status"] == "failed"
    assert row["covers"] == examples > 1
    assert "error TS2554: Expected 1 arguments, but got 3." in row["message"]


def test_an_unexpected_error_is_named_once(cli, tmp_path: Path) -> None:
    """A thrown error reads `OutOfStock: item=…`, never `OutOfStock: OutOfStock: …`."""
    code, rows = run_shop(cli, tmp_path, "always_throws")
    assert rows["take", 1]["message"] == (
        "expected a result, but it threw OutOfStock: item=pen, wanted=2, available=5"
    )
    assert rows["take", 2]["status"] == "passed"
    assert code == 1


# --- time limits ---------------------------------------------------------------


def node_processes_in(folder: Path) -> list[str]:
    """Return the command lines of running processes working in ``folder``."""
    return list(processes_in(folder).values())


def processes_in(folder: Path) -> dict[int, str]:
    """Return pid -> command line of the running processes working in ``folder``."""
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cwd = os.readlink(proc / "cwd")
            text = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, UnicodeDecodeError):
            continue
        if cwd.startswith(str(folder)) and text:
            found[int(proc.name)] = text
    return found


def shop_spec():  # type: ignore[no-untyped-def]
    """Return the IR of shop.spec.md."""
    from specc.frontend.compile import compile_file

    return compile_file(SHOP).spec


def test_an_endless_loop_times_out_and_the_other_examples_still_report(
    cli, tmp_path: Path
) -> None:
    """A synchronous `while (true) {}` (which blocks node's event loop) fails each
    example that reaches it with "timed out after 2 s"; the rest report; no node
    process is left behind."""
    from specc.conformance.ts import run

    run_shop(cli, tmp_path, "endless_negate", test=False)
    started = time.monotonic()
    results = run(tmp_path / "out" / "ts", shop_spec(), timeout=2)
    elapsed = time.monotonic() - started
    status = {(r.rule, r.example): (r.status, r.message) for r in results}
    assert status["negate", 1] == ("failed", "timed out after 2 s")
    assert status["negate", 2] == ("failed", "timed out after 2 s")
    others = {k: v for k, v in status.items() if k[0] != "negate" or k[1] > 2}
    assert set(others.values()) == {("passed", "")}
    assert len(others) == 12
    assert 4 <= elapsed < 30
    assert node_processes_in(tmp_path / "out") == []


def test_default_time_limit_is_ten_seconds() -> None:
    """The runner's limit is 10 s per example unless the caller gives another."""
    import inspect

    from specc.conformance.ts import run

    assert inspect.signature(run).parameters["timeout"].default == 10.0


# --- failure messages ------------------------------------------------------------


def test_failure_messages_keep_diff_lines_and_quotes_whole(cli, tmp_path: Path) -> None:
    """node's diff (with its own `...` lines) and a message holding both kinds of
    quotes reach the report whole."""
    code, rows = run_shop(cli, tmp_path, "one_wrong_of_forty", "throws_quotes")
    diff = rows["negate", 4]["message"].splitlines()
    assert diff[0] == "Expected values to be strictly deep-equal:"
    assert diff.count("...") == 2
    assert "+   99," in diff and "-   -20," in diff
    assert diff[-1] == "  ]"
    assert rows["take", 1]["message"] == (
        'expected a result, but it threw Error: can\'t "take" it'
    )
    assert code == 1


# --- one TypeScript install ------------------------------------------------------


def test_one_typescript_install_serves_every_package(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first spec installs TypeScript into specc's cache; the second, tested with
    no npm on PATH at all, reuses it; neither package gets a node_modules."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("SPECC_CACHE_DIR", str(cache))
    first = cli(
        "test", str(EXAMPLES / "todo.spec.md"), "--target", "ts",
        "--out", str(tmp_path / "one"),
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    installs = sorted((cache / "node").iterdir())
    assert len(installs) == 1
    tsc = installs[0] / "node_modules" / "typescript" / "package.json"
    stamp = tsc.stat().st_mtime_ns
    only_node = tmp_path / "bin"
    only_node.mkdir()
    (only_node / "node").symlink_to(shutil.which("node") or "node")
    monkeypatch.setenv("PATH", str(only_node))
    second = cli(
        "test", str(EXAMPLES / "geometry.spec.md"), "--target", "ts",
        "--out", str(tmp_path / "two"),
    )  # fmt: skip
    assert second.exit_code == 0, second.output
    assert "not implemented" in second.output
    assert sorted((cache / "node").iterdir()) == installs
    assert tsc.stat().st_mtime_ns == stamp
    assert not (tmp_path / "one" / "ts" / "todo" / "node_modules").exists()
    assert not (tmp_path / "two" / "ts" / "geometry" / "node_modules").exists()


# --- integers beyond 2^53 ----------------------------------------------------------

BIGIDS = ROOT / "tests" / "impls" / "ts" / "bigids.spec.md"


def test_unsafe_integer_caret_points_at_the_literal(tmp_path: Path) -> None:
    """E084 points at the literal itself, in an example, an indented example and
    a field default, underlining the whole number."""
    from specc.build.driver import build

    spec = tmp_path / "ids.spec.md"
    spec.write_text(
        BIGIDS.read_text().replace(
            "  next_id(-1) == 0", "  next_id(-1) == -9007199254740995"
        )
    )
    result = build([str(spec)], ["ts"], tmp_path / "out")
    assert not result.ok
    where = [
        (d.span.line, d.span.col, d.span.end_col, d.message.split()[0])
        for d in result.diagnostics
        if d.code == "E084"
    ]
    assert where == [
        (11, 27, 43, "9007199254740993"),
        (19, 9, 25, "9007199254740993"),
        (19, 30, 46, "9007199254740994"),
        (20, 18, 35, "-9007199254740995"),
        (21, 9, 28, "9223372036854775807"),
        (22, 17, 33, "9007199254740994"),
        (22, 42, 58, "9007199254740993"),
    ]
    assert all("-O ts.int=bigint" in d.hint for d in result.diagnostics)


def test_bigint_option_builds_and_compares_bigints(cli, tmp_path: Path) -> None:
    """With `-O ts.int=bigint` such a spec builds: `int` is `bigint` in types, API
    and tests (literals `123n`); a correct implementation passes, one that goes
    through `number` loses precision and fails."""
    out = tmp_path / "out"
    option = ("-O", "ts.int=bigint")
    done = cli("build", str(BIGIDS), "--target", "ts", "--out", str(out), *option)
    assert done.exit_code == 0, done.output
    package = out / "ts" / "bigids"
    types = (package / "src" / "types.ts").read_text()
    assert "  n: bigint;\n  seen: bigint[];\n" in types
    assert "n: fields.n ?? 9007199254740993n," in types
    assert "  readonly limit: bigint;\n" in types
    api = (package / "src" / "api.ts").read_text()
    assert "  nextId(id: bigint): bigint;" in api
    assert "  half(x: number): number;" in api
    tests = (package / "test" / "conformance.test.ts").read_text()
    assert "const expected: bigint = 9007199254740994n;" in tests
    source = (BIGIDS.parent / "bigids.ts").read_text()
    for broken in (False, True):
        if broken:
            source = source.replace("return id + 1n;", "return BigInt(Number(id) + 1);")
        (package / "src" / "impl.ts").write_text(source)
        done = cli(
            "test", str(BIGIDS), "--target", "ts", "--out", str(out), *option,
            "--format", "json",
        )  # fmt: skip
        rows = {
            (r["rule"], r["example"]): r for r in json.loads(done.stdout)["results"]
        }
        failed = {k: r["message"] for k, r in rows.items() if r["status"] != "passed"}
        if broken:
            assert list(failed) == [("ids", 1)]
            assert "+ 9007199254740992n\n- 9007199254740994n" in failed["ids", 1]
        else:
            assert failed == {} and len(rows) == 5


def test_killing_specc_ends_the_node_it_started(cli, tmp_path: Path) -> None:
    """`specc test` killed while an example hangs leaves no node process behind."""
    import signal
    import sys

    run_shop(cli, tmp_path, "endless_negate", test=False)
    out = tmp_path / "out"
    specc = subprocess.Popen(
        [sys.executable, "-m", "specc", "test", str(SHOP), "--target", "ts"]
        + ["--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not any("conformance.test.js" in c for c in node_processes_in(out)):
            assert time.monotonic() < deadline, "node never started"
            assert specc.poll() is None, specc.communicate()[0]
            time.sleep(0.1)
    finally:
        specc.send_signal(signal.SIGKILL)
        specc.wait()
    deadline = time.monotonic() + 5
    while node_processes_in(out) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = processes_in(out)
    for pid in left:  # a failing run must not leave an endless loop spinning
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    assert list(left.values()) == []
