"""Conformance results: run a target's toolchain and map its tests back to rules."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import asdict, dataclass
from importlib import import_module
from pathlib import Path
from typing import Callable, Literal, Mapping, Sequence

from specc import ir
from specc.emitters.code import Case, cases

Status = Literal["passed", "failed", "not_implemented"]

#: Runners by target: "module:function" taking (the target's output folder, spec,
#: keyword `timeout`: seconds each example may take) and returning one result
#: per checked item (an empty list when the target does not apply to the spec).
RUNNERS: dict[str, str] = {
    "ts": "specc.conformance.ts:run",
    "rust": "specc.conformance.rust:run",
    "python": "specc.conformance.python:run",
    "docs": "specc.conformance.docs:run",
    "podcast": "specc.conformance.podcast:run",
    "evals": "specc.conformance.evals:run",
}

#: The `rule` of a result that stands for every example of a spec at once (the
#: package does not compile); no rule ID can take this name.
SPEC_WIDE = "(spec)"

Runner = Callable[..., "list[Result]"]
"""`runner(target_dir, spec, timeout=seconds) -> list[Result]`."""


class ToolchainError(Exception):
    """Raised when a target's toolchain is missing or cannot run at all."""


@dataclass(frozen=True)
class Result:
    """The outcome of one example of one spec on one target."""

    spec: str
    rule: str
    example: int
    status: Status
    message: str
    text: str
    covers: int = 1
    """How many examples the result stands for: all of the spec's for `SPEC_WIDE`."""

    def to_json(self) -> dict[str, object]:
        """Return the result as a JSON-ready mapping."""
        return asdict(self)


Observed = dict[str, tuple[Status, str]]


def collect(spec: ir.Spec, observed: Observed, missing: str) -> list[Result]:
    """Return one result per example, in order, from test titles to outcomes."""
    results = []
    for case in cases(spec):
        status, message = observed.get(case.title, ("failed", missing))
        results.append(_result(case, status, message))
    return results


def all_failed(spec: ir.Spec, message: str) -> list[Result]:
    """Return one spec-wide failure standing for every example (the package did not build)."""
    count = len(cases(spec))
    if not count:
        return []
    noun = "example" if count == 1 else "examples"
    text = f"every example ({count} {noun})"
    return [Result(spec.id, SPEC_WIDE, 0, "failed", message, text, count)]


def _result(case: Case, status: Status, message: str) -> Result:
    return Result(
        case.spec.id, case.rule, case.example.index, status, message, case.example.text
    )


def runner(target: str) -> Runner:
    """Return the conformance runner of a target."""
    where = RUNNERS.get(target)
    if where is None:
        raise ToolchainError(f"target `{target}` has no conformance runner")
    module, _, name = where.partition(":")
    try:
        return getattr(import_module(module), name)  # type: ignore[no-any-return]
    except (ImportError, AttributeError) as error:
        raise ToolchainError(f"the `{target}` runner cannot load: {error}") from error


def tool(name: str, hint: str) -> str:
    """Return the path of a program on PATH, or raise `ToolchainError` with a hint."""
    found = shutil.which(name)
    if found is None:
        raise ToolchainError(f"`{name}` is not installed; {hint}")
    return found


class TimedOut(ToolchainError):
    """Raised when a toolchain command runs past its time; carries what it printed."""

    def __init__(self, message: str, stdout: str, stderr: str) -> None:
        super().__init__(message)
        self.stdout = stdout
        self.stderr = stderr


def execute(
    args: Sequence[str],
    cwd: Path,
    timeout: float = 600,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a toolchain command in its own process group, capturing its output as text.

    On timeout, interrupt (SIGINT) or `Terminated` (SIGTERM) the whole group is
    killed before the exception goes on; a timeout raises `TimedOut`.
    """
    from specc.conformance.process import run_group

    try:
        return run_group(args, cwd, timeout, env)
    except subprocess.TimeoutExpired as error:
        raise TimedOut(
            f"`{' '.join(args)}` took longer than {timeout:g} s",
            _text(error.output),
            _text(error.stderr),
        ) from error


def _text(data: str | bytes | None) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return data or ""


def first_lines(text: str, count: int = 8) -> str:
    """Return the first non-blank lines of tool output, for a failure message."""
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    return "\n".join(lines[:count])
