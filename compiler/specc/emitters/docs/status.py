"""Verification status on the docs site: badges per rule per target, and the coverage page.

The data comes from `out/report/tests.json` and `passes.json` (`specc test`)
and `out/report/evals.json` (`specc eval`), handed to the emitter by the build.
Report files are read as untrusted input: a malformed one is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from specc import ir
from specc.naming import plural
from specc.targets import CODE_TARGETS, MATRIX_TARGETS

if TYPE_CHECKING:
    from specc.emitters.docs.reports import Cell, EvalRate, EvalsReport, TestsReport

COVERAGE_PAGE = "coverage.html"


@dataclass(frozen=True, eq=False, repr=False)
class Badge:
    """A status badge next to a rule."""

    target: str
    status: str
    """passed, failed, not_implemented, no_examples or error (CSS class `status-…`)."""
    text: str
    title: str


_WORDS = {
    "passed": "passed",
    "failed": "failed",
    "not_implemented": "not implemented",
    "no_examples": "no examples",
    "error": "not run",
}


@dataclass(eq=False, repr=False)
class Status:
    """What the reports say, by spec and rule."""

    tests: TestsReport | None = None
    evals: EvalsReport | None = None
    passes: Any = None
    """`passes.json`: each rule's digest when a target last passed it."""
    mutation: Any = None
    """`mutation.json`: each rule's mutation score per target (`specc test --mutate`)."""
    cells: dict[tuple[str, str], dict[str, Cell]] = field(default_factory=dict)
    rates: dict[tuple[str, str], EvalRate] = field(default_factory=dict)

    @classmethod
    def from_reports(cls, reports: dict[str, Any]) -> Status:
        """Return the status found in the build's reports (empty when there are none)."""
        found = cls()
        tests, evals = reports.get("tests"), reports.get("evals")
        if tests is not None or evals is not None:  # most builds have no report
            from specc.emitters.docs.reports import EvalsReport, TestsReport, load

            found.tests = load(TestsReport, tests)
            found.evals = load(EvalsReport, evals)
        found.passes = reports.get("passes")
        found.mutation = _mutation_report(reports.get("mutation"))
        if found.tests is not None:
            for spec_id, spec in found.tests.specs.items():
                for row in spec.rules:
                    found.cells[(spec_id, row.rule)] = row.targets
        if found.evals is not None:
            for rate in found.evals.rules:
                found.rates[(rate.spec, rate.rule)] = rate
        return found

    @property
    def present(self) -> bool:
        """Return whether any report was found."""
        return (
            self.tests is not None
            or self.evals is not None
            or self.mutation is not None
        )

    def badges(self, spec: ir.Spec, rule: str) -> list[Badge]:
        """Return a rule's badges: one per target, then the eval pass rate."""
        cells = self.cells.get((spec.id, rule), {})
        found = [_badge(t, cells[t]) for t in sorted(cells, key=_target_order)]
        rate = self.rates.get((spec.id, rule))
        if rate is not None and self.evals is not None:
            found.append(_eval_badge(rate, self.evals))
        return found

    def strength(self, spec: ir.Spec, rule: str) -> list[Badge]:
        """Return a rule's mutation-score badges, one per target that was mutated."""
        if self.mutation is None:
            return []
        spec_report = self.mutation["specs"].get(spec.id) or {}
        cells = (spec_report.get("rules") or {}).get(rule) or {}
        weak_below = self.mutation.get("weak_below", 0.8)
        found = []
        for target in sorted(cells, key=_target_order):
            cell = cells[target]
            score = cell.get("score") if isinstance(cell, dict) else None
            if not isinstance(score, (int, float)):
                continue
            found.append(_strength_badge(target, cell, score < weak_below))
        return found

    def weak(self, spec: ir.Spec, rule: str) -> list[Badge]:
        """Return the strength badges of the targets where the rule's score is weak."""
        return [b for b in self.strength(spec, rule) if b.status == "weak"]

    def changed(self, spec: ir.Spec, rule: str) -> list[str]:
        """Return the targets that passed the rule when it said something else."""
        section = spec.rule(rule)
        if section is None or not isinstance(self.passes, dict):
            return []
        from specc.drift import passed_digest, rule_digest

        now = rule_digest(spec, section)
        cells = self.cells.get((spec.id, rule), {})
        found = []
        for target in sorted(cells, key=_target_order):
            last = passed_digest(self.passes, spec.id, rule, target)
            if last is not None and last != now:
                found.append(target)
        return found


def _mutation_report(data: Any) -> Any:
    """Return `mutation.json` when it has the shape the site reads, else None."""
    if not isinstance(data, dict) or not isinstance(data.get("specs"), dict):
        return None
    return data


def _strength_badge(target: str, cell: dict[str, Any], weak: bool) -> Badge:
    detected = int(cell.get("killed", 0)) + int(cell.get("timed_out", 0))
    mutants = int(cell.get("mutants", 0))
    score = float(cell["score"])
    title = (
        f"mutation score on {target}: the examples detect {detected} of "
        f"{mutants} mutants of the code that serves this rule"
    )
    survivors = cell.get("survivors") or []
    if survivors and isinstance(survivors[0], dict):
        first = survivors[0]
        title += (
            f"\nsurvivor in {first.get('function')}, line {first.get('line')}:"
            f"\n- {first.get('before')}\n+ {first.get('after')}"
        )
    status = "weak" if weak else "strong"
    return Badge(target, status, f"{target} {score:.0%} killed", title)


def _badge(target: str, cell: Cell) -> Badge:
    total = cell.passed + cell.failed + cell.not_implemented
    counts = (
        f": {cell.passed} passed, {cell.failed} failed, "
        f"{cell.not_implemented} not implemented"
        if total
        else ""
    )
    title = f"{target}: {_WORDS.get(cell.status, cell.status)}{counts}"
    if cell.earlier:
        title += " (in an earlier run of specc test; not checked in the last)"
    if cell.message:
        title += f"\n{cell.message}"
    mark = _MARKS.get(cell.status, cell.status)
    if cell.status == "failed" and total:
        mark += f" {cell.failed}/{total}"
    return Badge(target, cell.status, f"{target} {mark}", title)


_MARKS = {
    "passed": "✓",
    "failed": "✗",
    "not_implemented": "todo",
    "no_examples": "–",
    "error": "not run",
}


def _target_order(target: str) -> tuple[int, str]:
    """Order badges as the matrix does: code targets, then docs, then the rest."""
    order = MATRIX_TARGETS
    return (order.index(target) if target in order else len(order), target)


def _eval_badge(rate: EvalRate, evals: EvalsReport) -> Badge:
    if rate.pass_rate is None:
        return Badge(
            "eval", "error", "eval –", f"no valid verdict ({rate.errors} errors)"
        )
    status = "passed" if rate.failed == 0 and rate.errors == 0 else "failed"
    graded = rate.passed + rate.failed
    title = (
        f"eval of {evals.model}, judged by {evals.judge}: {rate.passed}/{graded} "
        f"samples passed"
    )
    if rate.interval95:
        low, high = rate.interval95
        title += f", 95% interval {low:.0%}–{high:.0%}"
    if rate.errors:
        title += f", {rate.errors} without a valid verdict"
    return Badge("eval", status, f"eval {rate.pass_rate:.0%}", title)


@dataclass(frozen=True, eq=False, repr=False)
class Gap:
    """A rule on the coverage page, and why it is there."""

    page: str
    spec: ir.Spec
    rule: ir.Section
    detail: str


def coverage(status: Status, pages: list[Any]) -> dict[str, list[Gap]]:
    """Return the rules with a failing test, a change since they passed, one not
    implemented, no test, or no example; and apart, those with a weak mutation score."""
    found: dict[str, list[Gap]] = {
        "failing": [],
        "changed": [],
        "not_implemented": [],
        "no_test": [],
        "no_example": [],
        "weak": [],
    }
    for page in pages:
        for rule in page.spec.rules():
            kind, detail = _gap(status, page.spec, rule)
            if kind is not None:
                found[kind].append(Gap(page.file, page.spec, rule, detail))
            weak = status.weak(page.spec, rule.id or "")
            if weak:
                detail = "mutation score " + ", ".join(
                    b.text.removesuffix(" killed") for b in weak
                )
                found["weak"].append(Gap(page.file, page.spec, rule, detail))
    return found


def _gap(status: Status, spec: ir.Spec, rule: ir.Section) -> tuple[str | None, str]:
    """Return which list a rule belongs on, with a line saying why, or None."""
    cells = status.cells.get((spec.id, rule.id or ""), {})
    rate = status.rates.get((spec.id, rule.id or ""))
    failing = sorted(t for t, c in cells.items() if c.status == "failed")
    if rate is not None and (rate.failed or rate.errors):
        failing.append("eval")
    if failing:
        return "failing", "fails on " + ", ".join(failing)
    changed = status.changed(spec, rule.id or "")
    if changed:
        return "changed", "the rule changed since " + ", ".join(changed) + " passed it"
    todo = sorted(t for t, c in cells.items() if c.status == "not_implemented")
    if todo:
        return "not_implemented", "not implemented in " + ", ".join(todo)
    if not rule.examples and not rule.conversations:
        return "no_example", "no example and no conversation"
    tested = any(
        c.passed + c.failed + c.not_implemented
        for t, c in cells.items()
        if t in CODE_TARGETS
    )
    if rule.examples and not tested:
        return "no_test", f"{len(rule.examples)} examples, no target ran them"
    if rule.conversations and rate is None:
        n = len(rule.conversations)
        return "no_test", f"{plural(n, 'conversation')}, never evaluated"
    return None, ""
