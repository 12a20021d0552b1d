"""This round's emitter shortcuts give what the long way gives.

Each is compared with the way it replaced: string literals escaped by two
`replace` calls against the regular expression; the Rust layout's moved layouts
(a layout taken a block deeper rather than laid out again) against laying out
afresh; the boxed fields found by strongly connected parts against a search
from each field; the remembered Rust member names against the plain function.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import rust_layout_reference as reference
from hypothesis import given
from hypothesis import strategies as st
from spec_sets import every_spec
from test_rust_layout_engine import _expr

from specc import ir
from specc.emitters import code
from specc.emitters.rust import layout


def _regex_literal(text: str, braced: bool) -> str:
    """`code.string_literal` the long way: every character `_ESCAPED` finds replaced."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        point = ord(char)
        if char in code._SHORT_ESCAPES:
            return code._SHORT_ESCAPES[char]
        if braced and 0xD800 <= point <= 0xDFFF:
            return "\\u{fffd}"
        return f"\\u{{{point:x}}}" if braced else f"\\u{point:04x}"

    return '"' + code._ESCAPED.sub(escape, text) + '"'


_TEXT = (
    st.text(
        alphabet=st.sampled_from(
            list("ab \"\\'{}#\t\n\r\x00\x1f\x7f\x80\x9f é\u2028\u202e\ufeff\ud800日")
        )
    )
    | st.text()
)


@given(_TEXT, st.booleans())
def test_string_literals_escape_as_the_regular_expression_does(
    text: str, braced: bool
) -> None:
    """ASCII without controls takes two `replace` calls; anything else the long
    way: quotes, backslashes, C0, DEL, C1, separators, bidi, BOM, surrogates."""
    assert code.string_literal(text, braced) == _regex_literal(text, braced)


def test_string_literals_take_both_ways() -> None:
    """The fast way (printable ASCII) and the long way (a control, non-ASCII)."""
    for text in ['say "hi" \\ bye', "tab\there", "é", "\x7f", ""]:
        for braced in (False, True):
            assert code.string_literal(text, braced) == _regex_literal(text, braced)


# --- Rust layout: moved layouts ---------------------------------------------------


def _shifted_shapes(rng: random.Random) -> list[layout.Shape]:
    """Shapes a block deeper than a first one, 0 to 5 columns narrower (5: never
    taken from the first), and the first again."""
    width, indent = rng.randint(0, 110), rng.choice([0, 4, 8, 12, 40, 72, 76, 80, 84])
    first = layout.Shape(width, indent, rng.choice([0, 3]))
    deeper = [layout.Shape(max(0, width - d), indent + layout.TAB) for d in range(6)]
    return [first, *rng.sample(deeper, 3), first]


@pytest.mark.parametrize("seed", range(6))
def test_moved_layouts_are_what_laying_out_afresh_gives(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An expression laid out once and then a block deeper (up to a block
    narrower) in one statement's context, as `assign`'s second try does, gives
    what the plain port gives there; and lays out fewer lists and structs than
    with no layout kept movable (`MOVABLE_DEPTH` below every indent)."""
    laid_out = {True: 0, False: 0}
    for moving in (True, False):
        monkeypatch.setattr(layout, "MOVABLE_DEPTH", 80 if moving else -1)
        counted = _counting(laid_out, moving)
        try:
            rng = random.Random(300 + seed)
            for _ in range(250):
                expr = _expr(rng)
                ctx = layout._Context(rng.random() < 0.2)
                for shape in _shifted_shapes(rng):
                    got = layout.rewrite(expr, shape, ctx)
                    plain = reference._Context(ctx.inside_macro)
                    assert got == reference.rewrite(expr, shape, plain), layout.flat(
                        expr
                    )
        finally:
            counted.undo()
    assert laid_out[True] < laid_out[False] - 50, laid_out


def _counting(counts: dict[bool, int], key: bool) -> pytest.MonkeyPatch:
    """Count the lists and structs laid out (not taken moved) under ``key``."""
    patch = pytest.MonkeyPatch()
    for name in ("_list", "_struct"):
        plain = getattr(layout, name)

        def counted(*args: object, plain: object = plain) -> object:
            counts[key] += 1
            return plain(*args)  # type: ignore[operator]

        patch.setattr(layout, name, counted)
    return patch


def test_a_node_moved_in_one_statement_lays_out_afresh_in_the_next() -> None:
    """Movable layouts kept on shared nodes (scalars) serve later statements only
    in shapes a block deeper: every statement still gives the plain port's text."""
    rng = random.Random(11)
    shared = [_expr(rng, 2) for _ in range(20)]
    for _ in range(300):
        parts = tuple(rng.choice(shared) for _ in range(rng.randint(1, 4)))
        expr = layout.Struct("Rec", tuple((f"f{n}", p) for n, p in enumerate(parts)))
        indent = rng.choice([0, 4, 8, 12, 60, 80])
        lhs = rng.choice(["let got =", "let want =", "x" * rng.randint(1, 40)])
        assert layout.assign(lhs, expr, indent) == reference.assign(lhs, expr, indent)


# --- Rust facts: boxed fields -------------------------------------------------------


def _searched_cycles(facts: object) -> set[tuple[str, str, str]]:
    """`TypeFacts._cycles` the long way: a search from each field's inline types."""
    from specc.emitters.rust.model import _tagged_fields

    spec: ir.Spec = facts.spec  # type: ignore[attr-defined]
    direct = facts._direct  # type: ignore[attr-defined]
    edges = {
        t.name: {n for _, f in _tagged_fields(t) for n in direct(f.type)}
        for t in spec.types
    }

    def reaches(start: set[str], goal: str) -> bool:
        seen, todo = set(), list(start)
        while todo:
            name = todo.pop()
            if name == goal:
                return True
            if name not in seen:
                seen.add(name)
                todo.extend(edges.get(name, ()))
        return False

    return {
        (t.name, tag, f.name)
        for t in spec.types
        for tag, f in _tagged_fields(t)
        if reaches(direct(f.type), t.name)
    }


def test_boxed_fields_are_those_a_search_from_each_field_finds(
    tmp_path: Path,
) -> None:
    """Every spec of the examples, the project and hostile/: the same fields boxed
    (self-recursive records, mutual recursion through variants, optionals)."""
    from specc.emitters.rust.model import Names, TypeFacts

    boxed = 0
    for spec in every_spec(tmp_path):
        facts = TypeFacts(spec, Names(spec))
        assert facts._boxed == _searched_cycles(facts), spec.id
        boxed += len(facts._boxed)
    assert boxed > 0


@given(
    st.dictionaries(
        st.sampled_from("abcdefghij"),
        st.sets(st.sampled_from("abcdefghijxy")),
        max_size=10,
    )
)
def test_strong_parts_are_mutual_reachability(edges: dict[str, set[str]]) -> None:
    """Two nodes share a part exactly when each reaches the other (edges to
    nodes outside the graph, `x` and `y`, left out)."""
    from specc.emitters.rust.model import strong_parts

    def reach(start: str) -> set[str]:
        seen, todo = {start}, [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt in edges and nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    part = strong_parts(edges)
    assert set(part) == set(edges)
    reached = {n: reach(n) for n in edges}
    for a in edges:
        for b in edges:
            mutual = b in reached[a] and a in reached[b]
            assert (part[a] == part[b]) == mutual, (a, b)


@given(st.text(max_size=30))
def test_member_names_are_remembered_as_made(name: str) -> None:
    """The remembered `member_name` gives what the function itself gives."""
    from specc.emitters.rust.model import member_name

    assert member_name(name) == member_name.__wrapped__(name)


@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**20), 10**20))
def test_float_literals_are_what_the_character_scan_made(value: float) -> None:
    """`float_literal` tests `repr`'s text for `.`, `e` and `n` one by one, as the
    scan for any of `.eEn` did: integers, huge, tiny, negative zero, inf, nan."""
    text = repr(float(value))
    scanned = text if any(c in text for c in ".eEn") else text + ".0"
    assert code.float_literal(value) == scanned


def _looped_doc_lines(text: str) -> list[str]:
    """`comments.doc_lines` the long way: every text through the loop over lines."""
    from specc.emitters.rust.comments import _CONTROL, _LIST_ITEM

    lines: list[str] = []
    hang: int | None = None
    for raw in text.strip("\n").split("\n"):
        line = _CONTROL.sub(" ", raw.replace("\t", "    ")).rstrip()
        item = _LIST_ITEM.match(line)
        if not line.strip():
            hang = None
        elif item:
            hang = len(item.group(1)) + len(item.group(2)) + len(item.group(3))
        elif hang is not None:
            line = " " * hang + line.lstrip()
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


_DOC = (
    st.text(alphabet=st.sampled_from(list("ab -*1.)\t\n \x01\x7f\u2028\u202e")))
    | st.text()
)


@given(_DOC)
def test_rust_doc_lines_of_one_line_are_what_the_loop_makes(text: str) -> None:
    """One-line docs skip the loop: blank, controls, tabs, a list marker alone,
    leading and trailing newlines; longer ones take it, as before."""
    from specc.emitters.rust.comments import doc_lines

    assert doc_lines(text) == _looped_doc_lines(text)
