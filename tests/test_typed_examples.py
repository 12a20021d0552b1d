"""The typed walk over example lines (`check.typed`) against reading then checking.

Every spec is compiled twice, with the walk and with the lowerer's hook for it
removed, and must give the same IR (as JSON) and the same diagnostics; and the
walk must take the lines it is meant for, or it would only be slower.
"""

from __future__ import annotations

import random

import pytest

from specc.frontend.check import typed
from specc.frontend.compile import Compiled, compile_source
from specc.frontend.lower.document import Lowerer
from specc.records.models import dump_json

HEAD = """# Spec

## Rule {#r1}

The thing MUST work.

```specc
enum Kind { alpha, beta }
record Inner { n: int, s: string = "x", k: Kind? }
record Outer {
  id: int
  f: float
  ok: bool
  tags: list<string>
  inner: Inner?
  parts: list<Inner>
  extra: int = 7
  m: map<string, int> = {}
}
variant Shape { circle { r: float }, dot, square { side: int = 1 } }
type Name = string
error Oops { why: string }
fn f(o: Outer, n: int) -> list<string>
fn g(s: Shape, k: Kind) -> Name?
fn h(x: float) -> float raises Oops
fn b(x: bytes) -> map<string, int>
fn l(x: list<list<int>>) -> list<Kind>
```

```examples
"""

GOOD = [
    'f({id: 1, f: 2, ok: true, tags: ["a", "b"], inner: none, parts: []}, 0) == []',
    'f({id: -1, f: 2.5e3, ok: false, tags: [], inner: {n: 3}, parts: [{n: 1, s: "y", k: beta}, {n: 2}]}, 1) == ["x"]',
    '  f( {id:1,f:1.5,ok:true,tags:[],inner:null,parts:[],} , 2 ,) == [ "a" , ]  ',
    "g(circle{r: 1}, alpha) == none",
    'g(dot, beta) == "n"',
    "g(square, alpha) == none",
    'g(square{}, alpha) == "\\u00e9\\n"',
    'g(square{side: 4,}, beta) == "tab"\t\r',
    "h(1) == 2.50",
    "l([[1], [2, 3], [], [1]]) == [alpha, beta, alpha]",
    'f({id: 9223372036854775807, f: 0, ok: true, tags: ["\\"q\\""], inner: none, parts: []}, -9223372036854775808) == []',
]
BAD = [
    "f({id: 1}, 0) == []",
    "f({id: 1, f: 2, ok: true, tags: [], inner: none, parts: [], nope: 1}, 0) == []",
    "f({id: 1, f: 2, ok: true, tags: [], inner: none, parts: [], id: 2}, 0) == []",
    "f({id: 9223372036854775808, f: 2, ok: true, tags: [], inner: none, parts: []}, 0) == []",
    "f({id: 1, f: 1e999, ok: true, tags: [], inner: none, parts: []}, 0) == []",
    "f({id: 1, f: 2, ok: true, tags: [], inner: none, parts: []}, 0) == [] // note",
    "f({id: 1, f: 2, ok: true, tags: [], inner: none, parts: []}, 0) == [] # note",
    "f({id: 1, f: 2, ok: true, tags: [], inner: none, parts: []}, 0) ~= []",
    "f({id: 1, f: 2, ok: true, tags: [], inner: none, parts: []}, 0) == [] $",
    "f({id: 1, f: 2, ok: true, tags: [1], inner: none, parts: []}, 0) == []",
    "f({id: 1, f: 2, ok: true, tags: [], inner: Inner{n: 1}, parts: []}, 0) == []",
    'f({"id": 1}, 0) == []',
    "f({id: 1.5e, f: 2, ok: true, tags: [], inner: none, parts: []}, 0) == []",
    "f({id: 12abc, f: 2, ok: true, tags: [], inner: none, parts: []}, 0) == []",
    'f({id: 1, f: 2, ok: true, tags: ["\\q"], inner: none, parts: []}, 0) == []',
    'f({id: 1, f: 2, ok: true, tags: [], inner: none, parts: [], m: {"a": 1}}, 0) == []',
    "f({id: 1, f: 2, ok: yes, tags: [], inner: none, parts: []}, 0) == []",
    "f({true: 1}, 0) == []",
    "f({id: 1, f: 2, ok: true, tags: [], inner: none, parts: []}) == []",
    "f({id: 1, f: 2, ok: true, tags: [], inner: none, parts: []}, 1, 2) == []",
    "g(circle, alpha) == none",
    "g(triangle, alpha) == none",
    "g(dot, gamma) == none",
    "g(dot, alpha{}) == none",
    "g(dot{x: 1}, alpha) == none",
    "g(none, alpha) == none",
    'h(1.0) raises Oops{why: "x"}',
    "b([1, 2, 300]) == {}",
    'b([1]) == {"a": 1, "a": 2}',
    "nope(1) == 2",
    "forall x: int: h(x) == h(x)",
    "forall(1) == 2",
    "f(",
    "f({id: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}, 0) == []",
    "/// doc",
    "",
    "   ",
]


def _compile(
    lines: list[str], walk: bool, monkeypatch: pytest.MonkeyPatch, head: str = HEAD
) -> Compiled:
    text = head + "\n".join(lines) + "\n```\n"
    with monkeypatch.context() as patch:
        if not walk:
            patch.setattr(Lowerer, "examples_typed_as_read", False)
        return compile_source("t.spec.md", text.encode())


def _same(
    lines: list[str], monkeypatch: pytest.MonkeyPatch, head: str = HEAD
) -> Compiled:
    fast = _compile(lines, True, monkeypatch, head)
    slow = _compile(lines, False, monkeypatch, head)
    assert [(d.code, d.span, d.message, d.hint) for d in fast.diagnostics] == [
        (d.code, d.span, d.message, d.hint) for d in slow.diagnostics
    ]
    assert fast.spec is not None and slow.spec is not None
    assert dump_json(fast.spec) == dump_json(slow.spec)
    return fast


@pytest.mark.parametrize("line", GOOD + BAD)
def test_each_line_gives_what_reading_then_checking_gives(
    line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same([line], monkeypatch)


def test_mutated_lines_give_what_reading_then_checking_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(23)
    alphabet = ' ,:{}[]()"\\-.e1a_#/=~\t'
    lines = []
    for _ in range(400):
        chars = list(rng.choice(GOOD))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(chars) + 1)
            if rng.random() < 0.5 and at < len(chars):
                del chars[at]
            else:
                chars.insert(at, rng.choice(alphabet))
        lines.append("".join(chars))
    for start in range(0, len(lines), 50):
        _same(lines[start : start + 50], monkeypatch)


def test_the_walk_takes_the_lines_it_is_meant_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    taken = []
    walk = typed.TypedReader.example

    def counted(self: typed.TypedReader, *args: object) -> object:
        found = walk(self, *args)  # type: ignore[arg-type]
        taken.append(found is not None)
        return found

    monkeypatch.setattr(typed.TypedReader, "example", counted)
    compiled = _compile(GOOD + BAD, True, monkeypatch)
    assert taken[: len(GOOD)] == [True] * len(GOOD)
    assert [i for i, t in enumerate(taken[len(GOOD) :]) if t] == []
    assert compiled.spec is not None


def test_tokens_kept_from_earlier_lines_give_what_reading_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A field's or list's one-token values are kept by token (`_braces`, `_list`):
    a later line with the same tokens in other places reads as it would anew."""
    first = GOOD[1]
    hostile = [
        first.replace("k: beta", "k: beta{}"),
        first.replace("k: beta", "k: beta {n: 1}"),
        first.replace("ok: false", "ok: false{}"),
        first.replace("inner: {n: 3}", "inner: none{}"),
        first.replace('s: "y"', 's: "y"{'),
        first.replace('s: "y"', 's: "y"]'),
        first.replace('["x"]', '["x"{]'),
        first.replace('["x"]', '["x" "x"]'),
        first.replace("id: -1", "id: -1.0"),
        first.replace("f: 2.5e3", "f: 2.5e3e3"),
        first.replace("n: 3", "n: 3 3"),
        first.replace("k: beta", "s: beta"),
        first.replace("k: beta", "k: 3"),
        first.replace("n: 1", "k: 1"),
    ]
    _same([first, *hostile, first, *GOOD, *hostile], monkeypatch)


DEEP = """# Spec

## Rule {#r1}

```specc
record Node { n: int, tags: list<string>, next: Node? }
fn d(x: Node) -> int
```

```examples
"""


@pytest.mark.parametrize("levels", [30, 31, 32, 33, 34])
def test_tokens_kept_are_not_taken_past_the_nesting_limit(
    levels: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tokens kept at a shallow depth still give up where the value nests too deep."""
    shallow = 'd({n: 1, tags: ["a"], next: none}) == 1'
    value = "none"
    for _ in range(levels):
        value = '{n: 1, tags: ["a"], next: ' + value + "}"
    deep = f"d({value}) == 1"
    _same([shallow, deep, shallow], monkeypatch, DEEP)
    _same([deep, shallow, deep], monkeypatch, DEEP)


def test_giving_up_keeps_nothing_alive(monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk gives up by raising one exception instance: raised again and again,
    its traceback would grow with every line, keeping each compile's frames (and
    its reader, scope and declarations) alive for the life of the process."""
    _compile(GOOD + BAD + BAD, True, monkeypatch)
    assert typed._GIVE_UP.__traceback__ is None
