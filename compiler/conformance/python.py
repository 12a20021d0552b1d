"""Run a Python package's conformance tests with pytest and map its JUnit XML to rules."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from xml.etree import ElementTree

from specc import ir
from specc.conformance import (
    Observed,
    Result,
    ToolchainError,
    collect,
    execute,
    first_lines,
)
from specc.emitters.code import has_code, package_dir

TESTS = "tests/test_conformance.py"


def run(target_dir: Path, spec: ir.Spec) -> list[Result]:
    """Run pytest on the package (its src on the path, nothing installed) and map results."""
    if not has_code(spec):
        return []
    from specc.emitters.python import test_names

    package = target_dir / package_dir(spec)
    if not (package / TESTS).is_file():
        raise ToolchainError(f"{package / TESTS} is missing; run `specc build` first")
    with tempfile.TemporaryDirectory(prefix="specc-pytest-") as scratch:
        report = Path(scratch) / "junit.xml"
        done = execute(pytest_command(report), package)
        if "No module named pytest" in done.stderr:
            raise ToolchainError(
                f"pytest is not installed for {sys.executable}; `pip install pytest`"
            )
        root = read_report(report)
    names = test_names(spec)
    why = stray_error(root, names) or first_lines(done.stdout or done.stderr, 6)
    return collect(spec, parse_junit(root, names), "no test result: " + why)


#: Runs pytest with plugin autoloading off: third-party plugins (randomising,
#: parallel, benchmark) cannot change the results, and start-up takes a
#: fraction of the time.
_BOOTSTRAP = (
    "import os, sys; os.environ['PYTEST_DISABLE_PLUGIN_AUTOLOAD'] = '1'; "
    "import pytest; sys.exit(pytest.main(sys.argv[1:]))"
)


def pytest_command(report: Path) -> list[str]:
    """Return the pytest command: src on the path, no bytecode or cache written."""
    return [
        sys.executable,
        "-B",
        "-c",
        _BOOTSTRAP,
        TESTS,
        "--rootdir=.",
        "-c",
        "pyproject.toml",
        "-o",
        "pythonpath=src",
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
            lines = [line[4:] for line in text.splitlines() if line.startswith("E   ")]
            return "\n".join(lines) or first_lines(text, 6)
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
        message = outcome.get("message") or (outcome.text or "").strip()
        if outcome.tag == "skipped" and message.startswith("not implemented"):
            observed[title] = ("not_implemented", message)
        elif outcome.tag == "skipped":
            observed[title] = ("failed", f"skipped: {message}")
        else:
            observed[title] = ("failed", first_lines(message or outcome.tag, 12))
    return observed
