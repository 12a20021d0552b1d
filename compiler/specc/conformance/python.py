"""Run a Python package's conformance tests with pytest and mypy, and map both to rules."""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree

from specc import ir
from specc.conformance import (
    Observed,
    Result,
    all_failed,
    collect,
    python_env,
    python_types,
)
from specc.emitters.code import cases, has_code, package_dir
from specc.toolchain import TimedOut, ToolchainError, execute, first_lines

TESTS = "tests/test_conformance.py"


def run(
    target_dir: Path, spec: ir.Spec, timeout: float = 10.0, python: str | None = None
) -> list[Result]:
    """Type-check the package with mypy and run its tests with pytest, then map results.

    Each example fails after ``timeout`` seconds; a type error is reported once,
    under the rule of the method it is in. The tests run in ``python`` (an
    interpreter or a virtual environment's folder; `python_env`), else in
    specc's own interpreter.
    """
    if not has_code(spec) or not spec.functions:  # no operations, nothing to run
        return []
    from specc.emitters.python.model import test_names

    package = target_dir / package_dir(spec)
    if not (package / TESTS).is_file():
        raise ToolchainError(f"{package / TESTS} is missing; run `specc build` first")
    names = test_names(spec)
    interpreter = python_env.interpreter(python)
    used = [package.parent / package_dir(u) for u in spec.interfaces]
    if python:
        python_env.install(interpreter, package, used)
    module = python_types.module_of(package, spec)
    python_env.check(interpreter, package, module, bool(python), used)
    limit = timeout * (len(cases(spec)) + 2) + 30
    with ThreadPoolExecutor(1) as pool:
        typed = pool.submit(
            execute, python_types.mypy_command(interpreter if python else None), package
        )
        paths = ["src"] + [f"../{package_dir(u)}/src" for u in spec.interfaces]
        observed, why = run_pytest(package, names, timeout, limit, paths, interpreter)
        checked = typed.result()
    if "No module named mypy" in checked.stderr:
        raise ToolchainError(
            f"mypy is not installed for {sys.executable}; `pip install mypy`"
        )
    typed_results = python_types.type_errors(package, spec, checked.stdout)
    if not observed and why.startswith("does not import"):
        # One spec-wide failure says it; mypy's syntax errors would repeat it.
        kept = [r for r in typed_results if "[syntax]" not in r.message]
        return kept + all_failed(spec, why)
    return typed_results + collect(spec, observed, "no test result: " + why)


def run_pytest(
    package: Path,
    names: dict[str, str],
    timeout: float,
    limit: float,
    paths: Sequence[str] = ("src",),
    python: str = sys.executable,
) -> tuple[Observed, str]:
    """Run the tests; return what each example did, and why any has no result.

    ``paths`` are the package's sources and those of the specs it uses.
    """
    with tempfile.TemporaryDirectory(prefix="specc-pytest-") as scratch:
        report = Path(scratch) / "junit.xml"
        try:
            command = pytest_command(report, timeout, paths, python)
            done = execute(command, package, timeout=limit)
        except TimedOut as error:  # an example blocked where SIGALRM cannot stop it
            why = f"the tests were stopped after {limit:g} s"
            return progress(error.stdout, names, why), why
        if "No module named pytest" in done.stderr:
            raise ToolchainError(
                f"pytest is not installed for {python}; `pip install pytest`"
            )
        root = read_report(report)
    stray = stray_error(root, names)
    if stray:
        return parse_junit(root, names), "does not import:\n" + stray
    return parse_junit(root, names), first_lines(done.stdout or done.stderr, 6)


_PROGRESS = re.compile(
    r"^tests/test_conformance\.py::(\w+) (PASSED|FAILED|SKIPPED|ERROR)(?: \((.*)\))?"
)


def progress(stdout: str, names: dict[str, str], why: str) -> Observed:
    """Return what the examples that finished did, from pytest's verbose lines."""
    titles = {name: title for title, name in names.items()}
    observed: Observed = {}
    for line in stdout.splitlines():
        match = _PROGRESS.match(line)
        if match is None or match[1] not in titles:
            continue
        title, outcome, reason = titles[match[1]], match[2], match[3] or ""
        if outcome == "PASSED":
            observed[title] = ("passed", "")
        elif outcome == "SKIPPED" and reason.startswith("not implemented"):
            observed[title] = ("not_implemented", reason)
        else:
            observed[title] = ("failed", f"failed; its message is lost: {why}")
    return observed


#: Runs pytest with plugin autoloading off: third-party plugins (randomising,
#: parallel, benchmark) cannot change the results, and start-up takes a
#: fraction of the time. The tests read their time limit from SPECC_TIMEOUT.
_BOOTSTRAP = (
    "import os, sys; os.environ['PYTEST_DISABLE_PLUGIN_AUTOLOAD'] = '1'; "
    "os.environ['SPECC_TIMEOUT'] = sys.argv.pop(1); "
    "import pytest; sys.exit(pytest.main(sys.argv[1:]))"
)


def pytest_command(
    report: Path,
    timeout: float = 10.0,
    paths: Sequence[str] = ("src",),
    python: str = sys.executable,
) -> list[str]:
    """Return the pytest command: ``paths`` on the path, no bytecode or cache written."""
    return [
        python,
        "-B",
        "-c",
        _BOOTSTRAP,
        f"{timeout:g}",
        TESTS,
        "--rootdir=.",
        "-c",
        "pyproject.toml",
        "-o",
        "pythonpath=" + " ".join(paths),
        "-o",
        "junit_family=xunit2",
        "-p",
        "no:cacheprovider",
        "-vv",
        "--no-header",
        f"--junitxml={report}",
    ]


def read_report(report: Path) -> ElementTree.Element | None:
    """Return the root of pytest's JUnit XML report, or None when there is none."""
    try:
        return ElementTree.parse(report).getroot()
    except (OSError, ElementTree.ParseError):
        return None


def stray_error(root: ElementTree.Element | None, names: dict[str, str]) -> str:
    """Return the error of a report entry that is no example (a collection error)."""
    tests = set(names.values())
    for case in root.iter("testcase") if root is not None else ():
        error = case.find("error")
        if case.get("name") not in tests and error is not None:
            text = error.text or error.get("message") or ""
            return _crash_lines(text) or first_lines(text, 6)
    return ""


def parse_junit(root: ElementTree.Element | None, names: dict[str, str]) -> Observed:
    """Return test title -> (status, message) from pytest's JUnit XML report."""
    if root is None:
        return {}
    titles = {name: title for title, name in names.items()}
    observed: Observed = {}
    for case in root.iter("testcase"):
        title = titles.get(case.get("name", ""))
        if title is None:
            continue
        outcome = next(
            (c for c in case if c.tag in ("failure", "error", "skipped")), None
        )
        if outcome is None:
            observed[title] = ("passed", "")
            continue
        message = _whole_message(outcome)
        if outcome.tag == "skipped" and message.startswith("not implemented"):
            observed[title] = ("not_implemented", message)
        elif outcome.tag == "skipped":
            observed[title] = ("failed", f"skipped: {message}")
        else:
            observed[title] = ("failed", failure_message(message or outcome.tag))
    return observed


_SHORTENED = "; full report in element text]"


def _whole_message(outcome: ElementTree.Element) -> str:
    """Return an outcome's message whole, from its report when pytest shortened it.

    pytest 9.2 cuts long messages in the `message` attribute and keeps the
    whole report as the element's text: the message stands there on the
    crash's `E` lines, or is the whole text for a failure without a traceback.
    """
    message = outcome.get("message") or ""
    text = outcome.text or ""
    if not message:
        return text.strip()
    if not message.endswith(_SHORTENED):
        return message
    whole = _crash_lines(text) or text.strip() or message
    if message.startswith("Failed: ") and not whole.startswith("Failed: "):
        whole = "Failed: " + whole  # the text of `pytest.fail(pytrace=False)`
    return whole


def _crash_lines(report: str) -> str:
    """Return the text of the last block of `E` lines in a pytest report."""
    blocks: list[list[str]] = []
    previous = False
    for line in report.splitlines():
        current = line == "E" or line.startswith("E ")
        if current and not previous:
            blocks.append([])
        if current:
            blocks[-1].append(line)
        previous = current
    if not blocks:
        return ""
    lines = blocks[-1]
    # Every line carries the same `E` and indent; a message's own lines may
    # be indented further (a SyntaxError's caret), so the narrowest one counts.
    width = min(
        (len(line) - len(line[1:].lstrip()) for line in lines if line != "E"),
        default=1,
    )
    return "\n".join(line[width:] for line in lines)


_RAISED = re.compile(r"^(?:\w+\.)*(\w+)(?:: (.*))?$", re.DOTALL)
_NOT_RAISED = re.compile(r"^DID NOT RAISE <class '(?:\w+\.)*(\w+)'>$")


def failure_message(message: str) -> str:
    """Return pytest's failure message as a person reads it, whole.

    The tests' own failures (`pytest.fail`) lose their `Failed: ` prefix; an
    exception the implementation raised reads `raised Name: message`, without
    its module, and without the name twice when the message repeats it.
    """
    if message.startswith("Failed: "):
        message = message.removeprefix("Failed: ")
        not_raised = _NOT_RAISED.match(message)
        return f"did not raise {not_raised.group(1)}" if not_raised else message
    raised = _RAISED.match(message)
    if raised is None:
        return message
    name, text = raised.group(1), (raised.group(2) or "").strip()
    text = text.removeprefix(name + ": ")
    return f"raised {name}" if text in ("", name) else f"raised {name}: {text}"
