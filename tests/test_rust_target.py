"""What only the Rust target has: its manifest, rustfmt and clippy, types and
borrowed arguments, crate names, the layout engine, rustc's errors and cargo's
own limit (the checks every code target shares are in test_code_targets.py)."""

from __future__ import annotations

import random
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from impls.breakages import implementation
from targets import fresh_copy, rust_env

from conftest import DATA
from specc import ir
from specc.build.driver import build
from specc.conformance import rust as runner
from specc.emitters.rust import layout
from specc.emitters.rust import model as rust_model
from specc.emitters.rust.surrogates import has_surrogate


@pytest.fixture(autouse=True)
def _cargo_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give `specc test` (run in-process) the shared target folder and cargo on PATH."""
    for key, value in rust_env().items():
        monkeypatch.setenv(key, value)


def tool(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a toolchain command in ``cwd``."""
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=rust_env())


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
def built(build_once) -> tuple[Path, dict[str, ir.Spec]]:  # type: ignore[no-untyped-def]
    """Return the shared examples built for the Rust target, once per session."""
    examples = build_once("rust")
    return examples.folder, examples.specs


def crate(built, spec_id: str, into: Path) -> Path:  # type: ignore[no-untyped-def]
    """Copy a built crate to ``into``/rust/<spec>, so a test may change it."""
    return fresh_copy(built[0] / spec_id, into / "rust" / spec_id)


def implement(path: Path, spec_id: str, broken: bool = False) -> None:
    """Replace the scaffold of a crate with a hand-written implementation."""
    source = implementation("rust", spec_id, broken)
    (path / "src" / "implementation.rs").write_text(source, "utf-8")


# --- Output ---------------------------------------------------------------------------


def test_crate_manifest_is_edition_2021_with_no_dependencies(built) -> None:
    """Cargo.toml names edition 2021 and an empty `[dependencies]`."""
    manifest = (built[0] / "todo" / "Cargo.toml").read_text()
    assert 'edition = "2021"' in manifest
    assert manifest.rstrip().endswith("[dependencies]")  # no dependencies at all


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


def test_trait_borrows_what_it_reads_and_returns_results(built) -> None:
    """A method that only reads takes a slice; one that may fail returns a Result;
    the doc above each wraps its statements at rustfmt's width."""
    api = (built[0] / "todo" / "src" / "api.rs").read_text()
    assert (
        "    /// - `remaining` MUST return how many tasks are not done.\n"
        "    /// - It SHOULD NOT depend on priority or tags.\n"
        "    fn remaining(&self, tasks: &[Task]) -> i64;\n"
    ) in api
    assert "-> Result<Vec<Task>, TodoError>;" in api


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


def test_each_test_names_its_example_in_a_comment(built) -> None:
    """Above each `#[test] fn <rule>_<n>` stands its example's line."""
    tests = (built[0] / "todo" / "tests" / "conformance.rs").read_text()
    assert (
        "// complete_task #4: complete_task([], -1) raises NoSuchTask{index: -1}\n"
        "#[test]\nfn complete_task_4() {\n"
    ) in tests


# --- Names -------------------------------------------------------------------


def test_hostile_names_give_a_clean_crate(build_once, tmp_path: Path) -> None:
    """Keywords, std names, recursion, quotes and path tricks
    (tests/data/hostile/rust.spec.md) give a crate with boxes and renamed types,
    rustfmt- and clippy-clean (that it runs: test_code_targets.py)."""
    hostile = build_once("rust", DATA / "hostile" / "rust.spec.md")
    (name,) = (p.name for p in hostile.folder.iterdir())
    path = fresh_copy(hostile.folder / name, tmp_path / name)
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


def test_surrogates_are_found_as_their_code_points_say() -> None:
    """`has_surrogate` (an encode) says True exactly for strings with a code point in
    U+D800..U+DFFF, paired or not (E084 itself: test_emitter_framework.py)."""
    rng = random.Random(5)
    pool = "a\u00e9\u65e5\ud7ff\ud800\udbff\udc00\udfff\ue000\U0001f600\x00"
    for _ in range(5000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 6)))
        expected = any(0xD800 <= ord(c) <= 0xDFFF for c in text)
        assert has_surrogate(text) == expected, repr(text)
