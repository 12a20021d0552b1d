"""Example and property lines split as written: brackets count outside strings only."""

from __future__ import annotations

import pytest

from specc.frontend.example_text import call_end, check_start, split_example


@pytest.mark.parametrize(
    ("text", "function", "parts"),
    [
        ("f(1) == 2", "f", ("f(1)", "==", "2")),
        ('f("a)b", [1, (2)]) ~= 0.5', "f", ('f("a)b", [1, (2)])', "~=", "0.5")),
        (
            'f("say \\")", x) raises Oops{why: ")"}',
            "f",
            ('f("say \\")", x)', "raises", 'Oops{why: ")"}'),
        ),
        ('f("\\\\") == "\\\\"', "f", ('f("\\\\")', "==", '"\\\\"')),
        ("f(1) >= 2", "f", ("f(1) >= 2", "", "")),
        ("f(1", "f", ("f(1", "", "")),
        ("  f() == {}  ", "f", ("f()", "==", "{}")),
    ],
)
def test_split_example(text: str, function: str, parts: tuple[str, str, str]) -> None:
    assert split_example(text, function) == parts


def test_call_end_starts_where_told() -> None:
    assert call_end("g(h(1), 2) == 3") == len("g(h(1), 2)")
    assert call_end("(a) g(1)", 3) == len("(a) g(1)")
    assert call_end('f(")") ') == len('f(")")')
    assert call_end("f(") is None


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("forall x: int: f(x) == f(x)", " f(x) == f(x)"),
        ("forall m: map<string, int>: g(m) == {}", " g(m) == {}"),
        ('forall s: string where s != ":": h(s) == {a: ":"}', ' h(s) == {a: ":"}'),
        ('forall s: string: h(s) == "a\\":b"', ' h(s) == "a\\":b"'),
        ("no colon", "no colon"),
    ],
)
def test_check_start(text: str, check: str) -> None:
    assert text[check_start(text) :] == check
