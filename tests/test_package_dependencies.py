"""Generated packages take real dependencies: declared once, kept by every build.

The acceptance test of issue 18: a project declares, in specc.toml, that the
TypeScript package of specs/semver.spec.md depends on npm's `semver`, the
Python package on PyPI's `semver` (so it is renamed `semver_spec`, which the
library would otherwise shadow), and the Rust crate on a local path crate.
Adapters over those libraries implement the spec in each language; the
project is built, rebuilt, copied fresh (no node_modules, no target/, a new
virtual environment) and tested there: every example passes, and a broken
adapter fails under the rule it breaks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import DATA, ROOT

HERE = DATA / "dependencies"
CONFIG = """\
[targets.ts.spec.semver]
package = "semver-spec"
dependencies = { semver = "^7.6.0", "@types/semver" = "^7.5.8" }

[targets.python]
python = "../venv"

[targets.python.spec.semver]
package = "semver_spec"
dependencies = { semver = ">=3,<4" }

[targets.rust.spec.semver]
dependencies = { semver-core = { path = "../../../vendor/semver-core" } }
"""
#: Where each adapter goes in the built project.
ADAPTERS = {
    "ts": ("impl.ts", "out/ts/semver/src/impl.ts"),
    "python": (
        "implementation.py",
        "out/python/semver/src/semver_spec/implementation.py",
    ),
    "rust": ("implementation.rs", "out/rust/semver/src/implementation.rs"),
}
#: A fault in each adapter, and examples it must fail (rule, number); no other
#: rule may fail.
FAULTS = {
    # Drops the check npm's semver lacks: `v1.2.3` and whitespace parse.
    "ts": (
        "text === text.trim() && /^[0-9]/.test(text)",
        "true",
        [("parse", 12), ("parse", 15)],
    ),
    # `bump_patch()` and friends increment a pre-release's numbers too.
    "python": (
        "_library(version).next_version(part.value)",
        'getattr(_library(version), "bump_" + part.value)()',
        [("bump", 4), ("bump", 6), ("bump", 7)],
    ),
    "rust": (
        "Part::Patch if pre => [major, minor, patch],",
        "Part::Patch if pre => [major, minor, patch + 1],",
        [("bump", 4)],
    ),
}


def specc(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run specc in ``cwd``, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "specc", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "CI": "true"},
    )


def run_tests(cwd: Path) -> tuple[int, dict[tuple[str, str, int], dict[str, str]]]:
    """Run `specc test` for the three code targets; return (exit code, results)."""
    done = specc(cwd, "test", "--target", "ts,python,rust", "--format", "json")
    try:
        rows = json.loads(done.stdout)["results"]
    except ValueError:
        raise AssertionError(done.stderr) from None
    return done.returncode, {
        (r.get("target", ""), r["rule"], r["example"]): r for r in rows
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a project with the semver spec, the config and the vendored crate."""
    root = tmp_path / "project"
    (root / "specs").mkdir(parents=True)
    shutil.copy(ROOT / "specs" / "semver.spec.md", root / "specs")
    (root / "specc.toml").write_text(CONFIG, "utf-8")
    shutil.copytree(HERE / "semver-core", root / "vendor" / "semver-core")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


@pytest.mark.slow
def test_packages_delegate_to_real_libraries_from_a_fresh_copy(
    project: Path, tmp_path: Path
) -> None:
    done = specc(project, "build", "--target", "ts,python,rust")
    assert done.returncode == 0, done.stderr
    manifest = json.loads((project / "out/ts/semver/package.json").read_text())
    assert manifest["name"] == "semver-spec"
    assert manifest["dependencies"] == {"@types/semver": "^7.5.8", "semver": "^7.6.0"}
    pyproject = (project / "out/python/semver/pyproject.toml").read_text()
    assert 'name = "semver-spec"' in pyproject
    assert 'dependencies = ["semver>=3,<4"]' in pyproject
    cargo = (project / "out/rust/semver/Cargo.toml").read_text()
    assert 'semver-core = { path = "../../../vendor/semver-core" }' in cargo
    for source, destination in ADAPTERS.values():
        shutil.copy(HERE / source, project / destination)
    again = specc(project, "build", "--target", "ts,python,rust")
    assert again.returncode == 0, again.stderr
    assert "0 written" in again.stderr and "3 scaffolds kept" in again.stderr

    fresh = tmp_path / "fresh"
    shutil.copytree(
        project, fresh, ignore=shutil.ignore_patterns("node_modules", "target", "dist")
    )
    venv.create(tmp_path / "venv", with_pip=True)
    code, results = run_tests(fresh)
    failing = {k: r["message"] for k, r in results.items() if r["status"] != "passed"}
    assert failing == {}
    assert code == 0 and len(results) == 3 * 39

    for target, (correct, wrong, _) in FAULTS.items():
        path = fresh / ADAPTERS[target][1]
        source = path.read_text("utf-8")
        assert source.count(correct) == 1, target
        path.write_text(source.replace(correct, wrong), "utf-8")
    code, results = run_tests(fresh)
    assert code == 1
    for target, (_, _, examples) in FAULTS.items():
        failed = {
            (rule, n)
            for (where, rule, n), r in results.items()
            if where == target and r["status"] == "failed"
        }
        # Only the broken rule fails, at least where the libraries surely differ.
        assert {rule for rule, _ in failed} == {examples[0][0]}, (target, failed)
        assert failed >= set(examples), (target, failed)


# --- Declaring, guarding, naming (no toolchain) ------------------------------

SMALL = """\
---
spec: tiny
version: 1.0.0
{front}---

# Tiny {{#tiny}}

## Adding {{#add}}

`add` MUST add.

```specc
fn add(a: int, b: int) -> int
```

```examples
add(1, 2) == 3
```
"""


def small_spec(folder: Path, front: str = "", name: str = "tiny") -> Path:
    """Write a one-rule spec called ``name`` with extra front matter lines."""
    path = folder / f"{name}.spec.md"
    path.write_text(SMALL.format(front=front).replace("spec: tiny", f"spec: {name}"))
    return path


def build(spec: Path, out: Path, targets: str, **options: dict[str, object]):  # type: ignore[no-untyped-def]
    """Build ``spec`` into ``out``; return the result."""
    from specc.build.driver import build as run_build

    return run_build([str(spec)], targets.split(","), out, options=options)


def codes(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [d.code for d in result.diagnostics]


#: Per manifest: the target, its file, and an edit as `npm install`, `cargo add`
#: or a hand would make it (adding `semver` at a version).
EDITS = {
    "ts": (
        "ts/tiny/package.json",
        lambda text: json.dumps(
            {**json.loads(text), "dependencies": {"semver": "^7.7.3"}}, indent=2
        )
        + "\n",
        "^7.7.3",
    ),
    "rust": (
        "rust/tiny/Cargo.toml",
        lambda text: text + 'semver = "1.0.23"\n',
        "1.0.23",
    ),
    "python": (
        "python/tiny/pyproject.toml",
        lambda text: text.replace("dependencies = []", 'dependencies = ["semver>=3"]'),
        ">=3",
    ),
}


@pytest.mark.parametrize("target", sorted(EDITS))
def test_a_hand_edited_manifest_is_never_silently_overwritten(
    tmp_path: Path, target: str
) -> None:
    relative, edit, version = EDITS[target]
    spec, out = small_spec(tmp_path), tmp_path / "out"
    assert build(spec, out, target).ok
    path = out / relative
    edited = edit(path.read_text("utf-8"))
    path.write_text(edited, "utf-8")
    stopped = build(spec, out, target)
    assert codes(stopped) == ["E092"]
    (problem,) = stopped.diagnostics
    assert str(path) in problem.message and "semver" in problem.message
    assert f"[targets.{target}.spec.tiny]" in (problem.hint or "")
    assert f'dependencies = {{ semver = "{version}" }}' in (problem.hint or "")
    assert path.read_text("utf-8") == edited  # nothing was written
    # Declared as the hint says, the dependency is kept: the rewrite loses nothing.
    declared = {"spec": {"tiny": {"dependencies": {"semver": version}}}}
    rebuilt = build(spec, out, target, **{target: declared})
    assert rebuilt.ok, rebuilt.diagnostics
    assert "semver" in path.read_text("utf-8")
    # An edit outside the dependencies is not lost silently either.
    path.write_text(path.read_text("utf-8").replace("1.0.0", "9.9.9"), "utf-8")
    again = build(spec, out, target, **{target: declared})
    assert codes(again) == ["E092"]
    assert "edits outside its dependencies" in again.diagnostics[0].message


def test_front_matter_declares_dependencies_the_config_can_override(
    tmp_path: Path,
) -> None:
    front = (
        "dependencies:\n"
        '  ts: {left-pad: "^1.3.0", semver: "^7.0.0"}\n'
        '  python: {attrs: ">=23"}\n'
        '  rust: {itoa: "1", serde: {version: "1", features: [derive]}}\n'
    )
    spec, out = small_spec(tmp_path, front), tmp_path / "out"
    ts = {
        "dependencies": {"zod": "^3"},
        "spec": {"tiny": {"dependencies": {"semver": "^7.6.0"}}},
    }
    result = build(spec, out, "ts,python,rust", ts=ts)
    assert result.ok, result.diagnostics
    manifest = json.loads((out / "ts/tiny/package.json").read_text())
    assert manifest["dependencies"] == {
        "left-pad": "^1.3.0",
        "semver": "^7.6.0",
        "zod": "^3",
    }
    pyproject = (out / "python/tiny/pyproject.toml").read_text()
    assert 'dependencies = ["attrs>=23"]' in pyproject
    cargo = (out / "rust/tiny/Cargo.toml").read_text()
    assert cargo.endswith(
        '[dependencies]\nitoa = "1"\nserde = { features = ["derive"], version = "1" }\n'
    )


def test_malformed_dependencies_are_diagnostics(tmp_path: Path) -> None:
    from specc.frontend.compile import compile_file

    spec = small_spec(tmp_path, "dependencies:\n  ts: [semver]\n")
    assert [d.code for d in compile_file(str(spec)).diagnostics] == ["E012"]
    spec = small_spec(tmp_path, "dependencies:\n  python: {semver: {path: x}}\n")
    result = build(spec, tmp_path / "out", "python")
    assert codes(result) == ["E081"]
    assert "must be a version range" in result.diagnostics[0].message


@pytest.mark.parametrize(
    "target, flag", [("python", "semver_spec"), ("ts", "semver-spec")]
)
def test_a_package_named_as_its_dependency_is_an_error_with_the_fix(
    tmp_path: Path, target: str, flag: str
) -> None:
    spec, out = small_spec(tmp_path, name="semver"), tmp_path / "out"
    deps = {"dependencies": {"semver": "3"}}
    result = build(spec, out, target, **{target: deps})
    assert codes(result) == ["E091"]
    assert f"-O {target}.package={flag}" in (result.diagnostics[0].hint or "")
    renamed = build(spec, out, target, **{target: {**deps, "package": "{spec}_spec"}})
    assert renamed.ok, renamed.diagnostics


def test_an_invalid_python_package_name_is_reported(tmp_path: Path) -> None:
    result = build(
        small_spec(tmp_path), tmp_path / "out", "python", python={"package": "a-b"}
    )
    assert codes(result) == ["E081"]


def test_the_python_runner_names_a_missing_dependency_and_a_taken_module(
    cli, tmp_path: Path
) -> None:
    spec = small_spec(tmp_path, 'dependencies: {python: {no-such-dist-xyz: ">=1"}}\n')
    out = tmp_path / "out"
    done = cli("test", str(spec), "--target", "python", "--out", str(out))
    assert done.exit_code == 1
    assert "no-such-dist-xyz are not installed" in done.output
    assert "--python PATH" in done.output
    # A spec named as an installed library, whose package uses libraries: its
    # module would shadow the one of that name.
    taken = small_spec(tmp_path, 'dependencies: {python: {rich: ""}}\n', "click")
    done = cli("test", str(taken), "--target", "python", "--out", str(out))
    assert done.exit_code == 1
    assert "installed distribution click provides too" in done.output
    assert "-O python.package=click_spec" in done.output


@pytest.mark.slow
def test_specs_that_use_a_renamed_package_name_it_as_it_is_named(
    tmp_path: Path, ts_node_modules: Path
) -> None:
    """`package` set for `common` of the example project reaches the specs that
    use it: their manifests and imports name it so, and every package of the
    project compiles with the real toolchains (each example runs and reports not
    implemented, none fails to build)."""
    from targets import fresh_copy, link_modules

    from specc.build.driver import build as run_build
    from specc.conformance import one_run, runner

    out = tmp_path / "out"
    options = {
        "ts": {"spec": {"common": {"package": "@acme/common"}}},
        "python": {"spec": {"common": {"package": "acme_common"}}},
        "rust": {"spec": {"common": {"package": "acme_common"}}},
    }
    result = run_build(
        [str(ROOT / "examples" / "project")],
        ["ts", "python", "rust"],
        out,
        options=options,
    )
    assert result.ok, result.diagnostics
    billing = out / "ts/billing"
    assert json.loads((billing / "package.json").read_text())["dependencies"] == {
        "@acme/common": "file:../common"
    }
    assert (
        'import type * as common from "@acme/common";'
        in (billing / "src/types.ts").read_text()
    )
    pyproject = (out / "python/billing/pyproject.toml").read_text()
    assert 'dependencies = ["acme-common"]' in pyproject
    assert (
        "from acme_common import Money"
        in (out / "python/billing/src/billing/types.py").read_text()
    )
    cargo = (out / "rust/billing/Cargo.toml").read_text()
    assert 'common = { path = "../common", package = "acme_common" }' in cargo
    for target in ("ts", "python", "rust"):
        folder = fresh_copy(out / target, tmp_path / "copy" / target)
        if target == "ts":
            for package in folder.iterdir():
                link_modules(package, ts_node_modules)
        with one_run():  # as `specc test` runs them: each package compiled once
            statuses = {
                r.status for spec in result.specs for r in runner(target)(folder, spec)
            }
        assert statuses == {"not_implemented"}, (target, statuses)
