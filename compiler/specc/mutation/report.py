"""Mutation scores per rule: `out/report/mutation.json`, the terminal table and the survivors.

A rule's score is the share of the mutants in the code that serves it that
its examples detect: (killed + timed out) / (killed + timed out + survived).
Mutants that do not compile are counted apart and never scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from specc.mutation.run import Mutation

REPORT_VERSION = 1
#: Below this score a rule is weak (the docs' coverage page lists it).
WEAK_BELOW = 0.8
#: Surviving mutants kept per rule and target in the report.
SURVIVORS_KEPT = 20


def rule_scores(run: Mutation) -> dict[str, dict[str, Any]]:
    """Return, per rule, the counts, the score and the surviving mutants of one run."""
    found: dict[str, dict[str, Any]] = {}
    for outcome in run.outcomes:
        for rule, verdict in outcome.rules.items():
            entry = found.setdefault(rule, _empty())
            entry["mutants"] += 1
            entry[verdict] += 1
            if verdict == "survived" and len(entry["survivors"]) < SURVIVORS_KEPT:
                before, after = outcome.mutant.diff(run.source)
                entry["survivors"].append(
                    {
                        "function": outcome.function,
                        "line": outcome.mutant.line,
                        "operator": outcome.mutant.operator,
                        "before": before,
                        "after": after,
                    }
                )
    unviable = [o for o in run.outcomes if o.unviable]
    for rule, entry in found.items():
        detected = entry["killed"] + entry["timed_out"]
        entry["score"] = (
            round(detected / entry["mutants"], 4) if entry["mutants"] else None
        )
        entry["unviable"] = sum(1 for o in unviable if _served(o, rule))
    return dict(sorted(found.items()))


def _served(outcome: Any, rule: str) -> bool:
    return True if not outcome.rules else rule in outcome.rules


def _empty() -> dict[str, Any]:
    return {"mutants": 0, "killed": 0, "survived": 0, "timed_out": 0, "survivors": []}


def report(runs: Iterable[Mutation], threshold: float = WEAK_BELOW) -> dict[str, Any]:
    """Return the report of one `specc test --mutate` run: per spec, rule and target."""
    specs: dict[str, Any] = {}
    for run in runs:
        spec = specs.setdefault(run.spec, {"rules": {}, "targets": {}})
        for rule, entry in rule_scores(run).items():
            spec["rules"].setdefault(rule, {})[run.target] = entry
        for rule in run.not_passing:
            spec["rules"].setdefault(rule, {})[run.target] = {"status": "not_passing"}
        spec["targets"][run.target] = {
            "implementation": run.path,
            "mutants": sum(1 for o in run.outcomes if not o.unviable),
            "unviable": sum(1 for o in run.outcomes if o.unviable),
            "unreached": run.unreached,
            "skipped": run.skipped,
            "cached": sum(1 for o in run.outcomes if o.cached),
        }
    return {"version": REPORT_VERSION, "weak_below": threshold, "specs": specs}


def record(out_dir: str | Path, found: dict[str, Any]) -> Path:
    """Merge a run's report into `out/report/mutation.json` (other specs and targets kept)."""
    from specc.reports import MUTATION, read_report, write_report

    old = read_report(out_dir, MUTATION)
    specs = {}
    if isinstance(old, dict) and old.get("version") == REPORT_VERSION:
        specs = {
            k: v for k, v in (old.get("specs") or {}).items() if isinstance(v, dict)
        }
    for spec_id, spec in found["specs"].items():
        merged = specs.get(spec_id) or {"rules": {}, "targets": {}}
        ran = set(spec["targets"])
        rules: dict[str, dict[str, Any]] = {}
        for rule, cells in (merged.get("rules") or {}).items():
            kept = {t: c for t, c in cells.items() if t not in ran}
            if kept:
                rules[rule] = kept
        for rule, cells in spec["rules"].items():
            rules.setdefault(rule, {}).update(cells)
        targets = {
            t: c for t, c in (merged.get("targets") or {}).items() if t not in ran
        }
        targets.update(spec["targets"])
        specs[spec_id] = {
            "rules": {r: dict(sorted(c.items())) for r, c in sorted(rules.items())},
            "targets": dict(sorted(targets.items())),
        }
    data = {**found, "specs": dict(sorted(specs.items()))}
    return write_report(out_dir, MUTATION, data)


def below(found: dict[str, Any], threshold: float) -> list[tuple[str, str, str, float]]:
    """Return (spec, rule, target, score) of every rule scored below ``threshold``."""
    weak = []
    for spec_id, spec in found["specs"].items():
        for rule, cells in spec["rules"].items():
            for target, cell in cells.items():
                score = cell.get("score")
                if score is not None and score < threshold:
                    weak.append((spec_id, rule, target, score))
    return weak


def score_text(cell: dict[str, Any] | None) -> str:
    """Return a cell as the terminal shows it: `83% 10/12`, `–`, `not passing`."""
    if not cell:
        return "–"
    if cell.get("status") == "not_passing":
        return "not passing"
    if cell.get("score") is None:
        return "–"
    detected = cell["killed"] + cell["timed_out"]
    return f"{cell['score']:.0%} {detected}/{cell['mutants']}"


def print_report(found: dict[str, Any], console: Any, examples: int = 3) -> None:
    """Print a rule × target table of scores per spec, then each rule's survivors."""
    from rich import box
    from rich.table import Table

    for spec_id, spec in found["specs"].items():
        targets = sorted(spec["targets"])
        table = Table(title=f"{spec_id}: mutation score", box=box.SIMPLE_HEAD)
        table.add_column("rule", no_wrap=True)
        for target in targets:
            table.add_column(target, no_wrap=True)
        for rule, cells in spec["rules"].items():
            table.add_row(rule, *(score_text(cells.get(t)) for t in targets))
        console.print(table)
        for rule, cells in spec["rules"].items():
            for target in targets:
                _print_survivors(console, rule, target, cells.get(target), examples)
        for target in targets:
            totals = spec["targets"][target]
            console.print(_totals_line(target, totals), highlight=False)


def _print_survivors(
    console: Any, rule: str, target: str, cell: dict[str, Any] | None, examples: int
) -> None:
    if not cell or not cell.get("survived"):
        return
    count = cell["survived"]
    noun = "survivor" if count == 1 else "survivors"
    console.print(f"rule `{rule}` ({target}): {count} {noun}, e.g.", highlight=False)
    for survivor in cell["survivors"][:examples]:
        where = f"{survivor['function']}, line {survivor['line']}"
        console.print(f"  {where} ({survivor['operator']}):", highlight=False)
        console.print(
            f"    - {survivor['before']}", style="red", highlight=False, soft_wrap=True
        )
        console.print(
            f"    + {survivor['after']}", style="green", highlight=False, soft_wrap=True
        )


def _totals_line(target: str, totals: dict[str, Any]) -> str:
    parts = [f"{totals['mutants']} mutants run"]
    for key, words in (
        ("cached", "from the cache"),
        ("unviable", "did not compile"),
        ("unreached", "in code no example reaches"),
        ("skipped", "left out by --max-mutants"),
    ):
        if totals.get(key):
            parts.append(f"{totals[key]} {words}")
    return f"{target}: " + ", ".join(parts)


def passing_rules(
    results: Sequence[tuple[str, Any]], target: str, spec: str
) -> set[str]:
    """Return the rules of a spec every example of which passed on ``target``."""
    statuses: dict[str, set[str]] = {}
    for name, result in results:
        if name == target and result.spec == spec:
            statuses.setdefault(result.rule, set()).add(result.status)
    return {rule for rule, found in statuses.items() if found == {"passed"}}
