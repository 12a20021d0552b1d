"""Issue 10's acceptance test: one spec, three languages, exact value semantics.

`tally.spec.md` has plain and nested `int`, `float` and `bool` fields, an
error with two fields, and an operation that must leave its argument alone.
A correct hand-written implementation passes in TypeScript, Python and Rust;
each fault an implementation can make in a language is caught under the rule
it breaks: a bool for an int, a float for an int, an argument edited in
place, two error fields swapped, an endless loop (which times out while the
other examples still report), an int that is off inside a `~=` example (ints
compare exactly there too; floats within the tolerance). `return -x` for
`negate(0) == 0` (a `-0` in TypeScript) passes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DATA, ROOT

SPEC = DATA / "value_semantics" / "tally.spec.md"
IMPLS = ROOT / "tests" / "impls"
SOURCES = {
    "python": ("tally.py", "python/tally/src/tally/implementation.py"),
    "ts": ("tally.ts", "ts/tally/src/impl.ts"),
    "rust": ("tally.rs", "rust/tally/src/implementation.rs"),
}

#: Per language, the faults written into one broken implementation: (correct
#: text, wrong text). Each sits in a different operation, so each rule shows
#: its own fault.
FAULTS: dict[str, list[tuple[str, str]]] = {
    "python": [
        ("return len(values)\n", "return len(values) == 1\n"),  # a bool for an int
        ("inner=Inner(total=total,", "inner=Inner(total=float(total),"),  # nested float
        ("return x // 2\n", "return x // 2 * 1.0\n"),  # a float for an int
        ("return sorted(values)\n", "values.sort()\n        return values\n"),
        (
            "raise Overdraft(wanted=amount, available=balance)",
            "raise Overdraft(wanted=balance, available=amount)",
        ),
        ("return -x\n", "while x == 3:\n            pass\n        return -x\n"),
        ("Sum(total=total,", "Sum(total=total + (total > 1000),"),  # int off by one
    ],
    "ts": [
        (
            "return values.length;",
            "return (values.length === 1) as unknown as number;",
        ),  # a bool for an int, past the type checker
        (
            "inner: { total, ratio",
            "inner: { total: (total > 0) as unknown as number, ratio",
        ),  # a nested bool for an int
        (
            "return [...values].sort((a, b) => a - b);",
            "return values.sort((a, b) => a - b);",
        ),
        (
            "{ wanted: amount, available: balance }",
            "{ wanted: balance, available: amount }",
        ),
        ("    return -x;", "    while (x === 3) {}\n    return -x;"),
        (
            "return { total, mean",
            "return { total: total === -1 ? -1.0000000000000002 : total > 1000 ? "
            "total + 1 : total, mean",
        ),  # an int a float's rounding away, or off by one, inside `~=`
    ],
    "rust": [
        (
            "Overdraft { wanted: amount, available: balance }",
            "Overdraft { wanted: balance, available: amount }",
        ),
        ("        -x\n", "        while x == 3 {}\n        -x\n"),
        ("Sum { total, mean", "Sum { total: total + (total > 1000) as i64, mean"),
    ],
}

#: (rule, example) -> a piece of the message it must fail with, per language.
CAUGHT: dict[str, dict[tuple[str, int], str]] = {
    "python": {
        ("count", 1): "expected int 1, got bool True",
        ("count", 2): "expected int 0, got bool False",
        ("stats", 0): 'Argument "total" to "Inner" has incompatible type "float"',
        ("stats", 1): "result.inner.total: expected int 6, got float 6.0",
        ("stats", 2): "result.inner.total: expected int -1, got float -1.0",
        ("halve", 0): 'Incompatible return value type (got "float", expected "int")',
        ("halve", 1): "expected int 2, got float 2.0",
        ("halve", 2): "expected int 4, got float 4.0",
        ("negate", 2): "timed out after 2 s",
        ("sorted_copy", 1): "argument `values` was changed in place",
        ("withdraw", 2): "error.wanted: expected int 7, got int 5",
        ("sum", 1): "result.total: expected int 3000000, got int 3000001",
    },
    "ts": {
        ("count", 1): "true !== 1",
        ("count", 2): "false !== 0",
        ("stats", 1): "+     total: true\n-     total: 6\n",
        ("stats", 2): "+     total: false\n-     total: -1\n",
        ("negate", 2): "timed out after 2 s",
        ("sorted_copy", 1): "argument `values` was changed in place",
        # the field, then both values: what it holds, what the example says
        ("withdraw", 2): (
            "Overdraft.wanted differs\nExpected values to be strictly deep-equal:"
            "\n\n5 !== 7"
        ),
        ("sum", 1): '"total":3000001',
        ("sum", 3): '"total":-1.0000000000000002',
    },
    "rust": {
        ("negate", 2): "timed out after 2 s",
        ("withdraw", 2): "field `wanted`: expected 7, got 5",
        ("sum", 1): "total: 3000001",
    },
}


def run(
    cli, folder: Path, target: str, faults: list[tuple[str, str]], *extra: str
) -> tuple[int, dict[tuple[str, int], dict]]:  # type: ignore[no-untyped-def]
    """Build tally for ``target``, implement it with ``faults``, run `specc test`."""
    out = folder / "out"
    done = cli("build", str(SPEC), "--target", target, "--out", str(out))
    assert done.exit_code == 0, done.output
    name, destination = SOURCES[target]
    source = (IMPLS / target / name).read_text()
    for correct, wrong in faults:
        assert source.count(correct) == 1, correct
        source = source.replace(correct, wrong)
    (out / destination).write_text(source)
    done = cli(
        "test", str(SPEC), "--target", target, "--out", str(out),
        "--format", "json", *extra,
    )  # fmt: skip
    rows = json.loads(done.stdout)["results"]
    return done.exit_code, {(r["rule"], r["example"]): r for r in rows}


@pytest.mark.parametrize("target", sorted(SOURCES))
def test_a_correct_implementation_passes_every_example(
    cli, tmp_path: Path, target: str
) -> None:
    """The hand-written implementation passes in each language; `-x` of 0 is 0."""
    code, rows = run(cli, tmp_path, target, [])
    failing = {k: r["message"] for k, r in rows.items() if r["status"] != "passed"}
    assert failing == {}
    assert len(rows) == 14 and rows["negate", 1]["status"] == "passed"
    assert code == 0


@pytest.mark.parametrize("target", sorted(SOURCES))
def test_each_fault_is_caught_under_the_rule_it_breaks(
    cli, tmp_path: Path, target: str
) -> None:
    """Bool or float for an int, in-place edits, swapped error fields, endless loops."""
    code, rows = run(cli, tmp_path, target, FAULTS[target], "--timeout", "2")
    assert code == 1
    failed = {k: r["message"] for k, r in rows.items() if r["status"] == "failed"}
    assert sorted(failed) == sorted(CAUGHT[target])
    for key, piece in CAUGHT[target].items():
        assert piece in failed[key], (key, failed[key])
    passed = {k for k, r in rows.items() if r["status"] == "passed"}
    assert ("negate", 1) in passed and ("withdraw", 1) in passed  # the rest report
    assert passed == set(rows) - set(failed)


def test_rust_refuses_a_bool_or_a_float_for_an_int_when_compiling(
    cli, tmp_path: Path
) -> None:
    """In Rust the type checker catches them: one failure for the spec, with E0308."""
    faults = [
        ("values.len() as i64\n", "values.len() == 1\n"),
        ("x.div_euclid(2)\n", "x as f64 / 2.0\n"),
    ]
    code, rows = run(cli, tmp_path, "rust", faults)
    assert code == 1
    [(key, row)] = rows.items()
    assert key == ("(spec)", 0) and row["covers"] == 14
    assert "error[E0308]: mismatched types" in row["message"]
