"""One verification report per rule: conformance results folded into a rule × target matrix.

`specc test` makes it from the results of every target it ran and keeps it in
`out/report/tests.json`, merged with what earlier runs found for other targets
and specs; the docs site shows it as a badge per rule per target.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from specc import ir
from specc.conformance import SPEC_WIDE
from specc.drift import rule_digest
from specc.targets import CODE_TARGETS, MATRIX_TARGETS
from specc.toolchain import ToolchainError

if TYPE_CHECKING:
    from specc.conformance import Result

REPORT_VERSION = 1

CellStatus = Literal["passed", "failed", "not_implemented", "no_examples", "error"]
LABELS: dict[str, str] = {
    "passed": "passed",
    "failed": "failed",
    "not_implemented": "not implemented",
    "no_examples": "no examples",
    "error": "not run",
}


def applies(target: str, spec: ir.Spec) -> bool:
    """Return whether a target has anything to test in a spec."""
    if target in CODE_TARGETS:
        return any(True for _ in spec.examples())
    return True


def matrix(
    specs: Sequence[ir.Spec],
    targets: Sequence[str],
    results: Iterable[tuple[str, Result]],
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Return the report of one run from (target, result) pairs: a cell per rule and target."""
    grouped: dict[tuple[str, str, str], list[Result]] = defaultdict(list)
    for target, result in results:
        grouped[(result.spec, result.rule, target)].append(result)
    report: dict[str, Any] = {"version": REPORT_VERSION, "specs": {}}
    for spec in specs:
        rules = []
        for rule in spec.rules():
            assert rule.id is not None
            cells = {
                t: _cell(spec, rule, t, grouped, (errors or {}).get(t)) for t in targets
            }
            rules.append({**_row(rule, cells), "digest": rule_digest(spec, rule)})
        report["specs"][spec.id] = {"title": spec.title, "rules": rules}
    return report


def _row(rule: ir.Section, cells: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "rule": rule.id,
        "title": rule.title,
        "examples": len(rule.examples),
        "conversations": len(rule.conversations),
        "targets": cells,
    }


def _cell(
    spec: ir.Spec,
    rule: ir.Section,
    target: str,
    grouped: dict[tuple[str, str, str], list[Result]],
    error: str | None,
) -> dict[str, Any]:
    """Return one rule's cell for one target."""
    if error is not None:
        return {"status": "error", "message": error}
    found = list(grouped.get((spec.id, rule.id or "", target), []))
    wide = grouped.get((spec.id, SPEC_WIDE, target), [])
    if wide and rule.examples and target in CODE_TARGETS:
        # The package did not build: every example of the rule failed with it.
        count = len(rule.examples)
        message = wide[0].message[:500]
        return {**_counts(0, count, 0), "status": "failed", "message": message}
    if not found:
        return {"status": "no_examples"}
    counts = {s: sum(r.status == s for r in found) for s in _RESULT_STATUSES}
    status: CellStatus = next(
        (s for s in ("failed", "not_implemented") if counts[s]), "passed"
    )
    cell: dict[str, Any] = {"status": status, **counts}
    failure = next((r.message for r in found if r.status == "failed"), None)
    if failure:
        cell["message"] = failure[:500]
    return cell


_RESULT_STATUSES = ("passed", "failed", "not_implemented")


def _counts(passed: int, failed: int, not_implemented: int) -> dict[str, int]:
    return {"passed": passed, "failed": failed, "not_implemented": not_implemented}


def run_targets(
    targets: Sequence[str],
    specs: Sequence[ir.Spec],
    out_dir: str | Path,
    timeout: float = 10.0,
    settings: dict[str, dict[str, Any]] | None = None,
) -> tuple[list[tuple[str, Result]], dict[str, str]]:
    """Run each target's conformance runner on the specs it applies to.

    Each example may take ``timeout`` seconds; ``settings`` holds more
    keyword arguments of a target's runner (`python` for the Python target).
    Return (target, result) pairs, and the targets whose toolchain could not run.
    """
    from specc import conformance

    tagged: list[tuple[str, Result]] = []
    errors: dict[str, str] = {}
    with conformance.one_run():  # a package the specs share is compiled once
        for name in targets:
            try:
                run = conformance.runner(name)
                for spec in specs:
                    if applies(name, spec):
                        extra = (settings or {}).get(name, {})
                        found = run(
                            Path(out_dir) / name, spec, timeout=timeout, **extra
                        )
                        tagged += [(name, r) for r in found]
            except ToolchainError as error:
                errors[name] = str(error)
    return tagged, errors


def record(out_dir: str | Path, report: dict[str, Any], targets: Sequence[str]) -> Path:
    """Merge a run's report into `out/report/tests.json` and return its path.

    The digest of each rule a target passed goes into `passes.json`, which
    `specc status` compares with the spec as it is later.
    """
    from specc.drift import record_passes
    from specc.reports import PASSES, TESTS, read_report, write_report

    passes = record_passes(read_report(out_dir, PASSES), report, targets)
    write_report(out_dir, PASSES, passes)
    merged = merge(read_report(out_dir, TESTS), report, targets)
    return write_report(out_dir, TESTS, merged)


def merge(old: Any, new: dict[str, Any], targets: Sequence[str]) -> dict[str, Any]:
    """Return ``new`` with the cells of other targets kept from ``old`` (and other specs).

    A kept cell is marked `"earlier": true`: this run did not check it. ``new``
    itself is left as it is, so the run's own matrix shows only its targets.
    """
    import copy

    new = copy.deepcopy(new)
    if not isinstance(old, dict) or old.get("version") != REPORT_VERSION:
        return new
    specs = dict(old.get("specs") or {})
    for spec_id, spec in new["specs"].items():
        earlier = {
            r.get("rule"): r.get("targets", {})
            for r in (specs.get(spec_id) or {}).get("rules", [])
            if isinstance(r, dict)
        }
        for row in spec["rules"]:
            kept = {
                t: {**c, "earlier": True}
                for t, c in (earlier.get(row["rule"]) or {}).items()
                if t not in targets and isinstance(c, dict)
            }
            row["targets"] = dict(sorted({**kept, **row["targets"]}.items()))
        specs[spec_id] = spec
    return {"version": REPORT_VERSION, "specs": dict(sorted(specs.items()))}


def report_targets(report: dict[str, Any]) -> list[str]:
    """Return every target a report has a cell for, code targets first."""
    found = {
        t for s in report["specs"].values() for r in s["rules"] for t in r["targets"]
    }
    order = list(MATRIX_TARGETS)
    return sorted(
        found, key=lambda t: (order.index(t) if t in order else len(order), t)
    )


def summary(report: dict[str, Any]) -> dict[str, int]:
    """Count cells by status over the whole report."""
    counts = dict.fromkeys(LABELS, 0)
    for spec in report["specs"].values():
        for row in spec["rules"]:
            for cell in row["targets"].values():
                counts[cell["status"]] += 1
    return counts


_SHORT = {
    "passed": ("pass", "green"),
    "failed": ("FAIL", "red"),
    "not_implemented": ("todo", "yellow"),
    "no_examples": ("–", "dim"),
    "error": ("not run", "magenta"),
}


def cell_text(cell: dict[str, Any]) -> str:
    """Return a cell as the terminal shows it: `pass 3`, `FAIL 1/3`, `todo 2`, `–`."""
    status = cell["status"]
    word = _SHORT[status][0]
    total = sum(cell.get(s, 0) for s in _RESULT_STATUSES)
    if status == "failed":
        return f"{word} {cell['failed']}/{total}"
    if status in ("passed", "not_implemented"):
        return f"{word} {cell[status]}" if total > 1 else word
    return word


def print_matrix(report: dict[str, Any], console: Any) -> None:
    """Print a rule × target table per spec, then a count of cells by status."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    targets = report_targets(report)
    for spec_id, spec in report["specs"].items():
        table = Table(title=f"{spec_id}: {spec['title']}", box=box.SIMPLE_HEAD)
        table.add_column("rule", no_wrap=True)
        for target in targets:
            table.add_column(target, no_wrap=True)
        for row in spec["rules"]:
            cells = [row["targets"].get(t, {"status": "no_examples"}) for t in targets]
            table.add_row(
                row["rule"],
                *(Text(cell_text(c), style=_SHORT[c["status"]][1]) for c in cells),
            )
        console.print(table)
    counts = summary(report)
    console.print(
        f"{sum(counts.values())} cells: "
        + ", ".join(f"{n} {LABELS[s]}" for s, n in counts.items()),
        highlight=False,
    )
