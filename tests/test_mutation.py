"""`specc test --mutate`: per-rule mutation scores of hand-written implementations.

The project's semver spec has correct implementations in TypeScript, Python and
Rust (tests/impls/). Mutating each must score every tested rule, cache what
it ran, and show which behaviour no example pins: the Python `bump` keeps a
surviving mutant (`minor == 0 and patch == 0` → `or`) until one more example
pins it, and then the rule's score rises.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from impls.breakages import SEMVER_DESTINATIONS, implementation

from conftest import ROOT
from specc.mutation.definitions import definitions, reach
from specc.mutation.lexer import tokens
from specc.mutation.operators import mutants

SPEC = ROOT / "specs" / "semver.spec.md"
DESTINATIONS = SEMVER_DESTINATIONS
PINNING_EXAMPLE = (
    'bump({major: 1, minor: 2, patch: 0, pre: "rc.1"}, major) '
    "== {major: 2, minor: 0, patch: 0}"
)


def mutated_lines(source: str, language: str) -> set[tuple[str, str]]:
    """Return (before, after) of every mutant of a source, line by line."""
    found = definitions(source, language)  # type: ignore[arg-type]
    return {m.diff(source) for m in mutants(source, language, found)}  # type: ignore[arg-type]


def test_strings_comments_and_regular_expressions_are_never_mutated() -> None:
    source = (
        "function f(a: number): boolean {\n"
        '  const s = "1 + 2 < 3"; // 4 - 5\n'
        "  const r = /^[0-9]+$/;\n"
        "  const t = `${a + 1}`;\n"
        "  return r.test(s) && a > 0;\n"
        "}\n"
    )
    changed = {after for _, after in mutated_lines(source, "ts")}
    strings = [t.text for t in tokens(source, "ts") if t.kind == "string"]
    assert strings == ['"1 + 2 < 3"', "/^[0-9]+$/", "`${a + 1}`"]
    assert all('"1 + 2 < 3"' in line for line in changed if "const s" in line)
    assert "return r.test(s) || a > 0;" in changed
    assert "return r.test(s) && a >= 0;" in changed
    assert "return r.test(s) && a > 1;" in changed
    assert not any("/^[0-9]-$/" in line or "[1-9]" in line for line in changed)


def test_generic_brackets_macros_and_closures_stay_as_they_are() -> None:
    source = (
        "fn f(x: &[i64]) -> Option<Vec<i64>> {\n"
        "    let v: Vec<i64> = x.iter().map(|n| n + 1).collect();\n"
        '    if !v.is_empty() { println!("{}", v.len()); }\n'
        "    Some(v).filter(|_| x.len() < 3)\n"
        "}\n"
    )
    lines = mutated_lines(source, "rust")
    afters = {after for _, after in lines}
    assert "let v: Vec<i64> = x.iter().map(|n| n - 1).collect();" in afters
    assert 'if v.is_empty() { println!("{}", v.len()); }' in afters
    assert "Some(v).filter(|_| x.len() <= 3)" in afters
    assert not any("Vec<=" in a or "Option<=" in a or "i64>=" in a for a in afters)
    assert not any("println(" in a for a in afters)
    assert "fn f(x: &[i64]) -> Option<Vec<i64>> { None }" in afters


def test_python_keeps_not_in_and_is_not_whole() -> None:
    source = (
        "def f(a, b):\n"
        "    if a not in b and b is not None:\n"
        "        return -1\n"
        "    return a // 2\n"
    )
    afters = {after for _, after in mutated_lines(source, "python")}
    assert "if a not in b or b is not None:" in afters
    assert "if a not in b and b is None:" in afters
    assert "return a * 2" in afters
    assert "return -2" in afters
    assert not any("a in b" in a and "not in" not in a for a in afters)


@pytest.mark.parametrize("language", sorted(DESTINATIONS))
def test_helpers_serve_every_operation_that_reaches_them(language: str) -> None:
    source = implementation(language, "semver")
    found = definitions(source, language)  # type: ignore[arg-type]
    reached = reach(found, ["parse", "compare", "bump", "newest"])
    served = {found[i].name.strip("_"): sorted(ops) for i, ops in reached.items()}
    assert served["order"] == ["compare", "newest"]
    assert served["bump"] == ["bump"]
    assert "parse" not in served["order"]


def build(cli, folder: Path, targets: str) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """Copy the semver spec, build it and implement it; return (spec, out)."""
    spec = folder / "semver.spec.md"
    shutil.copy(SPEC, spec)
    out = folder / "out"
    done = cli("build", str(spec), "--target", targets, "--out", str(out))
    assert done.exit_code == 0, done.output
    for target in targets.split(","):
        (out / DESTINATIONS[target]).write_text(implementation(target, "semver"))
    return spec, out


@pytest.mark.slow
@pytest.mark.parametrize("target", sorted(DESTINATIONS))
def test_mutate_scores_every_tested_rule_and_caches_what_it_ran(
    cli,
    tmp_path: Path,
    shared_typescript: Path,
    monkeypatch: pytest.MonkeyPatch,
    target: str,
) -> None:
    monkeypatch.setattr("specc.mutation.run.cache_dir", lambda: tmp_path / "cache")
    spec, out = build(cli, tmp_path, target)
    args = ["test", str(spec), "--target", target, "--out", str(out), "--mutate"]
    args += ["--max-mutants", "12", "--workers", "2", "--format", "json"]
    done = cli(*args)
    assert done.exit_code == 0, done.output
    found = json.loads(done.stdout)["mutation"]["specs"]["semver"]
    totals = found["targets"][target]
    assert totals["mutants"] + totals["unviable"] == 12
    assert totals["skipped"] > 0 and totals["cached"] == 0
    for rule, cells in found["rules"].items():
        cell = cells[target]
        detected = cell["killed"] + cell["timed_out"]
        assert cell["mutants"] == detected + cell["survived"], rule
        assert cell["score"] == round(detected / cell["mutants"], 4)
    assert set(found["rules"]) <= {"parse", "compare", "bump", "newest"}
    kept = json.loads((out / "report" / "mutation.json").read_text())
    assert kept["specs"]["semver"]["rules"] == found["rules"]

    again = json.loads(cli(*args).stdout)["mutation"]["specs"]["semver"]
    assert again["targets"][target]["cached"] == 12
    assert again["rules"] == found["rules"]


def test_min_score_fails_the_run_and_names_the_weak_rules(cli, tmp_path: Path) -> None:
    spec, out = build(cli, tmp_path, "python")
    args = ["test", str(spec), "--target", "python", "--out", str(out), "--mutate"]
    done = cli(*args, "--max-mutants", "20", "--min-score", "1")
    assert done.exit_code == 1
    assert "mutation score" in done.stderr and "below --min-score 100%" in done.stderr
    assert "semver: mutation score" in done.stdout
    assert "survivor" in done.stdout
    done = cli(*args, "--max-mutants", "20", "--min-score", "0")
    assert done.exit_code == 0, done.output


def test_one_more_example_kills_a_survivor_and_raises_the_rule_score(
    cli, tmp_path: Path
) -> None:
    from specc.frontend.compile import compile_file
    from specc.mutation.report import rule_scores
    from specc.mutation.run import mutate

    spec, out = build(cli, tmp_path, "python")
    package = out / "python" / "semver"

    def bump_score() -> dict:
        compiled = compile_file(spec).spec
        run = mutate("python", package, compiled, {"bump"}, workers=2)
        return rule_scores(run)["bump"]

    before = bump_score()
    survivors = {(s["before"], s["after"]) for s in before["survivors"]}
    assert (
        "zero = minor == 0 and patch == 0",
        "zero = minor == 0 or patch == 0",
    ) in survivors
    text = spec.read_text()
    last = 'bump({major: 1, minor: 2, patch: 3, build: "b.1"}, patch)'
    spec.write_text(text.replace(last, PINNING_EXAMPLE + "\n" + last))
    done = cli("build", str(spec), "--target", "python", "--out", str(out))
    assert done.exit_code == 0, done.output

    after = bump_score()
    assert after["mutants"] == before["mutants"]
    assert after["survived"] == before["survived"] - 1
    assert after["score"] > before["score"]


def test_docs_show_strength_badges_and_list_weak_rules(tmp_path: Path) -> None:
    from specc.build.driver import build as run_build
    from specc.reports import MUTATION, write_report

    out = tmp_path / "out"
    survivor = {
        "function": "_order",
        "line": 40,
        "operator": "comparison",
        "before": "if x != y:",
        "after": "if x == y:",
    }
    cells = {
        "compare": {"python": _cell(33, 29, [survivor])},
        "bump": {"python": _cell(27, 27, [])},
        "newest": {"python": {"status": "not_passing"}},
    }
    report = {"version": 1, "weak_below": 0.9, "specs": {"semver": {"rules": cells}}}
    write_report(out, MUTATION, {**report, "targets": {}})
    assert run_build([str(SPEC)], ["docs"], out).ok
    page = (out / "docs" / "coverage.html").read_text("utf-8")
    assert "Weak examples (mutation score below 90%)" in page
    weak = page.split('id="coverage/weak"')[1].split("</section>")[0]
    assert [r for r in ("compare", "bump", "newest") if f'data-rule="{r}"' in weak] == [
        "compare"
    ]
    assert "mutation score python 88%" in weak
    spec_page = (out / "docs" / "semver.html").read_text("utf-8")
    assert 'class="badge mutation mutation-weak"' in spec_page
    assert ">python 88% killed</a>" in spec_page
    assert ">python 100% killed</a>" in spec_page
    assert "survivor in _order, line 40:\n- if x != y:\n+ if x == y:" in spec_page


def _cell(mutants: int, killed: int, survivors: list[dict]) -> dict:
    score = round(killed / mutants, 4)
    return {
        "mutants": mutants,
        "killed": killed,
        "timed_out": 0,
        "survived": mutants - killed,
        "score": score,
        "survivors": survivors,
    }
