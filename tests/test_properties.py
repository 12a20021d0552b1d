"""Property examples (`forall` lines): read, typed like examples, kept in the IR."""

from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import DATA
from specc import ir
from specc.fmt.examples import format_examples
from specc.frontend.compile import compile_source

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


def test_the_ir_json_holds_properties_and_meets_its_schema() -> None:
    spec = compile_source(COUNTER.name, COUNTER.read_bytes()).spec
    data = json.loads(spec.model_dump_json())
    jsonschema.validate(data, ir.json_schema())
    blocks = [
        b
        for s in data["sections"][0]["sections"]
        for b in s["content"]
        if b["kind"] == "examples"
    ]
    assert [len(b.get("properties", [])) for b in blocks] == [1, 0, 1]
    assert "properties" not in blocks[1]  # left out when there are none
    assert ir.Spec.model_validate(data) == spec


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
