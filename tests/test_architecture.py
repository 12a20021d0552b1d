"""The house rules of specc's own source: layers, no cycles, small units, clean lints.

docs/architecture.md says why each rule is there. These tests run the same
tools CI would (import-linter, ruff, black, mypy) so the README's one test
command checks them all.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "compiler" / "specc"
MAX_MODULE_LINES = 500
"""Non-blank lines a module may have without a reason at its top."""
MAX_CLASS_LINES = 300
"""Lines a class may span without a reason at its module's top."""
REASON = re.compile(r"^# size: (\S+)")
"""A reason for a long module (`# size: module …`) or class (`# size: Name …`)."""


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _reasons(text: str) -> set[str]:
    """Return what the `# size:` comments in a module's first lines excuse."""
    head = text.splitlines()[:40]
    return {m.group(1) for line in head if (m := REASON.match(line))}


def test_no_module_is_too_long() -> None:
    """No module has over 500 non-blank lines unless its top says why."""
    long = {}
    for path in _modules():
        text = path.read_text("utf-8")
        count = sum(1 for line in text.splitlines() if line.strip())
        if count > MAX_MODULE_LINES and "module" not in _reasons(text):
            long[str(path.relative_to(ROOT))] = count
    assert long == {}


def test_no_class_is_too_long() -> None:
    """No class spans over 300 lines unless its module's top says why."""
    long = {}
    for path in _modules():
        text = path.read_text("utf-8")
        excused = _reasons(text)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef):
                span = (node.end_lineno or node.lineno) - node.lineno + 1
                if span > MAX_CLASS_LINES and node.name not in excused:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = span
    assert long == {}


def test_the_size_checks_can_fail(tmp_path: Path) -> None:
    """A long module or class without a reason is caught; with one it is not."""
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_CLASS_LINES + 1))
    text = f"class Big:\n{body}\n"
    tree = ast.parse(text)
    big = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef))
    assert (big.end_lineno or 0) - big.lineno + 1 > MAX_CLASS_LINES
    assert _reasons(text) == set()
    assert _reasons("# size: Big holds the whole table\n" + text) == {"Big"}


def _graph():  # type: ignore[no-untyped-def]
    import grimp

    return grimp.build_graph(
        "specc",
        include_external_packages=False,
        exclude_type_checking_imports=True,
        cache_dir=None,
    )


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected groups of two or more modules (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_cycles() -> None:
    """No module imports itself back, counting imports inside functions.

    Imports under `if TYPE_CHECKING:` only name types and are left out.
    """
    graph = _graph()
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert _cycles(edges) == []


def test_the_cycle_finder_finds_cycles() -> None:
    """A cycle through three modules, and one of two, are both reported."""
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"e"}, "e": {"d"}, "f": set()}
    assert sorted(_cycles(edges)) == [["a", "b", "c"], ["d", "e"]]


def test_every_package_ships_in_the_wheel() -> None:
    """pyproject lists every package folder under compiler/specc (and the templates)."""
    from specc.config import _tomllib

    data = _tomllib().loads((ROOT / "pyproject.toml").read_text("utf-8"))
    listed = set(data["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(p.parent.relative_to(ROOT / "compiler").parts)
        for p in PACKAGE.rglob("__init__.py")
    }
    assert listed == on_disk | {"specc.templates"}


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    found = found or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; `pip install -e '.[test]'` installs it")
    return found


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True)


def test_layers_hold() -> None:
    """import-linter keeps every contract in pyproject.toml (the stages' order)."""
    done = _run(_tool("lint-imports"), "--no-cache")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_finds_nothing() -> None:
    """ruff check passes on the source, tests, benchmarks and scripts."""
    done = _run(_tool("ruff"), "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_black_leaves_everything_as_it_is() -> None:
    """black --check passes on every Python file of the repo."""
    done = _run(_tool("black"), "--check", "--quiet", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_passes() -> None:
    """mypy --strict (configured in pyproject's [tool.mypy]) finds nothing in specc."""
    done = _run(sys.executable, "-m", "mypy", "--cache-dir", str(ROOT / ".mypy_cache"))
    assert done.returncode == 0, done.stdout + done.stderr
