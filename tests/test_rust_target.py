"""The Rust target: goldens, rustfmt and clippy clean, conformance both ways with cargo."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from impls.breakages import implementation

from conftest import EXAMPLES, ROOT
from specc import ir
from specc.build.driver import build
from specc.conformance import rust as runner
from specc.emitters.rust import layout
from specc.emitters.rust import model as rust_model

GOLDEN = ROOT / "tests" / "golden" / "rust"
#: Golden files carry this suffix so no tool takes them for a crate's own files.
SUFFIX = ".golden"
#: One cargo target folder for the whole suite (and later runs): the crates
#: compile once, and every later build is incremental. One per checkout: crates
#: of the same name share a test binary there, so two suites running at once
#: from different checkouts must not share the folder.
TARGET = Path(tempfile.gettempdir()) / (
    "specc-rust-target-" + hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
)


def toolchain() -> dict[str, str]:
    """Return the environment cargo, rustfmt and clippy run in."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET), RUST_BACKTRACE="0")
    cargo_bin = Path.home() / ".cargo" / "bin"
    env["PATH"] = f"{cargo_bin}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.fixture(autouse=True)
def _cargo_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give `specc test` (run in-process) the shared target folder and cargo on PATH."""
    for key, value in toolchain().items():
        monkeypatch.setenv(key, value)


def tool(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a toolchain command in ``cwd``."""
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, env=toolchain()
    )


def rustfmt_check(crate: Path) -> subprocess.CompletedProcess[str]:
    """Run `rustfmt --check --edition 2021` on every Rust file of a crate."""
    files = sorted(str(p) for p in crate.rglob("*.rs") if "target" not in p.parts)
    return tool(["rustfmt", "--check", "--edition", "2021", *files], crate)


def clippy(crate: Path) -> subprocess.CompletedProcess[str]:
    """Run `cargo clippy --offline --all-targets -- -D warnings` on a crate."""
    return tool(
        ["cargo", "clippy", "--offline", "--all-targets", "--", "-D", "warnings"], crate
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, ir.Spec]]:
    """Build the shared examples for the Rust target once."""
    out = tmp_path_factory.mktemp("rust-out")
    result = build([str(EXAMPLES)], ["rust"], out)
    assert result.ok, [d.message for d in result.diagnostics]
    return out / "rust", {s.id: s for s in result.specs}


def crate(built, spec_id: str, into: Path) -> Path:  # type: ignore[no-untyped-def]
    """Copy a built crate to ``into``/rust/<spec>, so a test may change it."""
    target = into / "rust" / spec_id
    shutil.copytree(built[0] / spec_id, target)
    return target


def implement(path: Path, spec_id: str, broken: bool = False) -> None:
    """Replace the scaffold of a crate with a hand-written implementation."""
    source = implementation("rust", spec_id, broken)
    (path / "src" / "implementation.rs").write_text(source, "utf-8")


def statuses(results: list) -> dict[tuple[str, int], str]:  # type: ignore[type-arg]
    """Return (rule, example) -> status."""
    return {(r.rule, r.example): r.status for r in results}


# --- Output ---------------------------------------------------------------------------


def test_output_matches_goldens(built, update_goldens: bool) -> None:
    """Every emitted file equals its golden byte for byte; none is missing or stale."""
    out = built[0]
    made = {p.relative_to(out).as_posix(): p for p in out.rglob("*") if p.is_file()}
    if update_goldens:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for relative, path in made.items():
            target = GOLDEN / (relative + SUFFIX)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    golden = {
        p.relative_to(GOLDEN).as_posix().removesuffix(SUFFIX): p
        for p in GOLDEN.rglob("*" + SUFFIX)
    }
    assert sorted(made) == sorted(golden), "missing or stale golden files"
    for relative, path in made.items():
        assert path.read_bytes() == golden[relative].read_bytes(), relative


def test_a_crate_per_spec_that_declares_functions(built) -> None:
    """todo and geometry get a crate; support_bot (no functions) gets none."""
    out, specs = built
    assert sorted(p.name for p in out.iterdir()) == ["geometry", "todo"]
    assert not specs["support_bot"].functions
    manifest = (out / "todo" / "Cargo.toml").read_text()
    assert 'edition = "2021"' in manifest
    assert manifest.rstrip().endswith("[dependencies]")  # no dependencies at all


def test_building_twice_gives_identical_bytes(built, tmp_path: Path) -> None:
    """A second build into a fresh folder writes exactly the same files."""
    assert build([str(EXAMPLES)], ["rust"], tmp_path).ok
    first, second = built[0], tmp_path / "rust"
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert names == sorted(
        p.relative_to(second) for p in second.rglob("*") if p.is_file()
    )
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.mark.parametrize("spec_id", ["todo", "geometry"])
@pytest.mark.parametrize("impl", ["scaffold", "correct"])
def test_crate_is_rustfmt_and_clippy_clean(
    built, tmp_path: Path, spec_id: str, impl: str
) -> None:
    """The crate (scaffold or real implementation) passes rustfmt --check and clippy -D warnings."""
    path = crate(built, spec_id, tmp_path)
    if impl == "correct":
        implement(path, spec_id)
    formatted = rustfmt_check(path)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    linted = clippy(path)
    assert linted.returncode == 0, linted.stderr
    assert "warning" not in linted.stderr


def test_trait_documents_each_method_with_its_rule(built) -> None:
    """One method per fn; its doc names the rule and carries the normative text."""
    api = (built[0] / "todo" / "src" / "api.rs").read_text()
    assert "    /// Rule `complete_task`:\n" in api
    assert (
        "    /// - `remaining` MUST return how many tasks are not done.\n"
        "    /// - It SHOULD NOT depend on priority or tags.\n"
        "    fn remaining(&self, tasks: &[Task]) -> i64;\n"
    ) in api
    assert "-> Result<Vec<Task>, TodoError>;" in api
    impl = (built[0] / "todo" / "src" / "implementation.rs").read_text()
    assert impl.count("todo!(") == 4
    assert 'todo!("not implemented: rule by_tag")' in impl


def test_types_map_as_the_issue_says(built) -> None:
    """Records derive what is valid, variants are struct enums, maps are BTreeMaps."""
    types = (built[0] / "geometry" / "src" / "types.rs").read_text()
    assert "#[derive(Debug, Clone, PartialEq)]\npub struct Point {" in types
    assert "    Rect {\n        width: f64,\n        height: f64,\n    }," in types
    assert "pub type Label = String;" in types
    assert "pub struct Box_ {" in types  # `Box` would shadow std's
    api = (built[0] / "geometry" / "src" / "api.rs").read_text()
    assert "groups: &BTreeMap<Label, Vec<Shape>>," in api
    todo = (built[0] / "todo" / "src" / "types.rs").read_text()
    assert "#[derive(Debug, Clone, PartialEq, Eq, Hash)]\npub struct Task {" in todo
    assert "Ord, Hash)]\npub enum Priority {" in todo
    assert "impl std::error::Error for TodoError {}" in todo


# --- Conformance -----------------------------------------------------------------------


@pytest.mark.parametrize("spec_id", ["todo", "geometry"])
def test_correct_implementation_passes_every_example(
    built, tmp_path: Path, spec_id: str
) -> None:
    """The hand-written correct implementation conforms."""
    spec = built[1][spec_id]
    implement(crate(built, spec_id, tmp_path), spec_id)
    results = runner.run(tmp_path / "rust", spec)
    assert [r.status for r in results] == ["passed"] * len(list(spec.examples()))


@pytest.mark.parametrize(
    "spec_id, wrong, shows",
    [
        ("todo", ("by_tag", 2), 'expected []\n     got [Task { title: "A"'),
        ("geometry", ("area", 4), "expected 6.0\n     got -6.0"),
    ],
)
def test_broken_implementation_fails_under_the_right_rule(
    built, tmp_path: Path, spec_id: str, wrong: tuple[str, int], shows: str
) -> None:
    """One wrong behaviour fails exactly its example, with the panic message."""
    spec = built[1][spec_id]
    implement(crate(built, spec_id, tmp_path), spec_id, broken=True)
    results = runner.run(tmp_path / "rust", spec)
    failed = {k for k, v in statuses(results).items() if v == "failed"}
    assert failed == {wrong}
    (bad,) = [r for r in results if r.status == "failed"]
    assert bad.message.startswith(f"{wrong[0]} #{wrong[1]}: ")  # the example line
    assert shows in bad.message and bad.spec == spec_id


MUTANTS = {
    "todo": [
        ("return Err(TodoError::EmptyTitle);", "return Ok(tasks);"),
        (
            ".ok_or(TodoError::NoSuchTask { index })",
            ".ok_or(TodoError::NoSuchTask { index: index + 1 })",
        ),
    ],
    "geometry": [("Ok(std::f64::consts::PI *", "Ok(3.1416 *")],
}


def test_equality_tolerance_and_error_fields_are_checked(built, tmp_path: Path) -> None:
    """A missing error, a wrong error field and pi off by 2e-6 each fail their examples."""
    messages = {}
    for spec_id, changes in MUTANTS.items():
        path = crate(built, spec_id, tmp_path)
        source = implementation("rust", spec_id)
        for old, new in changes:
            assert old in source
            source = source.replace(old, new)
        (path / "src" / "implementation.rs").write_text(source)
        results = runner.run(tmp_path / "rust", built[1][spec_id])
        messages.update(
            {(r.rule, r.example): r.message for r in results if r.status == "failed"}
        )
    assert set(messages) == {
        ("add_task", 4),
        ("complete_task", 3),
        ("complete_task", 4),
        ("area", 1),
    }
    assert (
        "expected the error TodoError::EmptyTitle, got the result []"
        in messages["add_task", 4]
    )
    assert "field `index`: expected 3, got 4" in messages["complete_task", 3]
    assert "expected 3.14159265 within 0.000001\n     got 3.1416" in messages["area", 1]


def test_a_crate_that_does_not_compile_fails_every_example_once(
    built, tmp_path: Path
) -> None:
    """A type error in the implementation is one failure covering every example."""
    spec = built[1]["todo"]
    path = crate(built, "todo", tmp_path)
    impl = path / "src" / "implementation.rs"
    impl.write_text(
        impl.read_text().replace('todo!("not implemented: rule remaining")', '"three"')
    )
    results = runner.run(tmp_path / "rust", spec)
    assert [(r.rule, r.status, r.covers) for r in results] == [("(spec)", "failed", 12)]
    assert results[0].message.startswith(
        "does not compile:\nerror[E0308]: mismatched types"
    )
    assert "src/implementation.rs" in results[0].message


def test_fresh_scaffold_reports_every_example_not_implemented(
    cli, tmp_path: Path
) -> None:
    """`specc test --target rust` on a fresh build: one TODO per example, exit 0; JSON rows."""
    done = cli("test", str(EXAMPLES), "--target", "rust", "--out", str(tmp_path))
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "TODO geometry area #1: area(circle{radius: 1.0}) ~= 3.14159265 (not implemented)"
    )
    assert lines[-1] == "23 examples: 0 passed, 0 failed, 23 not implemented"
    done = cli(
        "test",
        str(EXAMPLES),
        "--target",
        "rust",
        "--out",
        str(tmp_path),
        "--format",
        "json",
        "--require-all",
    )
    assert done.exit_code == 1
    rows = json.loads(done.stdout)["results"]
    assert len(rows) == 23 and {r["status"] for r in rows} == {"not_implemented"}
    assert all(r["message"] == f"not implemented: rule {r['rule']}" for r in rows)
    assert set(rows[0]) == {
        "spec",
        "rule",
        "example",
        "status",
        "message",
        "text",
        "covers",
    }


def test_cargo_runs_one_test_per_example_named_by_rule(built, tmp_path: Path) -> None:
    """Each example is a #[test] named `<rule>_<n>`, its line in a comment above it."""
    spec = built[1]["todo"]
    path = crate(built, "todo", tmp_path)
    implement(path, "todo")
    done = tool(["cargo", "test", "--offline", "--test", "conformance"], path)
    assert done.returncode == 0, done.stderr
    names = rust_model.test_names(spec)
    ran = sorted(
        line.split()[1]
        for line in done.stdout.splitlines()
        if line.startswith("test ") and " ... " in line
    )
    assert ran == sorted(names.values())
    assert names[next(iter(names))] == "add_task_1"
    tests = (path / "tests" / "conformance.rs").read_text()
    assert (
        "// complete_task #4: complete_task([], -1) raises NoSuchTask{index: -1}\n"
        "#[test]\nfn complete_task_4() {\n"
    ) in tests


# --- Approximate results ------------------------------------------------------------------

APPROX_SPEC = """\
---
spec: approx
title: Approximate results
---

# Approximate {#approx}

## Scale {#scale}

`scale` MUST multiply.

```specc
type Meters = float
record P { x: float, tag: string = "", n: int = 0 }
fn scale(x: float) -> Meters
fn many(x: float) -> map<string, list<float>>
fn maybe(x: float) -> float?
fn point(x: float) -> P
```

```examples
scale(1000) ~= 2000.0
scale(0.0000001) ~= 0.0000002
many(1) ~= {"k": [1.0, 2.0]}
maybe(1) ~= 2.0
point(1) ~= {x: 2.0, n: 1000000}
```
"""

APPROX_IMPL = """\
use crate::api::ApproxApi;
use crate::types::*;

const ERROR: f64 = {error};

#[derive(Debug, Default)]
pub struct Approx {{}}

impl ApproxApi for Approx {{
    fn scale(&self, x: f64) -> Meters {{
        2.0 * x * (1.0 + ERROR)
    }}

    fn many(&self, x: f64) -> BTreeMap<String, Vec<f64>> {{
        BTreeMap::from([("k".to_string(), vec![x, 2.0 * x * (1.0 + ERROR)])])
    }}

    fn maybe(&self, x: f64) -> Option<f64> {{
        Some(2.0 * x * (1.0 + ERROR))
    }}

    fn point(&self, x: f64) -> P {{
        P {{
            x: 2.0 * x * (1.0 + ERROR),
            tag: String::new(),
            n: {n},
        }}
    }}
}}
"""


@pytest.fixture(scope="module")
def approx_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ir.Spec]:
    """Build the approximate-results spec once."""
    folder = tmp_path_factory.mktemp("approx")
    (folder / "approx.spec.md").write_text(APPROX_SPEC)
    result = build([str(folder / "approx.spec.md")], ["rust"], folder / "out")
    assert result.ok, [d.message for d in result.diagnostics]
    return folder / "out" / "rust" / "approx", result.specs[0]


@pytest.mark.parametrize(
    "error, n, expected",
    [
        ("1e-7", 1000000, ["passed"] * 5),
        ("-5e-7", 1000000, ["passed"] * 5),
        # 1e-5 off fails everywhere but where the absolute floor of 1e-6 covers it
        ("1e-5", 1000000, ["failed", "passed", "failed", "failed", "failed"]),
        # integers inside a record are compared exactly, never within the tolerance
        ("0.0", 1000001, ["passed"] * 4 + ["failed"]),
    ],
)
def test_approx_is_relative_1e6_everywhere_in_the_result(
    approx_built, tmp_path: Path, error: str, n: int, expected: list[str]
) -> None:
    """`~=` holds within 1e-6 relative (floor 1) in floats, maps, lists, options, records."""
    path = tmp_path / "rust" / "approx"
    shutil.copytree(approx_built[0], path)
    impl = path / "src" / "implementation.rs"
    impl.write_text(APPROX_IMPL.format(error=error, n=n))
    results = runner.run(tmp_path / "rust", approx_built[1])
    assert [r.status for r in results] == expected, [r.message for r in results]


# --- Scaffold and names -------------------------------------------------------------------


def test_scaffold_is_kept_and_new_operations_are_reported(tmp_path: Path) -> None:
    """A rebuild never overwrites implementation.rs and warns about a new operation."""
    spec = tmp_path / "todo.spec.md"
    spec.write_text((EXAMPLES / "todo.spec.md").read_text())
    assert build([str(spec)], ["rust"], tmp_path / "out").ok
    impl = tmp_path / "out" / "rust" / "todo" / "src" / "implementation.rs"
    impl.write_text(impl.read_text() + "// mine\n")
    spec.write_text(
        spec.read_text()
        + "\n```specc\nfn clear(tasks: list<Task>) -> list<Task>\n```\n"
    )
    again = build([str(spec)], ["rust"], tmp_path / "out")
    assert again.ok
    assert impl.read_text().endswith("// mine\n")
    warnings = [d for d in again.diagnostics if d.code == "W085"]
    assert len(warnings) == 1 and "`fn clear(`" in warnings[0].message


HOSTILE_SPEC = r"""---
spec: "../../Evil crate/std"
title: "Hostile \"title\" \\ with\ttab"
version: 1.2.3-beta.2+build.7
summary: "Ends with a quote\""
---

# Hostile {#9.x:y-z}

Everything here MUST be awkward: `{braces}` and "quotes" and \ too.

```specc
/// Doc with a list:
/// - first item that goes on
/// and on, lazily
///       - over indented
enum Self { None, class, True, x_y, xY, _2fast, _2Fast, Box }

record Option {
  type: list<int> = [1, 2]
  self: string
  map: map<string, int> = {"a": 1}
  kind: Self = class
  bytes: bytes = [0, 255]
  maybe: Alias2?
  ratio: float = 3.14159
}

type Alias2 = Alias1
type Alias1 = list<Option>

/// An expression tree: needs boxes.
variant Expr { lit { value: int }, add { left: Expr, right: Expr }, neg { inner: Expr? }, zero {} }

record Zeroes { a: int = 0, b: bool = false, c: string = "", d: list<int> = [], e: float? }

variant Typing { kind { tag: int }, tag { kind: string }, plain {} }

error args { args: int, self: string }
error NotImplementedError "bad \" {message} with a very long text that goes well past the line width of rustfmt"
error RwError "short"

fn class(import: Option, list: Typing) -> Option? raises args, RwError
fn self(x: float) -> map<string, float>
fn Kind() -> list<Typing> raises NotImplementedError
fn into_thing(e: Expr, z: Zeroes) -> int
fn new() -> Self
fn many(a: int, b: int, c: int, d: int, e: int, f: int, g: int, h: int) -> int
```

```examples
class({self: "s"}, kind{tag: 1}) == none
class({self: "\u0001\"\u202e", maybe: [{self: "x", ratio: 1}]}, plain{}) == {self: "x", kind: None}
class({self: "t"}, tag{kind: "k"}) raises args{args: 3, self: "q"}
class({self: "t"}, plain{}) raises RwError
self(1) ~= {"a": 1.5}
Kind() == [kind{tag: 1}, tag{kind: "x"}, plain{}]
Kind() raises NotImplementedError
into_thing(add{left: lit{value: 1}, right: neg{inner: lit{value: -9223372036854775808}}}, {}) == 3
into_thing(zero{}, {a: 1, e: 2.5}) == 0
new() == xY
many(1, 2, 3, 4, 5, 6, 7, 8) == 36
```

## Two {#class}

Again MUST.

```specc
fn add_task(x: int) -> bool
```

```examples
add_task(1) == true
```

## Three {#Class}

MUST.

```specc
fn addTask(x: int) -> bool
```

```examples
addTask(1) == false
```
"""


def test_hostile_names_give_a_clean_crate_inside_the_output(tmp_path: Path) -> None:
    """Keywords, std names, recursion, quotes and path tricks still give a clean crate."""
    (tmp_path / "h.spec.md").write_text(HOSTILE_SPEC)
    out = tmp_path / "out"
    result = build([str(tmp_path / "h.spec.md")], ["rust"], out)
    assert result.ok, [d.message for d in result.diagnostics]
    files = [p for p in out.rglob("*") if p.is_file()]
    assert all(p.resolve().is_relative_to(out.resolve()) for p in files)
    (path,) = (out / "rust").iterdir()
    manifest = (path / "Cargo.toml").read_text()
    assert (
        'name = "evil_crate_std"' in manifest
        and 'version = "1.2.3-beta.2+build.7"' in manifest
    )
    types = (path / "src" / "types.rs").read_text()
    assert "    Add { left: Box<Expr>, right: Box<Expr> },\n" in types
    assert "    Neg { inner: Option<Box<Expr>> },\n" in types
    assert "pub enum Self_ {" in types and "pub struct Option_ {" in types
    formatted = rustfmt_check(path)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    linted = clippy(path)
    assert linted.returncode == 0, linted.stderr
    results = runner.run(out / "rust", result.specs[0])
    assert [r.status for r in results] == ["not_implemented"] * 13
    assert {r.rule for r in results} == {"9.x:y-z", "class", "Class"}


@pytest.mark.parametrize(
    "spec_id, crate",
    [
        ("todo", "todo"),
        ("std", "std_spec"),
        ("test", "test_spec"),
        ("my-spec.v2", "my_spec_v2"),
        ("fn", "fn_"),
        ("2fast", "spec_2_fast"),
        ("日本語", "spec"),
    ],
)
def test_crate_names_are_identifiers_cargo_accepts(spec_id: str, crate: str) -> None:
    """A spec's crate name is a snake_case identifier that is no std crate."""
    assert rust_model.crate_name(spec_id) == crate


def test_importing_the_target_starts_no_toolchain() -> None:
    """Building needs no Rust toolchain: the emitter never runs rustfmt or cargo."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, specc.build.driver as b; os.environ['PATH'] = '';"
            f"r = b.build([{str(EXAMPLES)!r}], ['rust'], {tempfile.mkdtemp()!r}); assert r.ok",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


# --- The layout engine against rustfmt ------------------------------------------------------


def _random_expr(rng: random.Random, depth: int = 0) -> layout.Expr:
    """Return a random value expression of the kinds the emitter produces."""
    if depth > 3 or rng.random() < 0.3:
        pick = rng.random()
        if pick < 0.3:
            return layout.Atom(str(rng.choice([0, -3, 255, 9007199254740991])))
        if pick < 0.45:
            return layout.Atom(rng.choice(["1.5", "None", "true"]))
        if pick < 0.55:
            return layout.Atom(rng.choice(["Priority::High", "i64::MIN"]), False)
        text = "".join(rng.choice("ab é") for _ in range(rng.choice([0, 5, 40, 90])))
        return layout.Call("String::from", (layout.Atom(f'"{text}"'),))
    pick = rng.random()
    if pick < 0.3:
        items = tuple(
            _random_expr(rng, depth + 1) for _ in range(rng.choice([0, 1, 3, 12]))
        )
        return layout.Array(items, "vec!")
    if pick < 0.45:
        return layout.Call(
            rng.choice(["Some", "Box::new"]), (_random_expr(rng, depth + 1),)
        )
    if pick < 0.55:
        pairs = tuple(
            layout.Tuple((_random_expr(rng, 3), _random_expr(rng, depth + 1)))
            for _ in range(rng.choice([1, 2]))
        )
        return layout.Call("BTreeMap::from", (layout.Array(pairs),))
    fields = tuple(
        (
            rng.choice(["x", "title", "a_rather_long_field"]),
            _random_expr(rng, depth + 1),
        )
        for _ in range(rng.choice([0, 1, 2, 4]))
    )
    base = (
        layout.Call("Task::new", (_random_expr(rng, 3),))
        if rng.random() < 0.3
        else None
    )
    return layout.Struct(rng.choice(["Point", "Shape::Rect"]), fields, base)


def test_layout_matches_rustfmt_on_random_values(tmp_path: Path) -> None:
    """300 random statements of values laid out by rust_layout are exactly rustfmt's."""
    rng = random.Random(20240501)
    bodies = []
    for n in range(300):
        pick = n % 3
        if pick == 0:
            line = layout.assign("let want =", _random_expr(rng), 4)
        elif pick == 1:
            args = tuple(_random_expr(rng) for _ in range(rng.choice([1, 2, 3])))
            line = layout.assign("let got =", layout.Call("complete_task", args), 4)
        else:
            fields = (("field", _random_expr(rng)),)
            check = layout.Call(
                "expect_error!",
                (
                    layout.Atom("got"),
                    layout.Struct("Error::Negative", fields),
                    layout.Atom('"t"'),
                ),
                macro=True,
            )
            line = layout.statement(check, 4)
        bodies.append(f"fn t{n}() {{\n{line}\n}}\n")
    source = tmp_path / "values.rs"
    source.write_text("\n".join(bodies))
    done = tool(["rustfmt", "--check", "--edition", "2021", str(source)], tmp_path)
    assert done.returncode == 0, done.stdout[:3000]


def _nested_value(depth: int) -> layout.Expr:
    """Return `vec![Node { name, children: vec![Node { … }] }]`, ``depth`` levels deep."""
    value: layout.Expr = layout.Call("String::from", (layout.Atom('"leaf"'),))
    for _ in range(depth):
        name = layout.Call("String::from", (layout.Atom('"n"'),))
        node = layout.Struct("Node", (("name", name), ("children", value)))
        value = layout.Array((node,), "vec!")
    return value


def test_layout_time_is_linear_in_nesting_depth(tmp_path: Path) -> None:
    """A value nested 16 deep lays out in well under a second, exactly as rustfmt does.

    rustfmt's algorithm tries each sub-expression in several shapes and each
    ancestor repeats its children's tries; without a memo that is exponential
    in depth (16 levels took about a minute, 12 levels 2.5 s).
    """
    start = time.process_time()
    statement = layout.assign("let want =", _nested_value(16), 4)
    assert time.process_time() - start < 5.0
    source = tmp_path / "deep.rs"
    source.write_text(f"fn t() {{\n{statement}\n}}\n")
    done = tool(["rustfmt", "--check", "--edition", "2021", str(source)], tmp_path)
    assert done.returncode == 0, done.stdout[:3000]


def test_width_counts_columns_as_a_terminal_does() -> None:
    """ASCII is one column a character; wide CJK two; combining marks and format characters none."""
    assert layout.width("let x = 1;") == 10
    assert layout.width("日本語") == 6
    assert layout.width("e\u0301te\u200b") == 3
    assert layout.width("") == 0


# --- Ownership of arguments --------------------------------------------------------------

OWNER_SPEC = """\
---
spec: owner
title: Ownership of arguments
---

# Ownership {#owner}

## Kinds {#kinds}

Each operation MUST return what its examples say, and MUST NOT change its arguments.

```specc
enum Colour { red, green }
type Label = string
type Names = list<string>
record Item { name: string, count: int = 0 }
variant Shape { dot {}, line { length: float } }
fn scalars(a: int, b: float, c: bool, d: Colour, e: int?) -> int
fn text(s: string, label: Label, raw: bytes) -> int
fn lists(xs: list<int>, names: Names, items: list<Item>) -> int
fn shapes(item: Item, shape: Shape, counts: map<string, int>) -> int
fn optionals(s: string?, xs: list<int>?, item: Item?, shape: Shape?) -> int
fn rename(item: Item, name: string) -> Item
fn append(xs: list<int>, ys: list<int>) -> list<int>
fn concat(a: Label, b: string) -> string
```

```examples
scalars(1, 2.5, true, green, 4) == 5
scalars(1, 2.5, false, red, none) == 0
text("ab", "c", [1, 2]) == 5
lists([1, 2], ["a"], [{name: "x", count: 3}]) == 7
shapes({name: "k", count: 1}, line{length: 2.0}, {"k": 5}) == 7
optionals("a", none, {name: "x"}, dot{}) == 3
optionals(none, [1], none, none) == 1
rename({name: "a", count: 2}, "b") == {name: "b", count: 2}
append([1], [2, 3]) == [1, 2, 3]
concat("ab", "cd") == "abcd"
```
"""

#: The trait's signatures: scalars and enums by value, the first argument of the
#: result's type moved in, everything else borrowed (`&str`, `&[T]`, `&T`, `Option<&T>`).
OWNER_SIGNATURES = [
    "fn scalars(&self, a: i64, b: f64, c: bool, d: Colour, e: Option<i64>) -> i64;",
    "fn text(&self, s: &str, label: &str, raw: &[u8]) -> i64;",
    "fn lists(&self, xs: &[i64], names: &[String], items: &[Item]) -> i64;",
    "fn shapes(&self, item: &Item, shape: &Shape, counts: &BTreeMap<String, i64>) -> i64;",
    "fn optionals(\n        &self,\n        s: Option<&str>,\n        xs: Option<&[i64]>,\n"
    "        item: Option<&Item>,\n        shape: Option<&Shape>,\n    ) -> i64;",
    "fn rename(&self, item: Item, name: &str) -> Item;",
    "fn append(&self, xs: Vec<i64>, ys: &[i64]) -> Vec<i64>;",
    "fn concat(&self, a: Label, b: &str) -> String;",
]


@pytest.fixture(scope="module")
def owner_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ir.Spec]:
    """Build the ownership spec once."""
    folder = tmp_path_factory.mktemp("owner")
    (folder / "owner.spec.md").write_text(OWNER_SPEC)
    result = build([str(folder / "owner.spec.md")], ["rust"], folder / "out")
    assert result.ok, [d.message for d in result.diagnostics]
    return folder / "out" / "rust" / "owner", result.specs[0]


def test_read_only_arguments_are_borrowed(owner_built, tmp_path: Path) -> None:
    """The trait borrows what it only reads; a correct implementation passes, clippy-clean."""
    api = (owner_built[0] / "src" / "api.rs").read_text()
    for signature in OWNER_SIGNATURES:
        assert f"    {signature}\n" in api, signature
    path = tmp_path / "rust" / "owner"
    shutil.copytree(owner_built[0], path)
    formatted = rustfmt_check(path)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    linted = clippy(path)  # the scaffold: `_s: &str`, `_xs: Option<&[i64]>`, …
    assert linted.returncode == 0, linted.stderr
    (path / "src" / "implementation.rs").write_text(implementation("rust", "owner"))
    results = runner.run(tmp_path / "rust", owner_built[1])
    assert [r.status for r in results] == ["passed"] * 10, [r.message for r in results]
    linted = clippy(path)
    assert linted.returncode == 0, linted.stderr
    assert "warning" not in linted.stderr


def test_an_implementation_that_edits_an_argument_does_not_compile(
    built, tmp_path: Path
) -> None:
    """Sorting the borrowed `tasks` in place is a type error, reported as rustc's E0596."""
    spec = built[1]["todo"]
    path = crate(built, "todo", tmp_path)
    source = implementation("rust", "todo")
    honest = "tasks.iter().filter(|task| !task.done).count() as i64"
    assert honest in source
    editing = (
        "tasks.sort_by_key(|task| task.done);\n"
        "        tasks.iter().take_while(|task| !task.done).count() as i64"
    )
    (path / "src" / "implementation.rs").write_text(source.replace(honest, editing))
    results = runner.run(tmp_path / "rust", spec)
    assert {r.status for r in results} == {"failed"}
    message = results[0].message
    assert "error[E0596]: cannot borrow `*tasks` as mutable" in message
    # the whole diagnostic: where, what, and rustc's help
    assert "  --> src/implementation.rs:" in message
    assert "help: consider changing this to be a mutable reference" in message
    assert "tasks: &mut [Task]" in message
    assert "could not compile" not in message and "rustc --explain" not in message


def test_compile_errors_are_whole_and_counted() -> None:
    """Each rustc error is kept whole, warnings and cargo's chatter are dropped."""
    stderr = (
        "   Compiling todo v1.0.0 (/x)\n"
        "warning: unused variable: `x`\n --> src/lib.rs:1:1\n  |\n\n"
        "error[E0407]: method `extra` is not a member of trait `TodoApi`\n"
        "  --> src/implementation.rs:32:5\n   |\n32 |     fn extra(&self) {}\n"
        "   |     ^^^ not a member of trait `TodoApi`\n\n"
        "error[E0308]: mismatched types\n  --> src/implementation.rs:9:5\n"
        "   |\n   = note: expected `i64`, found `&str`\n\n"
        "Some errors have detailed explanations: E0308, E0407.\n"
        "error: could not compile `todo` (lib) due to 2 previous errors\n"
    )
    assert runner.compiler_errors(stderr) == (
        "error[E0407]: method `extra` is not a member of trait `TodoApi`\n"
        "  --> src/implementation.rs:32:5\n   |\n32 |     fn extra(&self) {}\n"
        "   |     ^^^ not a member of trait `TodoApi`\n\n"
        "error[E0308]: mismatched types\n  --> src/implementation.rs:9:5\n"
        "   |\n   = note: expected `i64`, found `&str`"
    )
    assert runner.compiler_errors(stderr, most=1).endswith("\n\n… and 1 more error")
    assert runner.compiler_errors("error: could not compile `x`\n") == (
        "error: could not compile `x`"
    )


#: `remaining` never returns; every other operation is correct.
ENDLESS = "tasks.iter().filter(|task| !task.done).count() as i64"


def test_a_hanging_example_times_out_and_the_others_report(
    built, tmp_path: Path
) -> None:
    """An endless loop fails its examples with "timed out after 1 s"; the rest pass."""
    spec = built[1]["todo"]
    path = crate(built, "todo", tmp_path)
    source = implementation("rust", "todo")
    assert ENDLESS in source
    endless = "loop {\n            std::hint::spin_loop();\n        }"
    (path / "src" / "implementation.rs").write_text(source.replace(ENDLESS, endless))
    start = time.monotonic()
    results = runner.run(tmp_path / "rust", spec, timeout=1.0)
    assert time.monotonic() - start < 120
    by_rule = {(r.rule, r.example): (r.status, r.message) for r in results}
    assert by_rule[("remaining", 1)] == ("failed", "timed out after 1 s"), by_rule
    assert by_rule[("remaining", 2)] == ("failed", "timed out after 1 s"), by_rule
    others = {k: v for k, v in by_rule.items() if k[0] != "remaining"}
    assert {s for s, _ in others.values()} == {"passed"} and len(others) == 10


def test_failure_messages_are_whole_and_name_an_error_once(
    built, tmp_path: Path
) -> None:
    """A raised error reads `raised NoSuchTask { index: 0 }`; a panic's lines all survive."""
    spec = built[1]["todo"]
    path = crate(built, "todo", tmp_path)
    source = implementation("rust", "todo")
    trimmed = "let trimmed = title.trim();"
    assert trimmed in source and ENDLESS in source
    source = source.replace(
        trimmed, f"return Err(TodoError::NoSuchTask {{ index: 0 }});\n        {trimmed}"
    )
    panic = 'panic!("first line\\n\\nthird line, after a blank one: {}", tasks.len())'
    source = source.replace(ENDLESS, panic)
    (path / "src" / "implementation.rs").write_text(
        "#![allow(unreachable_code)]\n" + source
    )
    results = {(r.rule, r.example): r for r in runner.run(tmp_path / "rust", spec)}
    raised = results[("add_task", 1)].message
    assert raised == (
        'add_task #1: add_task([], "Buy milk") == [{title: "Buy milk"}]\n'
        'expected [Task { title: "Buy milk", done: false, priority: Normal, tags: [],'
        " note: None }]\n  raised NoSuchTask { index: 0 }"
    )
    wrong = results[("add_task", 4)].message
    assert wrong.endswith(
        "expected the error TodoError::EmptyTitle, got NoSuchTask { index: 0 }"
    )
    assert all("NoSuchTask: NoSuchTask" not in r.message for r in results.values())
    assert results[("remaining", 2)].message == (
        "first line\n\nthird line, after a blank one: 3"
    )


def test_cargo_itself_is_bounded(
    built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When cargo as a whole runs past its limit it is stopped and every example says so."""
    spec = built[1]["todo"]
    path = crate(built, "todo", tmp_path)
    implement(path, "todo")
    (path / "src" / "implementation.rs").touch()
    monkeypatch.setattr(runner, "BUILD_TIME", 0.0)
    start = time.monotonic()
    results = runner.run(tmp_path / "rust", spec, timeout=0.01)
    assert time.monotonic() - start < 30
    assert {(r.status, r.message) for r in results} == {
        ("failed", "cargo test ran longer than 0.12 s")
    }
