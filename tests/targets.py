"""What the shared conformance suite must know of each code target, one adapter each."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT, TS_TOOLCHAIN

#: One cargo target folder for the whole suite (and later runs): the crates
#: compile once, and every later build is incremental. One per checkout and per
#: pytest-xdist worker: crates of the same name share a test binary there, so
#: two suites running at once from different checkouts, or two workers of one
#: suite, must not share the folder (one would run the binary the other built).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, … under pytest-xdist
RUST_TARGET_DIR = Path(tempfile.gettempdir()) / (
    "specc-rust-target-"
    + hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    + (f"-{_WORKER}" if _WORKER else "")
)


def rust_env() -> dict[str, str]:
    """Return the environment cargo, rustfmt and clippy run in."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(RUST_TARGET_DIR), RUST_BACKTRACE="0")
    cargo_bin = Path.home() / ".cargo" / "bin"
    env["PATH"] = f"{cargo_bin}{os.pathsep}{env.get('PATH', '')}"
    return env


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


def fresh_copy(package: Path, destination: Path) -> Path:
    """Copy a package with every file's mtime now, and return the copy.

    cargo keeps one fingerprint per crate name in the shared target folder and
    judges a crate fresh when its files are no newer than the last build of that
    name, wherever that crate was: a copy keeping the mtimes of an older build
    would be reported on with another copy's binary.
    """
    return Path(shutil.copytree(package, destination, copy_function=shutil.copy))


def link_modules(package: Path, modules: Path) -> None:
    """Share one typescript install with a generated package."""
    link = package / "node_modules"
    if not link.exists():
        link.symlink_to(modules, target_is_directory=True)


@dataclass(frozen=True)
class Edit:
    """Replace ``old``, which must occur exactly once, with ``new``."""

    old: str
    new: str


def edited(source: str, edits: Iterable[Edit]) -> str:
    """Return ``source`` with each edit made, in order."""
    for edit in edits:
        assert source.count(edit.old) == 1, f"{edit.old!r} must occur exactly once"
        source = source.replace(edit.old, edit.new)
    return source


@dataclass(frozen=True)
class Messages:
    """What a language's report says for the same faults, piece by piece."""

    broken: dict[str, str]
    """Spec -> a piece of the message of its broken implementation's one failure."""
    mutants: dict[tuple[str, int], str]
    """(rule, example) -> a piece of the message each mutant fails with."""
    compile_error: tuple[str, ...]
    """How a spec-wide compile failure starts, then pieces it holds."""
    raised: str
    """The whole message when `add_task` raises `NoSuchTask{index: 0}` (#1)."""
    wrong_error: str
    """How the message ends when that error comes where `EmptyTitle` is due (#4)."""
    multiline_prefix: str
    """What stands before a multi-line error message the implementation raised."""
    start_with_example: bool = False
    """Whether a failure's message begins with its example's line."""


@dataclass(frozen=True)
class CodeTarget:
    """One code target as the shared suite sees it."""

    name: str
    extension: str
    impl_file: str
    """Where a package's implementation is; `{module}` is the spec's module name."""
    api_file: str
    comment: str
    golden_suffix: str
    declaration: str
    """How the API declares an operation; `{camel}` and `{snake}` are its names."""
    doc_follows_declaration: bool
    doc_rule_line: str
    """The line of an operation's doc that names its rule, `{rule}`."""
    doc_statement_line: str | None
    """The line of each normative statement, `{statement}`; None where the doc
    wraps statements to the line width."""
    stub: str
    """How the scaffold leaves an operation undone; `{rule}` is its rule."""
    stub_marker: str
    missing_operation: str
    """How a W085 warning names an operation the implementation lacks."""
    mutants: dict[str, tuple[Edit, ...]]
    """Per spec, edits to the correct implementation: a wrong or missing error,
    a wrong error field, pi off by 2e-6."""
    uncompilable: tuple[Edit, ...]
    """Edits that keep todo's scaffold from compiling (importing, for Python)."""
    hang: Edit
    """Makes todo's `remaining` loop for ever."""
    raises: tuple[Edit, ...]
    """Make todo's `add_task` raise `NoSuchTask{index: 0}` and `remaining` raise
    an error whose message has three lines, the second blank."""
    messages: Messages
    hangs_one_after_another: bool
    """Whether hung examples wait out their limits one after another."""
    hang_wall_limit: float
    """Seconds a run with two hung examples may take at most."""
    hostile_examples: int
    hostile_rules: frozenset[str]
    native_command: tuple[str, ...]
    native_names: Callable[..., list[str]]
    """The test names the native runner prints for a spec, in the spec's order."""
    native_passed: Callable[[str], list[str]]
    """The names of the tests the native runner's output says passed."""
    native_sorts: bool
    """Whether the native runner runs tests in name order rather than the spec's."""
    first_native_name: str

    def implementation(self, package: Path, spec_id: str) -> Path:
        """Return the implementation file of a package."""
        return package / self.impl_file.format(module=module_name(self, spec_id))

    def api(self, package: Path, spec_id: str) -> Path:
        """Return the API file of a package."""
        return package / self.api_file.format(module=module_name(self, spec_id))

    def source(self, spec_id: str) -> str:
        """Return the hand-written correct implementation of a spec."""
        from impls.breakages import implementation

        return implementation(self.name, spec_id)

    def run_natively(self, package: Path) -> subprocess.CompletedProcess[str]:
        """Run a package's tests with the language's own test runner."""
        env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
        if self.name == "ts":  # `npm test` runs the package's own tsc
            link_modules(package, TS_TOOLCHAIN / "node_modules")
        if self.name == "rust":
            env = rust_env()
        return subprocess.run(
            list(self.native_command),
            cwd=package,
            capture_output=True,
            text=True,
            env=env,
        )


def module_name(target: CodeTarget, spec_id: str) -> str:
    """Return the name a spec's package is imported by, where the path needs it."""
    if target.name != "python":
        return spec_id
    from specc.emitters.python.model import py_module

    return py_module(spec_id)


def _titles(spec) -> list[str]:  # type: ignore[no-untyped-def]
    from specc.emitters.code import cases

    return [case.title for case in cases(spec)]


def _tap_passed(stdout: str) -> list[str]:
    return [
        re.sub(r"\\(.)", r"\1", line.split(" - ", 1)[1])
        for line in stdout.splitlines()
        if re.match(r"ok \d+ - ", line)
    ]


def _rust_names(spec) -> list[str]:  # type: ignore[no-untyped-def]
    from specc.emitters.rust.model import test_names

    return list(test_names(spec).values())


def _cargo_passed(stdout: str) -> list[str]:
    return [
        line.split()[1]
        for line in stdout.splitlines()
        if line.startswith("test ") and line.endswith(" ... ok")
    ]


def _python_names(spec) -> list[str]:  # type: ignore[no-untyped-def]
    from specc.emitters.python.model import test_names

    return list(test_names(spec).values())


def _pytest_passed(stdout: str) -> list[str]:
    return re.findall(r"::(\w+) PASSED", stdout)


TS = CodeTarget(
    name="ts",
    extension="ts",
    impl_file="src/impl.ts",
    api_file="src/api.ts",
    comment="//",
    golden_suffix="",
    declaration="\n  {camel}(",
    doc_follows_declaration=False,
    doc_rule_line="   * Rule `{rule}`:\n",
    doc_statement_line="   * - {statement}\n",
    stub='throw new NotImplementedError("{rule}");',
    stub_marker="throw new NotImplementedError(",
    missing_operation="`{name}`",
    mutants={
        "todo": (
            Edit("throw new EmptyTitle();", 'throw new Error("empty");'),
            Edit(
                "throw new NoSuchTask({ index });",
                "throw new NoSuchTask({ index: index + 1 });",
            ),
        ),
        "geometry": (
            Edit("return Math.PI * shape.radius", "return 3.1416 * shape.radius"),
        ),
    },
    uncompilable=(
        Edit('throw new NotImplementedError("remaining");', 'return "three";'),
    ),
    hang=Edit("return tasks.filter((task) => !task.done).length;", "while (true) {}"),
    raises=(
        Edit(
            "const trimmed = title.trim();",
            "throw new NoSuchTask({ index: 0 });\n    const trimmed = title.trim();",
        ),
        Edit(
            "return tasks.filter((task) => !task.done).length;",
            "throw new Error(\n"
            "      `first line\\n\\nthird line, after a blank one: ${tasks.length}`,\n"
            "    );",
        ),
    ),
    messages=Messages(
        broken={"todo": "strictly deep-equal", "geometry": "-6 !== 6"},
        mutants={
            ("add_task", 4): "expected EmptyTitle to be thrown, got Error: empty",
            ("complete_task", 3): "NoSuchTask.index",
            ("complete_task", 4): "NoSuchTask.index",
            ("area", 1): "expected 3.14159265 within 0.000001, got 3.1416",
        },
        compile_error=(
            "does not compile:\nsrc/impl.ts(",
            "error TS2322: Type 'string' is not assignable to type 'number'.",
        ),
        raised="expected a result, but it threw NoSuchTask: index=0",
        wrong_error="expected EmptyTitle to be thrown, got NoSuchTask: index=0",
        multiline_prefix="expected a result, but it threw Error: ",
    ),
    hangs_one_after_another=True,
    hang_wall_limit=30,
    hostile_examples=12,
    hostile_rules=frozenset({"ops.main:v1-x"}),
    native_command=("npm", "test", "--silent"),
    native_names=_titles,
    native_passed=_tap_passed,
    native_sorts=False,
    first_native_name='add_task #1: add_task([], "Buy milk") == [{title: "Buy milk"}]',
)

RUST = CodeTarget(
    name="rust",
    extension="rs",
    impl_file="src/implementation.rs",
    api_file="src/api.rs",
    comment="//",
    golden_suffix=".golden",
    declaration="\n    fn {snake}(",
    doc_follows_declaration=False,
    doc_rule_line="    /// Rule `{rule}`:\n",
    doc_statement_line=None,
    stub='todo!("not implemented: rule {rule}")',
    stub_marker="todo!(",
    missing_operation="`fn {name}(`",
    mutants={
        "todo": (
            Edit("return Err(TodoError::EmptyTitle);", "return Ok(tasks);"),
            Edit(
                ".ok_or(TodoError::NoSuchTask { index })",
                ".ok_or(TodoError::NoSuchTask { index: index + 1 })",
            ),
        ),
        "geometry": (Edit("Ok(std::f64::consts::PI *", "Ok(3.1416 *"),),
    },
    uncompilable=(Edit('todo!("not implemented: rule remaining")', '"three"'),),
    hang=Edit(
        "tasks.iter().filter(|task| !task.done).count() as i64",
        "loop {\n            std::hint::spin_loop();\n        }",
    ),
    raises=(
        Edit("use crate::api", "#![allow(unreachable_code)]\nuse crate::api"),
        Edit(
            "let trimmed = title.trim();",
            "return Err(TodoError::NoSuchTask { index: 0 });\n"
            "        let trimmed = title.trim();",
        ),
        Edit(
            "tasks.iter().filter(|task| !task.done).count() as i64",
            'panic!("first line\\n\\nthird line, after a blank one: {}", tasks.len())',
        ),
    ),
    messages=Messages(
        broken={
            "todo": 'expected []\n     got [Task { title: "A"',
            "geometry": "expected 6.0\n     got -6.0",
        },
        mutants={
            ("add_task", 4): (
                "expected the error TodoError::EmptyTitle, got the result []"
            ),
            ("complete_task", 3): "field `index`: expected 3, got 4",
            ("complete_task", 4): "field `index`: expected -1, got 0",
            ("area", 1): "expected 3.14159265 within 0.000001\n     got 3.1416",
        },
        compile_error=(
            "does not compile:\nerror[E0308]: mismatched types",
            "src/implementation.rs",
        ),
        raised=(
            'add_task #1: add_task([], "Buy milk") == [{title: "Buy milk"}]\n'
            'expected [Task { title: "Buy milk", done: false, priority: Normal,'
            " tags: [], note: None }]\n  raised NoSuchTask { index: 0 }"
        ),
        wrong_error=(
            "expected the error TodoError::EmptyTitle, got NoSuchTask { index: 0 }"
        ),
        multiline_prefix="",
        start_with_example=True,
    ),
    # cargo runs a crate's tests in parallel: both hung examples wait at once
    hangs_one_after_another=False,
    hang_wall_limit=120,
    hostile_examples=13,
    hostile_rules=frozenset({"9.x:y-z", "class", "Class"}),
    native_command=("cargo", "test", "--offline", "--test", "conformance"),
    native_names=_rust_names,
    native_passed=_cargo_passed,
    native_sorts=True,
    first_native_name="add_task_1",
)

PYTHON = CodeTarget(
    name="python",
    extension="py",
    impl_file="src/{module}/implementation.py",
    api_file="src/{module}/api.py",
    comment="#",
    golden_suffix=".golden",
    declaration="\n    def {snake}(",
    doc_follows_declaration=True,
    doc_rule_line='        """Rule `{rule}`:\n',
    doc_statement_line=None,
    stub='raise NotImplementedError("not implemented: rule {rule}")',
    stub_marker="raise NotImplementedError(",
    missing_operation="`def {name}(`",
    mutants={
        "todo": (
            Edit("raise EmptyTitle()", "return tasks"),
            Edit("raise NoSuchTask(index=index)", "raise NoSuchTask(index=index + 1)"),
        ),
        "geometry": (
            Edit("return math.pi * shape.radius**2", "return 3.1416 * shape.radius**2"),
        ),
    },
    uncompilable=(
        Edit(
            'raise NotImplementedError("not implemented: rule by_tag")\n',
            'raise NotImplementedError("not implemented: rule by_tag")\n'
            "\ndef broken(:\n",
        ),
    ),
    hang=Edit(
        "return sum(1 for task in tasks if not task.done)",
        "while True:\n            pass",
    ),
    raises=(
        Edit(
            "trimmed = title.strip()",
            "raise NoSuchTask(index=0)\n        trimmed = title.strip()",
        ),
        Edit(
            "return sum(1 for task in tasks if not task.done)",
            "raise RuntimeError(\n"
            '            f"first line\\n\\nthird line, after a blank one: {len(tasks)}"\n'
            "        )",
        ),
    ),
    messages=Messages(
        broken={
            "todo": "result: expected list [], got list [Task(title='A'",
            "geometry": "-6.0",
        },
        mutants={
            ("add_task", 4): "expected EmptyTitle to be raised, got the result list []",
            ("complete_task", 3): "error.index: expected int 3, got int 4",
            ("complete_task", 4): "error.index: expected int -1, got int 0",
            (
                "area",
                1,
            ): "result: expected float 3.14159265 within 1e-06, got float 3.1416",
        },
        compile_error=("does not import:", "SyntaxError"),
        raised="raised NoSuchTask: index=0",
        wrong_error="expected EmptyTitle to be raised, got NoSuchTask: index=0",
        multiline_prefix="raised RuntimeError: ",
    ),
    hangs_one_after_another=True,
    hang_wall_limit=30,
    hostile_examples=8,
    hostile_rules=frozenset({"9.x:y-z", "class", "Class"}),
    native_command=(sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider"),
    native_names=_python_names,
    native_passed=_pytest_passed,
    native_sorts=False,
    first_native_name="test_add_task_1",
)

CODE_TARGETS = (TS, RUST, PYTHON)
