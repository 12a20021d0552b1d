"""Property examples (`forall` lines): read, typed like examples, kept in the IR."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from targets import CODE_TARGETS, CodeTarget, Edit, edited, fresh_copy, rust_env

from conftest import DATA, Built
from specc import ir
from specc.fmt.examples import format_examples
from specc.frontend.compile import compile_source
from specc.records.models import dump_json, validate

COUNTER = DATA / "properties" / "counter.spec.md"
HEAD = (
    "# P {#p}\n\nIt MUST hold.\n\n```specc\n"
    "record Version { major: int, minor: int, pre: string? }\n"
    "enum Part { major, minor }\nenum Order { less, equal, greater }\n"
    "error Bad { text: string }\n"
    "fn bump(v: Version, p: Part) -> Version\n"
    "fn compare(a: Version, b: Version) -> Order\n```\n\n```examples\n"
)
FIRST = HEAD.count("\n") + 1
"""The line of the first example."""


def compiled(*lines: str):  # type: ignore[no-untyped-def]
    """Return the result of compiling a spec whose examples block holds ``lines``."""
    text = HEAD + "\n".join(lines) + "\n```\n"
    return compile_source("p.spec.md", text.encode())


def errors(*lines: str) -> list[tuple[str, str, int, int]]:
    """Return the errors (code, message, line, col) of a spec with example ``lines``."""
    return [
        (d.code, d.message, d.span.line, d.span.col)
        for d in compiled(*lines).diagnostics
        if d.code.startswith("E")
    ]


def test_a_property_is_typed_into_the_ir() -> None:
    result = compiled(
        "bump({major: 1, minor: 2}, minor) == {major: 1, minor: 3}",
        "forall v: Version, p: Part where v != {major: 0, minor: 0}: "
        "compare(bump(v, p), v) == greater  # grows",
    )
    assert result.diagnostics == []
    [prop] = result.spec.properties()
    assert (prop.rule, prop.index) == ("p", 2)  # numbered with the examples
    assert prop.text.endswith("== greater") and "#" not in prop.text
    assert [(b.name, str(b.type)) for b in prop.bindings] == [
        ("v", "Version"),
        ("p", "Part"),
    ]
    [where] = prop.where
    assert where.op == "!=" and isinstance(where.left, ir.VarTerm)
    assert isinstance(where.right, ir.ValueTerm)
    assert where.right.value.kind == "record"
    call = prop.check.left
    assert isinstance(call, ir.CallTerm) and call.function == "compare"
    assert [type(a).__name__ for a in call.args] == ["CallTerm", "VarTerm"]
    assert isinstance(prop.check.right, ir.ValueTerm)
    assert (prop.span.line, prop.span.col) == (FIRST + 1, 1)


def test_variables_of_built_types_fit_parameters_of_the_same_types() -> None:
    """`list<int>` written twice is one type: a variable of it fits the parameter."""
    fn = "fn total(xs: list<int>, m: map<string, int?>) -> int\n"
    text = HEAD.replace("fn bump", fn + "fn bump") + (
        "total([1], {}) == 1\n"
        "forall xs: list<int>, m: map<string, int?>: total(xs, m) == total(xs, m)\n```\n"
    )
    result = compile_source("p.spec.md", text.encode())
    assert [d.code for d in result.diagnostics if d.code.startswith("E")] == []
    [prop] = result.spec.properties()
    call = prop.check.left
    assert isinstance(call, ir.CallTerm)
    assert [str(a.type) for a in call.args] == ["list<int>", "map<string, int?>"]


def test_a_call_of_a_function_whose_result_type_is_unknown_says_nothing_more() -> None:
    """The unknown type is reported where it is declared, once."""
    text = HEAD.replace("fn bump", "fn g(x: int) -> Nope\nfn bump") + (
        "forall x: int: g(x) == g(x)\n```\n"
    )
    result = compile_source("p.spec.md", text.encode())
    assert [(d.code, d.message) for d in result.diagnostics if d.code[0] == "E"] == [
        ("E042", "unknown type `Nope`")
    ]
    assert list(result.spec.properties()) == []  # not kept with a result of no type


def test_the_ir_json_holds_properties_and_meets_its_schema() -> None:
    spec = compile_source(COUNTER.name, COUNTER.read_bytes()).spec
    data = json.loads(dump_json(spec))
    jsonschema.validate(data, ir.json_schema())
    blocks = [
        b
        for s in data["sections"][0]["sections"]
        for b in s["content"]
        if b["kind"] == "examples"
    ]
    assert [len(b.get("properties", [])) for b in blocks] == [1, 0, 1]
    assert "properties" not in blocks[1]  # left out when there are none
    assert validate(ir.Spec, data) == spec


def test_a_call_of_a_function_called_forall_is_still_an_example() -> None:
    text = HEAD.replace("fn bump", "fn forall(n: int) -> int\nfn bump")
    result = compile_source("p.spec.md", (text + "forall(1) == 2\n```\n").encode())
    assert [e.function for e in result.spec.examples()] == ["forall"]
    assert list(result.spec.properties()) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "forall v: Versio: compare(v, v) == equal",
            ("E064", "unknown type `Versio` in `forall`", 11),
        ),
        (
            "forall v: Bad: compare(v, v) == equal",
            ("E064", "`Bad` is an error, not a type of values", 11),
        ),
        (
            "forall v: Version, v: Part: compare(v, v) == equal",
            ("E065", "the variable `v` is bound twice", 20),
        ),
        (
            "forall v: Version, p: Part: compar(bump(v, p), v) == equal",
            ("E051", "unknown function `compar`", 29),
        ),
        (
            "forall v: Version, p: Part: compare(bump(v), v) == equal",
            ("E052", "`bump` takes 2 arguments, this call gives 1", 37),
        ),
        (
            "forall v: Version, p: Part: compare(bump(p, p), v) == equal",
            ("E066", "`p` is Part, but Version is expected here", 42),
        ),
        (
            "forall v: Version: compare(v, v) == bump(v, major)",
            ("E066", "`bump(…)` is Version, but Order is expected here", 37),
        ),
        (
            "forall v: Version: compare(v, v) == 3",
            ("E053", "expected `Order`, found an integer 3", 37),
        ),
        (
            "forall v: Version: less == greater",
            ("E066", "both sides of the check are values", 28),
        ),
        (
            "forall v: Version compare(v, v) == equal",
            (
                "E050",
                "expected ',', 'where' or ':' after the variables, found 'compare'",
                19,
            ),
        ),
        (
            "forall v: list<int, int>: compare(v, v) == equal",
            ("E045", "`list` takes 1 type argument, not 2", 11),
        ),
        (
            "forall v: Version where v: compare(v, v) == equal",
            ("E050", "expected '==' or '!=', found ':'", 26),
        ),
        (  # only a name can be called: a literal ends the side
            "forall v: Version: compare(v, v) == 1(v)",
            ("E050", "expected the end of the property, found '('", 38),
        ),
    ],
)
def test_each_mistake_is_reported_where_it_is(
    line: str, expected: tuple[str, str, int]
) -> None:
    code, message, col = expected
    assert errors(line) == [(code, message, FIRST, col)]


def test_specc_fmt_lays_a_property_out_canonically() -> None:
    text = (
        "forall   v:Version ,p : Part?   where v!={major:1,minor:2} and "
        "p == none:compare( bump(v,major),v )==greater   # why\n"
    )
    assert format_examples(text) == (
        "forall v: Version, p: Part? where v != {major: 1, minor: 2} and "
        "p == none: compare(bump(v, major), v) == greater  # why\n"
    )


# --- generated property tests, run by each language's real toolchain ----------

#: A wrong `apply` that every example of counter.spec.md lets pass: an `up` step
#: adds at most 100. Only the property `apply #3` sees it.
CLAMPED = {
    "python": Edit(
        "counter.value + step.by if", "counter.value + min(step.by, 100) if"
    ),
    "ts": Edit(
        "counter.value + step.by : 0", "counter.value + Math.min(step.by, 100) : 0"
    ),
    "rust": Edit(
        "Step::Up { by } => counter.value + by,",
        "Step::Up { by } => counter.value + (*by).min(100),",
    ),
}
SHRUNK = (
    "counter-example (shrunk): c = {value: 0, steps: [], marks: {}, label: none}, "
    "s = up{by: 101}\nundo(apply(c, s)) == c: the left side is {value: -1, "
    "steps: [], marks: {}, label: none}, the right side {value: 0, steps: [], "
    "marks: {}, label: none}"
)


@pytest.fixture(scope="module", autouse=True)
def toolchains(shared_typescript: Path) -> Iterator[None]:
    """Give every runner its toolchain: the suite's tsc, one cargo target folder."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in rust_env().items():
            patch.setenv(key, value)
        yield


@pytest.fixture(
    scope="module",
    params=[t for t in CODE_TARGETS if t.name in CLAMPED],
    ids=lambda t: t.name,
)
def target(request: pytest.FixtureRequest) -> CodeTarget:
    """Return each code target whose property tests are generated."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def built(build_once, target: CodeTarget) -> Built:  # type: ignore[no-untyped-def]
    """Return counter.spec.md built for the target."""
    return build_once(target.name, COUNTER)  # type: ignore[no-any-return]


def run_counter(
    target: CodeTarget, built: Built, into: Path, *edits: Edit
) -> dict[tuple[str, int], tuple[str, str]]:
    """Implement a copy of the counter package by hand, edit it, run its tests."""
    from specc.conformance import runner

    package = fresh_copy(built.folder / "counter", into / target.name / "counter")
    impl = target.implementation(package, "counter")
    impl.write_text(edited(target.source("counter"), edits))
    results = runner(target.name)(
        into / target.name, built.specs["counter"], timeout=60
    )
    return {(r.rule, r.example): (r.status, r.message) for r in results}


def test_a_correct_implementation_passes_every_property(
    target: CodeTarget, built: Built, tmp_path: Path
) -> None:
    results = run_counter(target, built, tmp_path)
    assert len(results) == 10
    assert {status for status, _ in results.values()} == {"passed"}, results


def test_a_property_catches_what_every_example_lets_pass(
    target: CodeTarget, built: Built, tmp_path: Path
) -> None:
    """The wrong `apply` passes all eight examples; `apply #3` fails under its rule
    with the shrunk counter-example in the spec's syntax."""
    results = run_counter(target, built, tmp_path, CLAMPED[target.name])
    failed = {
        key: message for key, (status, message) in results.items() if status != "passed"
    }
    assert list(failed) == [("apply", 3)]
    assert SHRUNK in failed[("apply", 3)]
