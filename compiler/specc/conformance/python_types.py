"""Type-check a Python package with `mypy --strict` and report each error under its rule."""

from __future__ import annotations

import ast
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from specc import ir
from specc.conformance import Result

#: What the report shows in place of an example's text.
TITLE = "mypy --strict"

_LINE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?:\d+:)? (?P<kind>error|note): ")


def mypy_command(python: str | None = None) -> list[str]:
    """Return the mypy command: the package's own settings, a cache outside `out/`.

    mypy itself runs in specc's interpreter; with ``python`` it reads the
    installed packages (the declared dependencies) of that interpreter.
    """
    command = [sys.executable, "-m", "mypy", "--strict", "--show-column-numbers"]
    command += ["--no-error-summary", "--no-color-output", "--no-pretty"]
    if python is not None:
        command += ["--python-executable", python]
    if "MYPY_CACHE_DIR" not in os.environ:
        command += ["--cache-dir", str(cache_dir())]
    return command + ["src", "tests"]


def cache_dir() -> Path:
    """Return where mypy keeps its cache between runs (the user's cache folder)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "specc" / "mypy"


@dataclass
class Message:
    """One mypy error with the notes that follow it."""

    path: str
    line: int
    lines: list[str] = field(default_factory=list)


def messages(output: str) -> list[Message]:
    """Return mypy's errors, each with its notes, in the order mypy printed them."""
    found: list[Message] = []
    for text in output.splitlines():
        match = _LINE.match(text)
        if match is None:
            if found and text.strip():
                found[-1].lines.append(text)
            continue
        if match["kind"] == "error" or not found:
            found.append(Message(match["path"], int(match["line"])))
        found[-1].lines.append(text)
    return found


def method_lines(source: str, cls: str) -> dict[str, tuple[int, int]]:
    """Return the first and last line of each method of class ``cls`` in a module."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    spans = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    first = min([item.lineno] + [d.lineno for d in item.decorator_list])
                    spans[item.name] = (first, item.end_lineno or item.lineno)
    return spans


def module_of(package: Path, spec: ir.Spec) -> str:
    """Return the import name of a built package: its folder in `src/` that has `api.py`.

    The name may be chosen (`python.package`), so it is read from the disk;
    a renamed package's old folder keeps only its scaffold, not `api.py`.
    """
    from specc.emitters.python.model import py_module

    found = sorted(p.parent.name for p in package.glob("src/*/api.py"))
    return found[0] if found else py_module(spec.id)


class Attribution:
    """Finds the rule a mypy message is about: the method it is in or names."""

    def __init__(self, package: Path, spec: ir.Spec) -> None:
        from specc.emitters.python.model import Names

        names = Names(spec, module_of(package, spec))
        self.module = f"src/{names.module}/implementation.py"
        self.rules = {names.methods[f.name]: f.rule or spec.id for f in spec.functions}
        try:
            source = (package / self.module).read_text("utf-8", errors="replace")
        except OSError:
            source = ""
        self.spans = method_lines(source, names.impl)
        self.spec = spec.id

    def rules_of(self, message: Message) -> list[str]:
        """Return the rules a message concerns (the spec's ID when no method is named)."""
        if Path(message.path).as_posix() == self.module:
            for name, (first, last) in self.spans.items():
                if first <= message.line <= last and name in self.rules:
                    return [self.rules[name]]
            return [self.spec]
        text = "\n".join(message.lines)
        named = [
            rule
            for name, rule in self.rules.items()
            if re.search(rf"(?:\bdef {name}\(|^\S+: note:\s+{name}$)", text, re.M)
        ]
        return sorted(set(named), key=named.index) or [self.spec]


def type_errors(package: Path, spec: ir.Spec, output: str) -> list[Result]:
    """Return one failed result per rule with type errors, listing them with file:line."""
    attribution = Attribution(package, spec)
    by_rule: dict[str, list[str]] = {}
    for message in messages(output):
        lines = [_located(package, line) for line in message.lines]
        for rule in attribution.rules_of(message):
            by_rule.setdefault(rule, []).extend(lines)
    # A type error stands for no example (covers=0): the examples report their own
    # results, and the summary still counts examples.
    return [
        Result(spec.id, rule, 0, "failed", "\n".join(lines), TITLE, covers=0)
        for rule, lines in by_rule.items()
    ]


def _located(package: Path, line: str) -> str:
    """Return a mypy line with its path from where specc runs, not from the package."""
    return f"{package / line}" if _LINE.match(line) else line
