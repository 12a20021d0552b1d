"""The conformance checks every code target shares, run for ts, rust and python.

Each language's own file keeps what only that language has; what it means to
build, implement, break or hang a package in each language is in targets.py.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from targets import (
    CODE_TARGETS,
    CodeTarget,
    Edit,
    edited,
    fresh_copy,
    processes_in,
    rust_env,
)

from conftest import DATA, EXAMPLES, ROOT, Built

GOLDEN = ROOT / "tests" / "golden"
HOSTILE = DATA / "hostile"
APPROX = DATA / "approx.spec.md"
#: The shared examples that declare operations; support_bot declares none.
CODE_SPECS = ("geometry", "todo")
SUMMARY_KEYS = {
    "target",
    "spec",
    "rule",
    "example",
    "status",
    "message",
    "text",
    "covers",
}


@pytest.fixture(scope="module", autouse=True)
def toolchains(shared_typescript: Path) -> Iterator[None]:
    """Give every runner its toolchain: the suite's tsc, one cargo target folder."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in rust_env().items():
            patch.setenv(key, value)
        yield


@pytest.fixture(scope="module", params=CODE_TARGETS, ids=lambda t: t.name)
def target(request: pytest.FixtureRequest) -> CodeTarget:
    """Return each code target in turn."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def built(build_once, target: CodeTarget) -> Built:  # type: ignore[no-untyped-def]
    """Return the shared examples built for the target, once per session."""
    return build_once(target.name)  # type: ignore[no-any-return]


def runner(target: CodeTarget):  # type: ignore[no-untyped-def]
    """Return the target's conformance runner."""
    from specc.conformance import runner as runner_of

    return runner_of(target.name)


def copy_package(built: Built, spec_id: str, into: Path) -> Path:
    """Copy a built package to ``into``/<target>/<spec>, so a test may change it."""
    return fresh_copy(built.folder / spec_id, into / built.target / spec_id)


def run_edited(
    target: CodeTarget,
    built: Built,
    spec_id: str,
    into: Path,
    *edits: Edit,
    scaffold: bool = False,
    timeout: float = 10.0,
) -> list:  # type: ignore[type-arg]
    """Implement a copy of a package (or keep its scaffold), edit it, run its tests."""
    package = copy_package(built, spec_id, into)
    impl = target.implementation(package, spec_id)
    source = impl.read_text() if scaffold else target.source(spec_id)
    impl.write_text(edited(source, edits))
    return runner(target)(into / target.name, built.specs[spec_id], timeout=timeout)


def expected_rows(built: Built) -> list[tuple[str, str, int]]:
    """Return (spec, rule, example) of every shared example, in report order."""
    from specc.emitters.code import cases

    return [
        (case.spec.id, case.rule, case.example.index)
        for spec in built.specs.values()
        for case in cases(spec)
    ]


# --- what a build writes -------------------------------------------------------


def test_a_package_per_spec_that_declares_functions(
    built: Built, target: CodeTarget
) -> None:
    """todo and geometry get a package; support_bot (no functions) gets none; the
    implementation is scaffolded, every other file generated."""
    assert not built.specs["support_bot"].functions
    assert sorted(s for s, spec in built.specs.items() if spec.functions) == list(
        CODE_SPECS
    )
    assert sorted(p.name for p in built.folder.iterdir()) == list(CODE_SPECS)
    kinds = {key: f.kind for key, f in built.files.items()}
    for spec_id in CODE_SPECS:
        impl = target.implementation(Path(target.name) / spec_id, spec_id)
        assert kinds.pop(impl.as_posix()) == "scaffold"
    assert set(kinds.values()) == {"generated"}


def golden_problems(
    produced: dict[str, bytes], folder: Path, suffix: str = ""
) -> list[str]:
    """Return `missing`, `changed` and `stale` problems of ``folder`` against ``produced``."""
    problems = []
    on_disk = (
        {
            p.relative_to(folder).as_posix().removesuffix(suffix)
            for p in folder.rglob("*" + suffix)
            if p.is_file()
        }
        if folder.is_dir()
        else set()
    )
    for relative, data in sorted(produced.items()):
        if relative not in on_disk:
            problems.append(f"missing: {relative}")
        elif (folder / (relative + suffix)).read_bytes() != data:
            problems.append(f"changed: {relative}")
    problems += [f"stale: {r}" for r in sorted(on_disk - set(produced))]
    return problems


def write_goldens(produced: dict[str, bytes], folder: Path, suffix: str = "") -> None:
    """Make ``folder`` hold exactly ``produced``, each name ending in ``suffix``."""
    wanted = {relative + suffix for relative in produced}
    for path in sorted(folder.rglob("*"), reverse=True) if folder.is_dir() else []:
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for relative, data in produced.items():
        golden = folder / (relative + suffix)
        golden.parent.mkdir(parents=True, exist_ok=True)
        if not golden.exists() or golden.read_bytes() != data:
            golden.write_bytes(data)


def test_output_matches_goldens(
    built: Built, target: CodeTarget, update_goldens: bool
) -> None:
    """Every emitted file is what the build reported and equals its golden byte for
    byte; none is missing or stale."""
    folder = built.folder
    produced = {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file()
    }
    assert produced == {
        key.removeprefix(f"{target.name}/"): f.content.encode()
        for key, f in built.files.items()
    }
    golden = GOLDEN / target.name
    if update_goldens:
        write_goldens(produced, golden, target.golden_suffix)
    assert golden_problems(produced, golden, target.golden_suffix) == []


@pytest.mark.parametrize("suffix", ["", ".golden"])
def test_golden_comparison_catches_missing_changed_and_stale(
    tmp_path: Path, suffix: str
) -> None:
    """The golden check fails on each kind of drift, and the update rewrites all of it."""
    folder = tmp_path / "golden"
    produced = {"a.ts": b"one\n", "sub/b.ts": b"two\n", "c.ts": b"three\n"}
    assert golden_problems(produced, folder, suffix) == [
        "missing: a.ts",
        "missing: c.ts",
        "missing: sub/b.ts",
    ]
    write_goldens(produced, folder, suffix)
    assert golden_problems(produced, folder, suffix) == []
    (folder / f"a.ts{suffix}").write_bytes(b"one \n")
    (folder / f"c.ts{suffix}").unlink()
    (folder / "old").mkdir()
    (folder / "old" / f"d.ts{suffix}").write_bytes(b"gone\n")
    assert golden_problems(produced, folder, suffix) == [
        "changed: a.ts",
        "missing: c.ts",
        "stale: old/d.ts",
    ]
    write_goldens(produced, folder, suffix)
    assert golden_problems(produced, folder, suffix) == []
    assert not (folder / "old").exists()


_ABSOLUTE = re.compile(r"(?<![\w.])/(?:tmp|home|root|work|usr|var|private)/")
_TIMESTAMP = re.compile(r"\b(?:19|20)\d\d-[01]\d-[0-3]\d\b|\b[0-2]\d:[0-5]\d:[0-5]\d\b")


@pytest.fixture(scope="module")
def built_twice(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Build every code target from two copies of the examples, at other paths,
    with other mtimes, a second apart; return the two output folders."""
    from specc.build.driver import build

    folder = tmp_path_factory.mktemp("twice")
    outs = []
    for n, stamp in enumerate((1_000_000_000, 1_500_000_000)):
        specs = folder / f"copy{n}" / "specs"
        shutil.copytree(EXAMPLES, specs)
        for spec in specs.iterdir():
            os.utime(spec, (stamp, stamp))
        out = folder / f"copy{n}" / "elsewhere" / "out"
        targets = [t.name for t in CODE_TARGETS]
        assert build([str(specs)], targets, out).ok
        outs.append(out)
        if n == 0:
            time.sleep(1.05)
    return outs


def test_building_twice_gives_identical_bytes_without_paths_or_times(
    built_twice: list[Path], target: CodeTarget
) -> None:
    """Two builds, from copies at other paths with other mtimes, a second apart,
    write the same bytes, with no path, home folder or time in them."""
    trees = [
        {
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file()
            and (p.parts[len(out.parts)] == target.name or p.parent == out)
        }
        for out in built_twice
    ]
    assert trees[0] == trees[1]
    assert ".specc-manifest.json" in trees[0]
    assert any(name.startswith(f"{target.name}/") for name in trees[0])
    folder = built_twice[0].parent.parent.parent
    for relative, data in trees[0].items():
        text = data.decode()
        assert str(folder) not in text and str(ROOT) not in text, relative
        assert str(Path.home()) not in text, relative
        assert not _ABSOLUTE.search(text), relative
        assert not _TIMESTAMP.search(text), relative


def test_building_starts_no_toolchain(tmp_path: Path) -> None:
    """Building needs no toolchain: with nothing on PATH every code target builds."""
    targets = [t.name for t in CODE_TARGETS]
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, specc.build.driver as b; os.environ['PATH'] = '';"
            f"r = b.build([{str(EXAMPLES)!r}], {targets!r}, {str(tmp_path)!r});"
            "assert r.ok, r.diagnostics",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == sorted(targets)


def doc_text(segment: str) -> str:
    """Return a doc comment's words without comment marks, on one line."""
    lines = (re.sub(r"^\s*(?:///|\*(?!\*)|/\*\*)?", "", s) for s in segment.split("\n"))
    return " ".join(" ".join(lines).split())


@pytest.mark.parametrize("spec_id", CODE_SPECS)
def test_api_documents_each_method_with_its_rule(
    built: Built, target: CodeTarget, spec_id: str
) -> None:
    """One method per fn, its doc naming the rule and its normative text; the
    scaffold leaves each operation undone, naming its rule."""
    from specc.emitters.code import normative
    from specc.naming import camel

    spec = built.specs[spec_id]
    package = built.folder / spec_id
    api = target.api(package, spec_id).read_text()
    impl = target.implementation(package, spec_id).read_text()
    assert api.count("Rule `") == len(spec.functions)
    declared = [
        target.declaration.format(camel=camel(fn.name), snake=fn.name)
        for fn in spec.functions
    ]
    assert all(api.count(d) == 1 for d in declared), declared
    starts = [api.index(d) for d in declared]
    assert starts == sorted(starts)
    if target.doc_follows_declaration:
        segments = [
            api[a:b] for a, b in zip(starts, [*starts[1:], len(api)], strict=True)
        ]
    else:
        segments = [api[a:b] for a, b in zip([0, *starts[:-1]], starts, strict=True)]
    rules = [fn.rule for fn in spec.functions]
    for segment, fn in zip(segments, spec.functions, strict=True):
        assert target.doc_rule_line.format(rule=fn.rule) in segment
        for statement in normative(spec, fn.rule):
            if target.doc_statement_line:
                assert target.doc_statement_line.format(statement=statement) in segment
            else:
                assert f"- {' '.join(statement.split())}" in doc_text(segment)
        assert impl.count(target.stub.format(rule=fn.rule)) == rules.count(fn.rule)
    assert impl.count(target.stub_marker) == len(spec.functions)


def test_scaffold_is_kept_and_new_operations_are_reported(
    target: CodeTarget, tmp_path: Path
) -> None:
    """A rebuild never overwrites the implementation and warns about a new operation."""
    from specc.build.driver import build

    spec = tmp_path / "todo.spec.md"
    spec.write_text((EXAMPLES / "todo.spec.md").read_text())
    assert build([str(spec)], [target.name], tmp_path / "out").ok
    package = tmp_path / "out" / target.name / "todo"
    impl = target.implementation(package, "todo")
    impl.write_text(impl.read_text() + f"{target.comment} mine\n")
    spec.write_text(
        spec.read_text()
        + "\n```specc\nfn clear(tasks: list<Task>) -> list<Task>\n```\n"
    )
    again = build([str(spec)], [target.name], tmp_path / "out")
    assert again.ok
    assert impl.read_text().endswith(f"{target.comment} mine\n")
    warnings = [d for d in again.diagnostics if d.code == "W085"]
    assert len(warnings) == 1
    assert warnings[0].message == (
        f"operation `clear` is new: {impl} has no "
        + target.missing_operation.format(name="clear")
        + " yet"
    )


def test_hostile_names_give_a_working_package_inside_the_output(
    build_once, target: CodeTarget, tmp_path: Path
) -> None:
    """Keywords, builtins, quotes and path tricks in names (tests/data/hostile/)
    still give a package inside the output that compiles: every example runs and
    reports not implemented, under its rule."""
    built = build_once(target.name, HOSTILE / f"{target.name}.spec.md")
    files = [p for p in built.out.rglob("*") if p.is_file()]
    assert all(p.resolve().is_relative_to(built.out.resolve()) for p in files)
    (spec,) = built.specs.values()
    fresh_copy(built.folder, tmp_path / target.name)
    results = runner(target)(tmp_path / target.name, spec)
    assert [r.status for r in results] == ["not_implemented"] * target.hostile_examples
    assert {r.rule for r in results} == target.hostile_rules


# --- conformance through `specc test` --------------------------------------------


def specc_test(cli, target: CodeTarget, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    """Run `specc test` on the shared examples for one target."""
    return cli(
        "test", str(EXAMPLES), "--target", target.name, "--out", str(out), *extra
    )


def test_fresh_scaffold_compiles_and_reports_every_example_not_implemented(
    cli, target: CodeTarget, tmp_path: Path, built: Built
) -> None:
    """The real toolchain compiles the fresh packages (scaffold included); each
    example prints one TODO line, then a summary line; exit 0."""
    from specc.emitters.code import cases

    done = specc_test(cli, target, tmp_path)
    assert done.exit_code == 0, done.output
    want = [
        f"TODO {c.spec.id} {c.rule} #{c.example.index}: {c.example.text} (not implemented)"
        for spec in built.specs.values()
        for c in cases(spec)
    ]
    lines = done.stdout.splitlines()
    assert lines[:-1] == want
    assert lines[0] == (
        "TODO geometry area #1: area(circle{radius: 1.0}) ~= 3.14159265 (not implemented)"
    )
    assert lines[-1] == "23 examples: 0 passed, 0 failed, 23 not implemented"


def test_fresh_scaffold_fails_with_require_all(
    cli, target: CodeTarget, tmp_path: Path, built: Built
) -> None:
    """`--require-all` turns not-implemented examples into exit 1; each JSON row has
    the shared shape and says which rule is not implemented."""
    done = specc_test(cli, target, tmp_path, "--require-all", "--format", "json")
    assert done.exit_code == 1
    rows = json.loads(done.stdout)["results"]
    assert [(r["spec"], r["rule"], r["example"]) for r in rows] == expected_rows(built)
    assert {r["status"] for r in rows} == {"not_implemented"}
    assert all(r["message"] == f"not implemented: rule {r['rule']}" for r in rows)
    assert all(set(r) == SUMMARY_KEYS for r in rows)
    assert rows[expected_rows(built).index(("todo", "add_task", 1))] == {
        "target": target.name,
        "spec": "todo",
        "rule": "add_task",
        "example": 1,
        "status": "not_implemented",
        "message": "not implemented: rule add_task",
        "text": 'add_task([], "Buy milk") == [{title: "Buy milk"}]',
        "covers": 1,
    }


@pytest.fixture(scope="module")
def conformance(tmp_path_factory, target: CodeTarget):  # type: ignore[no-untyped-def]
    """Return a function running `specc test --format json` once per variant: both
    specs implemented correctly, or each with its faults (tests/impls/breakages.py,
    then the target's mutants)."""
    from click.testing import CliRunner
    from impls.breakages import implementation

    from specc.build.driver import build
    from specc.commands.main import main

    runs: dict[str, tuple[int, list[dict], Path]] = {}

    def run(variant: str) -> tuple[int, list[dict], Path]:
        if variant not in runs:
            faulty = variant == "faulty"
            out = tmp_path_factory.mktemp(f"{target.name}-{variant}") / "out"
            assert build([str(EXAMPLES)], [target.name], out).ok
            for spec_id in CODE_SPECS:
                source = implementation(target.name, spec_id, broken=faulty)
                if faulty:
                    source = edited(source, target.mutants[spec_id])
                package = out / target.name / spec_id
                target.implementation(package, spec_id).write_text(source)
            done = CliRunner().invoke(
                main,
                ["test", str(EXAMPLES), "--target", target.name, "--out", str(out)]
                + ["--format", "json"],
                catch_exceptions=False,
            )
            runs[variant] = (done.exit_code, json.loads(done.stdout)["results"], out)
        return runs[variant]

    return run


def test_correct_implementations_pass_every_example(conformance, built: Built) -> None:
    """The hand-written todo and geometry pass every example, reported in order in
    the shared JSON shape; exit 0."""
    code, results, _ = conformance("correct")
    assert [(r["spec"], r["rule"], r["example"]) for r in results] == expected_rows(
        built
    )
    assert {r["status"] for r in results} == {"passed"}
    assert all(set(r) == SUMMARY_KEYS for r in results)
    assert code == 0


def test_each_fault_fails_exactly_its_own_example(
    conformance, target: CodeTarget
) -> None:
    """Each wrong behaviour (case-insensitive tags, a polygon's signed area, a
    wrong or missing error, a wrong error field, pi off by 2e-6) fails exactly
    its own example under its rule ID, saying what is wrong; every other example
    passes; exit 1."""
    code, results, _ = conformance("faulty")
    failed = {
        (r["spec"], r["rule"], r["example"]): r["message"]
        for r in results
        if r["status"] == "failed"
    }
    assert sorted(failed) == [
        ("geometry", "area", 1),
        ("geometry", "area", 4),
        ("todo", "add_task", 4),
        ("todo", "by_tag", 2),
        ("todo", "complete_task", 3),
        ("todo", "complete_task", 4),
    ]
    assert target.messages.broken["todo"] in failed["todo", "by_tag", 2]
    assert target.messages.broken["geometry"] in failed["geometry", "area", 4]
    for (rule, example), piece in target.messages.mutants.items():
        (message,) = [m for k, m in failed.items() if k[1:] == (rule, example)]
        assert piece in message, (rule, example, message)
    if target.messages.start_with_example:
        for (_, rule, example), message in failed.items():
            assert message.startswith(f"{rule} #{example}: "), message
    assert {r["status"] for r in results if r["status"] != "failed"} == {"passed"}
    assert len(results) == 23
    assert code == 1


def test_the_native_runner_runs_one_test_per_example_named_by_rule(
    built: Built, target: CodeTarget, tmp_path: Path
) -> None:
    """`npm test`, `cargo test`, `pytest` in the package run one passing test per
    example, named by its rule and number."""
    package = copy_package(built, "todo", tmp_path)
    target.implementation(package, "todo").write_text(target.source("todo"))
    done = target.run_natively(package)
    assert done.returncode == 0, done.stdout + done.stderr
    names = target.native_names(built.specs["todo"])
    assert names[0] == target.first_native_name
    assert len(names) == 12
    ran = target.native_passed(done.stdout)
    if target.native_sorts:
        ran, names = sorted(ran), sorted(names)
    assert ran == names


@pytest.fixture(scope="module")
def approx_results(build_once, target: CodeTarget, tmp_path_factory):  # type: ignore[no-untyped-def]
    """Run tests/data/approx.spec.md on its correct implementation once per target."""
    built = build_once(target.name, APPROX)
    package = copy_package(built, "approx", tmp_path_factory.mktemp("approx"))
    source = ROOT / "tests" / "impls" / target.name / f"approx.{target.extension}"
    target.implementation(package, "approx").write_text(source.read_text())
    return runner(target)(package.parent, built.specs["approx"])


#: Whether each group of five examples (scale, scale near 0, many, maybe, point)
#: passes; a fourth group, exact, passes but for its int (see the next test).
APPROX_PASSES = {
    "1e-7 off": [True] * 5,
    "5e-7 under": [True] * 5,
    # 1e-5 off fails everywhere but where the absolute floor of 1e-6 covers it
    "1e-5 off": [False, True, False, False, False],
}


def test_approx_is_relative_1e6_everywhere_in_the_result(approx_results) -> None:
    """`~=` holds within 1e-6 relative (floor 1e-6) in floats, maps, lists,
    optionals and records, and fails beyond it."""
    passes = [ok for group in APPROX_PASSES.values() for ok in group] + [True] * 4
    want = ["passed" if ok else "failed" for ok in passes]
    got = [r.status for r in approx_results[:19]]
    assert got == want, [r.message for r in approx_results]


def test_approx_compares_an_int_in_a_record_exactly(approx_results) -> None:
    """Under `~=`, an int field of a record is compared exactly, never within the
    tolerance: n=1000001 fails against 1000000."""
    (point,) = approx_results[19:]
    assert point.text == "point(1, 0.0, 1000001) ~= {x: 2.0, n: 1000000}"
    assert point.status == "failed", point


# --- failures the runner must report whole, once, in time -------------------------


def test_an_implementation_that_does_not_compile_fails_once_for_the_spec(
    built: Built, target: CodeTarget, tmp_path: Path
) -> None:
    """A compile (for Python, import) error is one failure covering every example,
    with the toolchain's own message."""
    from specc.conformance import SPEC_WIDE

    results = run_edited(
        target, built, "todo", tmp_path, *target.uncompilable, scaffold=True
    )
    assert [(r.rule, r.example, r.status, r.covers) for r in results] == [
        (SPEC_WIDE, 0, "failed", 12)
    ]
    start, *pieces = target.messages.compile_error
    assert results[0].message.startswith(start), results[0].message
    for piece in pieces:
        assert piece in results[0].message


def test_a_hanging_example_times_out_and_the_others_still_report(
    built: Built, target: CodeTarget, tmp_path: Path
) -> None:
    """An endless loop fails each example that reaches it with "timed out after
    1 s"; the other examples pass; no process is left behind."""
    started = time.monotonic()
    results = run_edited(target, built, "todo", tmp_path, target.hang, timeout=1.0)
    elapsed = time.monotonic() - started
    status = {(r.rule, r.example): (r.status, r.message) for r in results}
    assert status["remaining", 1] == ("failed", "timed out after 1 s")
    assert status["remaining", 2] == ("failed", "timed out after 1 s")
    others = {k: v for k, v in status.items() if k[0] != "remaining"}
    assert set(others.values()) == {("passed", "")} and len(others) == 10
    assert (2 if target.hangs_one_after_another else 1) <= elapsed
    assert elapsed < target.hang_wall_limit
    assert processes_in(tmp_path) == {}


def test_default_time_limit_is_ten_seconds(target: CodeTarget) -> None:
    """The runner's limit is 10 s per example unless the caller gives another."""
    assert inspect.signature(runner(target)).parameters["timeout"].default == 10.0


def test_an_unexpected_error_is_named_once_and_messages_stay_whole(
    built: Built, target: CodeTarget, tmp_path: Path
) -> None:
    """An error where a result is due names the error once with its fields; where
    another error is due, says which; a message of several lines arrives whole."""
    results = run_edited(target, built, "todo", tmp_path, *target.raises)
    messages = {(r.rule, r.example): r.message for r in results}
    assert messages["add_task", 1] == target.messages.raised
    assert messages["add_task", 4].endswith(target.messages.wrong_error)
    assert messages["remaining", 2] == (
        target.messages.multiline_prefix
        + "first line\n\nthird line, after a blank one: 3"
    )
    assert all("NoSuchTask: NoSuchTask" not in m for m in messages.values())
    failed = {(r.rule, r.status) for r in results if r.status != "passed"}
    assert failed == {("add_task", "failed"), ("remaining", "failed")}
