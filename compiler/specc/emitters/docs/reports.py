"""The verification reports the docs site reads, as lenient pydantic models.

`out/report/tests.json` (`specc test`) and `out/report/evals.json` (`specc
eval`) are untrusted input: `load` returns None for a malformed one. Imported
by `specc.emitters.docs.status` only when a build has reports (most have none).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError


class _Lenient(BaseModel):
    # Built when a report is first read, not on import: most builds read none.
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class Cell(_Lenient):
    """One rule's outcome on one target, as `specc test` recorded it."""

    status: str
    passed: int = 0
    failed: int = 0
    not_implemented: int = 0
    message: str | None = None
    earlier: bool = False
    """Whether the cell comes from an earlier run than the last one (not checked since)."""


class RuleRow(_Lenient):
    """One rule's cells."""

    rule: str
    targets: dict[str, Cell] = {}


class SpecRows(_Lenient):
    """One spec's rules."""

    rules: list[RuleRow] = []


class TestsReport(_Lenient):
    """`tests.json`."""

    specs: dict[str, SpecRows] = {}


class EvalRate(_Lenient):
    """One rule's line of `evals.json`."""

    spec: str
    rule: str
    samples: int
    passed: int
    failed: int
    errors: int
    pass_rate: float | None
    interval95: list[float] | None = None


class EvalsReport(_Lenient):
    """`evals.json`."""

    model: str
    judge: str
    rules: list[EvalRate] = []


def load(model: type[BaseModel], data: Any) -> Any:
    """Return ``data`` read as ``model``; None when it is absent or malformed."""
    if data is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError:
        return None
