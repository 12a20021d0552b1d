"""The eval report: pass rate per rule and overall with a 95% Wilson interval, and failures."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from specc.evaluate.run import Graded

Z95 = 1.959963984540054
"""The standard normal quantile of a two-sided 95% interval."""


def wilson(passed: int, total: int, z: float = Z95) -> tuple[float, float]:
    """Return the Wilson score interval of a pass rate (0, 0 when nothing was graded)."""
    if total == 0:
        return 0.0, 0.0
    p = passed / total
    centre = p + z * z / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    denominator = 1 + z * z / total
    return max(0.0, (centre - spread) / denominator), min(
        1.0, (centre + spread) / denominator
    )


@dataclass(frozen=True)
class RuleRate:
    """How one rule's cases fared: samples graded, passed, failed, in error."""

    spec: str
    rule: str
    cases: int
    passed: int
    failed: int
    errors: int

    @property
    def graded(self) -> int:
        """Return how many samples got a valid verdict (errors are not counted)."""
        return self.passed + self.failed

    @property
    def rate(self) -> float | None:
        """Return the pass rate over graded samples, or None when none was graded."""
        return self.passed / self.graded if self.graded else None

    def to_json(self) -> dict[str, object]:
        """Return the rule's line of the report as a JSON-ready mapping."""
        low, high = wilson(self.passed, self.graded)
        return {
            "spec": self.spec,
            "rule": self.rule,
            "cases": self.cases,
            "samples": self.graded + self.errors,
            "passed": self.passed,
            "failed": self.failed,
            "errors": self.errors,
            "pass_rate": self.rate,
            "interval95": [low, high] if self.graded else None,
        }


def by_rule(graded: Sequence[Graded]) -> list[RuleRate]:
    """Return one rate per rule, in the order rules first appear."""
    groups: dict[tuple[str, str], list[Graded]] = {}
    for g in graded:
        groups.setdefault((g.case.spec, g.case.rule), []).append(g)
    return [
        RuleRate(
            spec,
            rule,
            len({g.case.id for g in items}),
            sum(g.status == "passed" for g in items),
            sum(g.status == "failed" for g in items),
            sum(g.status == "error" for g in items),
        )
        for (spec, rule), items in groups.items()
    ]


def report(
    graded: Sequence[Graded], model: str, judge: str, samples: int
) -> dict[str, object]:
    """Return the whole report as JSON-ready data (what `out/report/evals.json` holds)."""
    rules = by_rule(graded)
    total = RuleRate(
        "",
        "",
        len({(g.case.spec, g.case.id) for g in graded}),
        sum(r.passed for r in rules),
        sum(r.failed for r in rules),
        sum(r.errors for r in rules),
    )
    overall = total.to_json()
    for key in ("spec", "rule"):
        overall.pop(key)
    return {
        "version": 1,
        "model": model,
        "judge": judge,
        "samples": samples,
        "overall": overall,
        "rules": [r.to_json() for r in rules],
        "failures": [g.to_json() for g in graded if g.status != "passed"],
    }


def _rate(rate: object, interval: object) -> str:
    """Return `55% [28%, 79%]`, or a dash when nothing was graded."""
    if not isinstance(rate, float) or not isinstance(interval, list):
        return "–"
    return f"{rate:.0%} [{interval[0]:.0%}, {interval[1]:.0%}]"


def print_report(data: dict[str, Any], console: Console) -> None:
    """Print the report as a table of rules, then the failing samples with reasons."""
    from rich import box
    from rich.table import Table

    rules: list[dict[str, Any]] = list(data["rules"])
    specs = sorted({r["spec"] for r in rules})
    title = f"evals of {specs[0] if len(specs) == 1 else 'the specs'}: "
    table = Table(
        title=title + f"{data['model']} judged by {data['judge']}",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    columns = ["rule", "cases", "samples", "pass rate [95%]", "errors"]
    columns = (["spec"] if len(specs) > 1 else []) + columns
    for name in columns:
        named = name in ("spec", "rule")
        table.add_column(name, justify="left" if named else "right", no_wrap=True)
    overall = {"spec": "", "rule": "all", **data["overall"]}
    for row in rules + [overall]:
        cells = [
            row["rule"],
            str(row["cases"]),
            str(row["samples"]),
            _rate(row["pass_rate"], row["interval95"]),
            str(row["errors"]),
        ]
        table.add_row(*(([row["spec"]] if len(specs) > 1 else []) + cells))
    console.print(table)
    for failure in data["failures"]:
        label = "ERROR" if failure["status"] == "error" else "FAIL"
        console.print(
            f"{label} {failure['spec']} {failure['case']} (sample {failure['sample']}): "
            f"{failure['reason']}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
