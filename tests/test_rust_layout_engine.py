"""The Rust layout engine against the plain port it replaced (tests/rust_layout_reference.py).

`specc.emitters.rust.layout` takes shortcuts the plain port does not (items
that fit nowhere end a list at once, the last item's nested layout is reused
rather than asked again, one function per list instead of an object): every
one must give the same text. These tests lay out thousands of random values,
at random indents and in random shapes, with both engines and compare them
(rustfmt itself is compared with in test_rust_target.py).
"""

from __future__ import annotations

import random

import pytest
import rust_layout_reference as reference

from specc.emitters.rust import layout

_NAMES = (
    "Some",
    "Box::new",
    "String::from",
    "BTreeMap::from",
    "f",
    "summarize_rec12",
    "a_rather_long_function_name_for_a_call",
    "日本",
)
_PATHS = ("P", "Rec12", "Shape::Rect", "Very::Long::Path::To::A::Type", "Naïve")
_FIELDS = ("id", "k", "label", "a_rather_long_field_name", "é")


def _atom(rng: random.Random) -> layout.Atom:
    pick = rng.random()
    if pick < 0.3:
        text = str(rng.choice([0, -3, 255, 9007199254740991, -(2**40)]))
    elif pick < 0.5:
        text = rng.choice(["1.5", "None", "true", "Kind::Alpha", "i64::MIN"])
    elif pick < 0.9:
        size = rng.choice([0, 1, 5, 12, 40, 70, 95, 120])
        text = '"' + "".join(rng.choice("ab é日\u0301") for _ in range(size)) + '"'
    else:
        text = "x" * rng.randint(1, 110)
    if rng.random() < 0.3:  # short items: lists side by side, near each width limit
        text = "".join(rng.choice("0123456789é") for _ in range(rng.randint(1, 12)))
    return layout.Atom(text, simple=rng.random() < 0.7)


def _expr(rng: random.Random, depth: int = 0) -> layout.Expr:
    """Return a random expression: lists of every length, deep, wide and empty."""
    if depth > rng.choice([1, 2, 3, 4, 6]) or rng.random() < 0.25:
        return _atom(rng)
    count = rng.choice([0, 1, 1, 1, 2, 3, 4, 5, 8, 12])
    items = tuple(_expr(rng, depth + 1) for _ in range(count))
    pick = rng.random()
    if pick < 0.3:
        macro = rng.random() < 0.2
        return layout.Call(rng.choice(_NAMES + ("check!",)), items, macro)
    if pick < 0.55:
        return layout.Array(items, rng.choice(["", "vec!"]))
    if pick < 0.65:
        extra = tuple(_expr(rng, depth + 1) for _ in range(2 - min(2, count)))
        return layout.Tuple(items + extra)
    fields = tuple(
        (rng.choice(_FIELDS), None if rng.random() < 0.1 else item) for item in items
    )
    base = _expr(rng, depth + 1) if rng.random() < 0.2 else None
    return layout.Struct(rng.choice(_PATHS), fields, base)


@pytest.mark.parametrize("seed", range(4))
def test_statements_are_laid_out_as_the_plain_port_does(seed: int) -> None:
    """`assign` and `statement` at indents from 0 to past the line give the same text."""
    rng = random.Random(seed)
    for _ in range(600):
        expr = _expr(rng)
        indent = rng.choice([0, 4, 4, 8, 12, 40, 80, 96, 99, 104, rng.randint(0, 100)])
        suffix = rng.choice([";", "", ","])
        if rng.random() < 0.5:
            lhs = rng.choice(["let got =", "let want =", "x" * rng.randint(1, 90)])
            got = layout.assign(lhs, expr, indent, suffix)
            assert got == reference.assign(lhs, expr, indent, suffix)
        else:
            got = layout.statement(expr, indent, suffix)
            assert got == reference.statement(expr, indent, suffix)


@pytest.mark.parametrize("seed", range(4))
def test_any_shape_is_laid_out_as_the_plain_port_does(seed: int) -> None:
    """`rewrite` in random shapes (widths, indents, offsets, inside a macro or not),
    and in widths right around the value's one-line width and the width limits
    (60 columns of items), where each shortcut's bound is exactly met or missed."""
    rng = random.Random(100 + seed)
    for _ in range(150):
        expr = _expr(rng)
        one_line = layout.width(layout.flat(expr))
        widths = {rng.randint(0, 110), *range(one_line - 3, one_line + 3)}
        widths |= {one_line - 60 + d for d in range(-2, 10)}
        indent, offset = rng.choice([0, 4, 8, 40, 90]), rng.choice([0, 0, 3, 11])
        macro = rng.random() < 0.3
        for size in sorted(w for w in widths if w >= 0):
            shape = layout.Shape(size, indent, offset)
            got = layout.rewrite(expr, shape, layout._Context(macro))
            assert got == reference.rewrite(expr, shape, reference._Context(macro))


def test_the_same_node_in_many_places_is_laid_out_as_the_plain_port_does() -> None:
    """A node shared by several parents (as the value renderer shares scalars) and
    laid out in several shapes of one statement gives each place its own layout."""
    rng = random.Random(7)
    for _ in range(300):
        shared = _expr(rng, 2)
        parts = tuple(
            layout.Call("Some", (shared,)) if rng.random() < 0.5 else shared
            for _ in range(rng.choice([1, 2, 4]))
        )
        expr = layout.Struct("Rec", tuple((f"f{n}", p) for n, p in enumerate(parts)))
        whole = layout.Array((expr, layout.Tuple((shared, expr))), "vec!")
        for indent in (0, 4, 8, 60):
            got = layout.assign("let want =", whole, indent)
            assert got == reference.assign("let want =", whole, indent)


def test_lists_of_atoms_are_on_one_line_exactly_where_the_plain_port_says() -> None:
    """A list of atoms keeps the shapes that surely lay it out on one line
    (`layout._fit`, found at its first layout and reused in every later shape):
    at every width and indent around those bounds (the nested shape's width
    against the widest item, the items against the 60-column limit, `ident(` and
    `)` against the line), empty lists, non-ASCII idents and items, and macros,
    it gives what the plain port gives."""
    rng = random.Random(23)
    for _ in range(400):
        count = rng.choice([0, 1, 1, 2, 3, 5, 9])
        items = tuple(_atom(rng) for _ in range(count))
        pick = rng.random()
        if pick < 0.5:
            ident = rng.choice(_NAMES + ("check!", "x" * rng.randint(20, 70)))
            expr: layout.Expr = layout.Call(ident, items, rng.random() < 0.2)
        elif pick < 0.8:
            expr = layout.Array(items, rng.choice(["", "vec!"]))
        else:
            expr = layout.Tuple(items)
        one_line = layout.width(layout.flat(expr))
        widest = max((layout.width(i.text) for i in items), default=0)
        widths = {w for d in range(-3, 4) for w in (one_line + d, 60 + d, d + 2)}
        indents = {i for d in range(-3, 4) for i in (95 - widest + d, 4 + d, 91 + d)}
        for indent in sorted(i for i in indents if i >= 0):
            for size in sorted(w for w in widths if w >= 0):
                macro = rng.random() < 0.3
                shape = layout.Shape(size, indent, rng.choice([0, 10]))
                got = layout.rewrite(expr, shape, layout._Context(macro))
                want = reference.rewrite(expr, shape, reference._Context(macro))
                assert got == want, (expr, shape, macro)
