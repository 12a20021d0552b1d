"""What only the Python target has: black and mypy --strict, frozen dataclasses,
wheels, exact int/float/bool comparison, pytest's time limits and messages,
module names (the checks every code target shares are in test_code_targets.py)."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from impls.breakages import implementation

from conftest import DATA, EXAMPLES, ROOT, skip_unless_ci
from specc import ir
from specc.build.driver import build
from specc.conformance import python as runner
from specc.emitters import code
from specc.emitters.python import model


@pytest.fixture(scope="module")
def built(build_once) -> tuple[Path, dict[str, ir.Spec]]:  # type: ignore[no-untyped-def]
    """Return the shared examples built for the Python target, once per session."""
    examples = build_once("python")
    return examples.folder, examples.specs


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a mypy cache shared by the checks of this module (stdlib, pytest)."""
    return tmp_path_factory.mktemp("mypy-cache")


def package(built: tuple[Path, dict[str, ir.Spec]], spec_id: str, into: Path) -> Path:
    """Copy a built package to ``into``/python/<dir>, so a test may change it."""
    source = built[0] / code.package_dir(built[1][spec_id])
    target = into / "python" / source.name
    shutil.copytree(source, target)
    return target


def implement(pkg: Path, spec_id: str, broken: bool = False) -> None:
    """Replace the scaffold of a package with a hand-written implementation."""
    (module,) = (pkg / "src").iterdir()
    source = implementation("python", spec_id, broken)
    (module / "implementation.py").write_text(source, "utf-8")


def mypy(pkg: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    """Run `mypy --strict` on a package's sources and tests."""
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache)]
        + ["src", "tests"],
        cwd=pkg,
        capture_output=True,
        text=True,
    )


# --- Output ----------------------------------------------------------------------


def test_output_passes_black_check(built) -> None:
    """The generated packages are exactly as black formats them."""
    done = subprocess.run(
        [sys.executable, "-m", "black", "--check", "--diff", str(built[0])],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "10 files would be left unchanged" in done.stderr


@pytest.mark.parametrize("spec_id", ["todo", "geometry"])
@pytest.mark.parametrize("impl", ["scaffold", "correct"])
def test_package_passes_mypy_strict(
    built, tmp_path: Path, mypy_cache: Path, spec_id: str, impl: str
) -> None:
    """The package, its tests and the scaffold (or a real implementation) pass mypy."""
    pkg = package(built, spec_id, tmp_path)
    if impl == "correct":
        implement(pkg, spec_id)
    done = mypy(pkg, mypy_cache)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues found in 5 source files" in done.stdout


def test_mypy_reports_an_operation_the_implementation_lacks(
    built, tmp_path: Path, mypy_cache: Path
) -> None:
    """The tests check the implementation against the Protocol: a missing method fails."""
    pkg = package(built, "todo", tmp_path)
    implement(pkg, "todo")
    impl = pkg / "src" / "todo" / "implementation.py"
    text = impl.read_text()
    impl.write_text(text[: text.index("    def by_tag(")])
    done = mypy(pkg, mypy_cache)
    assert done.returncode == 1
    assert "test_conformance.py" in done.stdout and "by_tag" in done.stdout


def test_types_are_frozen_keyword_only_and_compare_by_value(built) -> None:
    """Records default their fields, refuse assignment and compare by value."""
    src = str(built[0] / "todo" / "src")
    code = (
        "import dataclasses, todo\n"
        "t = todo.Task(title='A')\n"
        "assert t == todo.Task(title='A', done=False, tags=[]) and t.note is None\n"
        "assert t.priority is todo.Priority.NORMAL and t.tags is not todo.Task(title='B').tags\n"
        "try:\n    t.done = True\nexcept dataclasses.FrozenInstanceError:\n    pass\n"
        "else:\n    raise SystemExit('not frozen')\n"
        "e = todo.NoSuchTask(index=3)\n"
        "assert e.index == 3 and str(e) == 'index=3' and isinstance(e, Exception)\n"
        "assert str(todo.EmptyTitle()) == 'a task title must not be empty'\n"
    )
    done = subprocess.run(
        [sys.executable, "-B", "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": src},
    )
    assert done.returncode == 0, done.stderr


def test_variant_cases_carry_their_tag(built) -> None:
    """Each case of a variant is its own class with a literal `kind`."""
    src = str(built[0] / "geometry" / "src")
    code = (
        "import dataclasses, geometry as g\n"
        "c = g.ShapeCircle(radius=1.0)\n"
        "assert c.kind == 'circle' and g.ShapeRect(width=1, height=2).kind == 'rect'\n"
        "assert dataclasses.asdict(c) == {'kind': 'circle', 'radius': 1.0}\n"
        "assert g.Shape.__args__ == (g.ShapeCircle, g.ShapeRect, g.ShapePolygon)\n"
    )
    done = subprocess.run(
        [sys.executable, "-B", "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": src},
    )
    assert done.returncode == 0, done.stderr


def test_package_builds_an_installable_wheel(built, tmp_path: Path) -> None:
    """`pip wheel` builds the package, with py.typed and every module in it."""
    pkg = package(built, "todo", tmp_path / "copy")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w"]
        + [str(tmp_path / "wheels"), str(pkg)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 and "setuptools" in done.stderr + done.stdout:
        skip_unless_ci(
            "no package index to fetch setuptools from: " + done.stderr[-300:]
        )
    assert done.returncode == 0, done.stderr
    import zipfile

    (wheel,) = (tmp_path / "wheels").glob("todo-1.0.0-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"__init__.py", "types.py", "api.py", "implementation.py", "py.typed"}
    assert {f"todo/{n}" for n in expected} <= names


# --- Exact values, unchanged arguments, time limits, types ---------------------------

EXACT_SPEC = DATA / "python_exact.spec.md"


@pytest.fixture(scope="module")
def exact_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ir.Spec]:
    """Build the spec of exact values once."""
    out = tmp_path_factory.mktemp("exact")
    result = build([str(EXACT_SPEC)], ["python"], out)
    assert result.ok, [d.message for d in result.diagnostics]
    return out / "python" / "exact", result.specs[0]


def run_exact(
    exact_built, tmp_path: Path, faults: dict[str, str], timeout: float = 10.0
) -> list:  # type: ignore[type-arg]
    """Run the exact spec's tests on its implementation with ``faults`` (method -> body)."""
    pkg = tmp_path / "python" / "exact"
    shutil.copytree(exact_built[0], pkg)
    source = implementation("python", "exact")
    for method, body in faults.items():
        source = re.sub(
            rf'(    def {method}\(.*?"""\n)(.*?)(?=\n\n    def |\n?$)',
            lambda m, body=body: m.group(1) + "        " + body,
            source,
            count=1,
            flags=re.S,
        )
    (pkg / "src" / "exact" / "implementation.py").write_text(source)
    return runner.run(tmp_path / "python", exact_built[1], timeout=timeout)


def test_exact_values_pass_when_exactly_right(exact_built, tmp_path: Path) -> None:
    """The correct implementation passes, returning an int where the spec says float."""
    results = run_exact(exact_built, tmp_path, {})
    assert [(r.rule, r.status) for r in results if r.status != "passed"] == []
    assert len(results) == len(list(exact_built[1].examples()))


#: A fault in every method but `half`, and what the report must say (rule: message).
FAULTS = {
    "zero": ("return False", "zero", "result: expected int 0, got bool False"),
    "one": ("return 1.0", "one", "result: expected int 1, got float 1.0"),
    "no": ("return 0", "no", "result: expected bool False, got int 0"),
    "whole": ("return True", "whole", "result: expected float 1.0, got bool True"),
    "nested": (
        "return Box(items=[Count(count=False, ratio=0.5, ok=True)], best=0)",
        "nested",
        "result.items[0].count: expected int 0, got bool False",
    ),
    "names": (
        'return {"a": False}',
        "names",
        "result['a']: expected int 0, got bool False",
    ),
    "keys": (
        'return {True: "one"}',
        "names",
        "result key 1: expected int 1, got bool True",
    ),
    "shape": (
        "return ShapeDot(size=False)",
        "shapes",
        "result.size: expected int 0, got bool False",
    ),
    "fail": (
        "raise Short(wanted=True, ratio=0.5)",
        "failing",
        "error.wanted: expected int 1, got bool True",
    ),
    "total": (
        "items.reverse()\n        return sum(items)",
        "totals",
        "argument `items` was changed in place: items[0]: expected int 1, got int 2",
    ),
    "wait": ("while True:\n            pass", "waiting", "timed out after 2 s"),
}


def test_every_inexact_value_fails_its_own_example(exact_built, tmp_path: Path) -> None:
    """A bool for an int, a float for an int, a changed argument, a hang: each fails alone."""
    faults = {method: body for method, (body, _, _) in FAULTS.items()}
    results = run_exact(exact_built, tmp_path, faults, timeout=2)
    examples = [r for r in results if r.example]
    failed = sorted((r.rule, r.message) for r in examples if r.status == "failed")
    assert failed == sorted((rule, message) for _, rule, message in FAULTS.values())
    assert [r.text for r in examples if r.status == "passed"] == ["half() == 0.5"]


def test_type_errors_are_reported_once_under_the_rule_of_the_method(
    exact_built, tmp_path: Path
) -> None:
    """mypy --strict runs on the implementation; its errors carry file:line and a rule."""
    faults = {
        "one": FAULTS["one"][0],
        "total": "return len(names)",
        "half": 'return "half"',
    }
    pkg_impl = "python/exact/src/exact/implementation.py"
    results = run_exact(exact_built, tmp_path, faults)
    typed = {r.rule: r for r in results if r.example == 0}
    assert sorted(typed) == ["one", "whole"]
    assert all(
        r.status == "failed" and r.text == "mypy --strict" and r.covers == 0
        for r in typed.values()
    )
    line = (
        implementation("python", "exact")
        .splitlines()
        .index("    def one(self) -> int:")
        + 3
    )
    assert f"{tmp_path / pkg_impl}:{line}:" in typed["one"].message
    assert "Incompatible return value type" in typed["whole"].message
    statuses = {(r.rule, r.text): r.status for r in results if r.example}
    assert (
        statuses[("totals", 'total([1, 2], {"a": 1}, {items: [], best: none}) == 3')]
        == "failed"
    )


def test_a_method_that_does_not_match_the_protocol_is_reported_under_its_rule(
    exact_built, tmp_path: Path
) -> None:
    """A parameter of the wrong type breaks the Protocol: mypy's notes name the method."""
    pkg = tmp_path / "python" / "exact"
    shutil.copytree(exact_built[0], pkg)
    source = (
        implementation("python", "exact")
        .replace("items: list[int], names", "items: list[str], names")
        .replace("return sum(items)", "return len(items)")
    )
    (pkg / "src" / "exact" / "implementation.py").write_text(source)
    results = runner.run(tmp_path / "python", exact_built[1])
    (typed,) = [r for r in results if r.example == 0]
    assert typed.rule == "totals" and "def total(" in typed.message
    assert "test_conformance.py:" in typed.message


def test_the_time_limit_reaches_the_tests_through_the_environment(
    exact_built, tmp_path: Path
) -> None:
    """Run by hand, the tests read SPECC_TIMEOUT: a hang fails after that many seconds."""
    pkg = tmp_path / "exact"
    shutil.copytree(exact_built[0], pkg)
    source = implementation("python", "exact").replace(
        'Return at once."""\n        return 7',
        'Return at once."""\n        while True:\n            pass',
    )
    (pkg / "src" / "exact" / "implementation.py").write_text(source)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "wait"],
        cwd=pkg,
        capture_output=True,
        text=True,
        env={**os.environ, "SPECC_TIMEOUT": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        timeout=60,
    )
    assert done.returncode == 1, done.stdout
    assert "timed out after 1 s" in done.stdout and "1 failed" in done.stdout


@pytest.mark.slow
def test_a_hang_sigalrm_cannot_stop_still_reports_the_examples_before_it(
    exact_built, tmp_path: Path
) -> None:
    """When the whole run must be stopped, the examples that finished keep their result."""
    pkg = tmp_path / "exact"
    shutil.copytree(exact_built[0], pkg)
    source = implementation("python", "exact").replace(
        'Return at once."""\n        return 7',
        'Return at once."""\n        import signal\n        import time\n\n'
        "        signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
        "        while True:  # sleeps rather than spins: the suite's CPU is spared\n"
        "            time.sleep(1)",
    )
    (pkg / "src" / "exact" / "implementation.py").write_text(source)
    names = model.test_names(exact_built[1])
    (waiting,) = [n for t, n in names.items() if t.startswith("waiting")]
    text = run_until_stuck(
        runner.pytest_command(tmp_path / "r.xml", 1.0), pkg, waiting, 1.0
    )
    observed = runner.progress(text, names, "stopped")
    assert sorted(
        t.split(":")[0] for t, (s, _) in observed.items() if s == "passed"
    ) == [
        "failing #1",
        "names #1",
        "names #2",
        "nested #1",
        "no #1",
        "one #1",
        "shapes #1",
        "totals #1",
        "whole #1",
        "whole #2",
        "zero #1",
    ]
    assert not any(t.startswith("waiting") for t in observed)


def run_until_stuck(args: list[str], cwd: Path, name: str, limit: float) -> str:
    """Run pytest until the test ``name`` has begun and is still running well past
    its time ``limit``; then kill it and return what it printed."""
    import select
    import signal
    import time

    process = subprocess.Popen(
        args,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert process.stdout is not None
    printed = b""
    began = None
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([process.stdout], [], [], 0.2)
            chunk = os.read(process.stdout.fileno(), 65536) if ready else b""
            printed += chunk
            if ready and not chunk:
                pytest.fail(f"the run ended instead of hanging:\n{printed.decode()}")
            if began is None and f"::{name} ".encode() in printed:
                began = time.monotonic()
            # three times its limit: SIGALRM could not stop it
            if began is not None and time.monotonic() - began > 3 * limit:
                break
        else:
            pytest.fail(f"{name} did not begin:\n{printed.decode()}")
        assert process.poll() is None, "the run was expected to hang"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    printed += process.stdout.read()
    process.stdout.close()
    return printed.decode()


@pytest.mark.parametrize(
    "message, shown",
    [
        (
            "Failed: result: expected int 0, got bool False",
            "result: expected int 0, got bool False",
        ),
        ("shop.types.OutOfStock: OutOfStock", "raised OutOfStock"),
        ("shop.types.OutOfStock: OutOfStock: item='x'", "raised OutOfStock: item='x'"),
        ("shop.types.OutOfStock", "raised OutOfStock"),
        (
            "ZeroDivisionError: division by zero",
            "raised ZeroDivisionError: division by zero",
        ),
        (
            "Failed: DID NOT RAISE <class 'shop.types.OutOfStock'>",
            "did not raise OutOfStock",
        ),
        ("assert 1 == 2\n +  where 1 = f()", "assert 1 == 2\n +  where 1 = f()"),
    ],
)
def test_failure_messages_are_whole_and_name_errors_once(
    message: str, shown: str
) -> None:
    """pytest's messages lose their prefixes and module paths, never their lines."""
    assert runner.failure_message(message) == shown


def test_long_failure_messages_are_not_cut(exact_built, tmp_path: Path) -> None:
    """A difference deep in a long value is reported whole, not in its first lines."""
    long = "return Box(items=[Count(count=i, ratio=0.5, ok=True) for i in range(40)], best=0)"
    results = run_exact(exact_built, tmp_path, {"nested": long})
    (bad,) = [r for r in results if r.rule == "nested" and r.example]
    assert bad.message.startswith("result.items: expected list [Count(count=0")
    assert "Count(count=39, ratio=0.5, ok=True)], best=0)" not in bad.message
    assert "Count(count=39, ratio=0.5, ok=True)]" in bad.message


def test_a_missing_error_says_what_came_back_instead(
    exact_built, tmp_path: Path
) -> None:
    """An example that expects an error names the result the call returned."""
    results = run_exact(exact_built, tmp_path, {"fail": "return 7"})
    (bad,) = [r for r in results if r.rule == "failing" and r.example]
    assert bad.message == "expected Short to be raised, got the result int 7"


def test_pytest_and_mypy_come_with_specc() -> None:
    """`pip install specc` alone installs what `specc test --target python` runs."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    needed = {re.split(r"[<>=!~ ]", d)[0].lower() for d in project["dependencies"]}
    assert {"pytest", "mypy"} <= needed


def test_the_runner_uses_specc_s_own_interpreter(tmp_path: Path) -> None:
    """pytest and mypy run as `sys.executable -m`, where pip installed them with specc."""
    from specc.conformance import python_types

    assert runner.pytest_command(tmp_path / "r.xml")[0] == sys.executable
    assert python_types.mypy_command()[:3] == [sys.executable, "-m", "mypy"]


# --- Names -----------------------------------------------------------------------


def test_hostile_names_give_a_module_black_and_mypy_accept(
    build_once, tmp_path: Path, mypy_cache: Path
) -> None:
    """Keywords, builtins, quotes and path tricks (tests/data/hostile/python.spec.md)
    give a package whose module is a plain identifier, black-formatted and
    mypy-clean (that it runs: test_code_targets.py)."""
    hostile = build_once("python", DATA / "hostile" / "python.spec.md")
    (name,) = (p.name for p in hostile.folder.iterdir())
    pkg = shutil.copytree(hostile.folder / name, tmp_path / name)
    (module,) = (pkg / "src").iterdir()
    assert module.name == "evil_class_typing"
    done = subprocess.run(
        [sys.executable, "-m", "black", "--check", str(pkg)], capture_output=True
    )
    assert done.returncode == 0, done.stderr
    checked = mypy(pkg, mypy_cache)
    assert checked.returncode == 0, checked.stdout


@pytest.mark.parametrize(
    "spec_id, module",
    [
        ("todo", "todo"),
        ("types", "types_spec"),
        ("enum", "enum_spec"),
        ("pytest", "pytest_spec"),
        ("my-spec.v2", "my_spec_v2"),
        ("class", "class_"),
        ("2fast", "_2_fast"),
        ("日本語", "spec"),
    ],
)
def test_module_names_are_identifiers_that_shadow_nothing(
    spec_id: str, module: str
) -> None:
    """A spec's module is a valid identifier and never a standard library name."""
    assert model.py_module(spec_id) == module
    assert module.isidentifier()


@pytest.mark.parametrize(
    "semver, pep440",
    [
        ("1.0.0", "1.0.0"),
        (None, "0.0.0"),
        ("1.0.0-alpha.1", "1.0.0a1"),
        ("2.1.0-rc.2+build.5", "2.1.0rc2+build.5"),
        ("1.0.0-beta", "1.0.0b0"),
        ("1.0.0-nightly.3", "1.0.0.dev0+nightly.3"),
    ],
)
def test_versions_become_pep440(semver: str | None, pep440: str) -> None:
    """Semantic versions become versions setuptools accepts."""
    from packaging.version import Version

    assert model.pep440(semver) == pep440
    assert str(Version(pep440)) == pep440


@pytest.mark.parametrize(
    "text",
    [
        'ends with a quote"',
        'has """ inside',
        "a \\ backslash",
        "ctrl \x01 char",
        "a\nb",
    ],
)
def test_docstrings_read_back_as_the_text(text: str) -> None:
    """Quotes, backslashes and control characters cannot end or break a docstring."""
    assert ast.literal_eval(model.docstring(text)) == text + (
        "\n" if "\n" in text else ""
    )


def test_importing_the_emitter_does_not_load_black() -> None:
    """black loads only when a package is formatted (start-up stays fast)."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, specc.emitters.python.emitter, specc.conformance.python; "
            "assert 'black' not in sys.modules",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_an_override_that_breaks_python_is_reported_with_its_file(
    tmp_path: Path,
) -> None:
    """A template override that renders invalid Python fails the build, naming the file."""
    (tmp_path / "python").mkdir()
    (tmp_path / "python" / "api.py.jinja").write_text(
        '{% extends "!python/api.py.jinja" %}\n'
        "{% block protocol %}\nclass (:\n{% endblock %}\n"
    )
    result = build(
        [str(EXAMPLES / "todo.spec.md")],
        ["python"],
        tmp_path / "out",
        templates=[tmp_path],
    )
    assert not result.ok and not (tmp_path / "out").exists()
    (problem,) = result.diagnostics
    assert problem.code == "E082"
    assert "todo/src/todo/api.py is not valid Python" in problem.message
