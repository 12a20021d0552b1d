"""Conformance results: run a target's toolchain and map its tests back to rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from importlib import import_module
from typing import Any, Literal

from specc import ir
from specc.emitters.code import Case, PropertyCase, all_cases
from specc.targets import BUILTIN
from specc.toolchain import ToolchainError

Status = Literal["passed", "failed", "not_implemented"]

#: The `rule` of a result that stands for every example of a spec at once (the
#: package does not compile); no rule ID can take this name.
SPEC_WIDE = "(spec)"

Runner = Callable[..., "list[Result]"]
"""`runner(target_dir, spec, timeout=seconds) -> list[Result]`."""


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
    for case in all_cases(spec):
        status, message = observed.get(case.title, ("failed", missing))
        results.append(_result(case, status, message))
    return results


def all_failed(spec: ir.Spec, message: str) -> list[Result]:
    """Return one spec-wide failure standing for every example (the package did not build)."""
    count = len(all_cases(spec))
    if not count:
        return []
    noun = "example" if count == 1 else "examples"
    text = f"every example ({count} {noun})"
    return [Result(spec.id, SPEC_WIDE, 0, "failed", message, text, count)]


def _result(case: Case | PropertyCase, status: Status, message: str) -> Result:
    return Result(case.spec.id, case.rule, case.index, status, message, case.text)


def runner(target: str) -> Runner:
    """Return the conformance runner of a target."""
    known = BUILTIN.get(target)
    if known is None:
        raise ToolchainError(f"target `{target}` has no conformance runner")
    module, _, name = known.runner.partition(":")
    try:
        found: Runner = getattr(import_module(module), name)
    except (ImportError, AttributeError) as error:
        raise ToolchainError(f"the `{target}` runner cannot load: {error}") from error
    return found


_RUN: ContextVar[dict[str, dict[Any, Any]] | None] = ContextVar(
    "specc_conformance_run", default=None
)


@contextmanager
def one_run() -> Iterator[None]:
    """Mark one run of runners over many specs, within which a runner may reuse
    work it did for another spec (a package they all use, compiled once)."""
    token = _RUN.set({})
    try:
        yield
    finally:
        _RUN.reset(token)


def run_memo(name: str) -> dict[Any, Any]:
    """Return the memo ``name`` of the current run: kept for the rest of the run
    (`one_run`), and a fresh one, kept by nobody, outside a run."""
    memos = _RUN.get()
    if memos is None:
        return {}
    return memos.setdefault(name, {})
