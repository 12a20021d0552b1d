"""Lay out Rust expressions and statements exactly as rustfmt (edition 2021) would.

The Rust target renders example values of unbounded size. Rather than require
rustfmt at build time, this module ports the part of rustfmt's algorithm those
values need (calls, `vec![…]`, arrays, tuples and struct literals, with
rustfmt's width heuristics and last-argument overflow) to a small typed model.
Where rustfmt itself gives up (a literal wider than the line), rustfmt keeps
the statement as written, and so the flat form printed here is what it keeps.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from specc.emitters.rust.exprs import NEVER, NO, Fit
from specc.emitters.rust.exprs import Array as Array
from specc.emitters.rust.exprs import Atom as Atom
from specc.emitters.rust.exprs import Call as Call
from specc.emitters.rust.exprs import Expr as Expr
from specc.emitters.rust.exprs import Struct as Struct
from specc.emitters.rust.exprs import Tuple as Tuple
from specc.emitters.rust.exprs import flat as flat

MAX_WIDTH = 100
TAB = 4
FN_CALL_WIDTH = 60
ARRAY_WIDTH = 60
STRUCT_LIT_WIDTH = 18
SHORT_ARRAY_ITEM = 10


# --- Shapes and widths ------------------------------------------------------------


class Shape(NamedTuple):
    """rustfmt's `Shape` in block-indent style: room left on the line, and indents.

    A named tuple rather than a frozen dataclass: layouts make and hash shapes by
    the hundred thousand, and tuples are several times cheaper at both.
    """

    width: int
    indent: int
    offset: int = 0

    def offset_left(self, extra: int) -> Shape | None:
        if self.width < extra:
            return None
        return Shape(self.width - extra, self.indent, self.offset + extra)

    def sub_width(self, extra: int) -> Shape | None:
        if self.width < extra:
            return None
        return Shape(self.width - extra, self.indent, self.offset)

    def nested(self) -> Shape:
        """Return the shape of items one block deeper, a comma kept free."""
        indent = self.indent + TAB
        return Shape(max(0, MAX_WIDTH - indent - 1), indent)

    def used(self) -> int:
        return self.indent + self.offset


def indented(indent: int) -> Shape:
    """Return a whole line at ``indent``."""
    return Shape(max(0, MAX_WIDTH - indent), indent)


_new: Any = tuple.__new__
"""`_new(Shape, (width, indent, offset))` is `Shape(width, indent, offset)` without
the named tuple's `__new__`, a Python function (shapes are made by the 100 000)."""

_LINES: dict[int, Shape] = {}


def _nested_line(indent: int) -> Shape:
    """Return `indented(indent)`, made once per indent."""
    shape = _LINES.get(indent)
    if shape is None:
        shape = _LINES[indent] = indented(indent)
    return shape


def width(text: str) -> int:
    """Return the display width of one line (wide characters count twice)."""
    if text.isascii():
        return len(text)  # every ASCII character is one column wide
    return sum(map(_char_width, text))


@functools.lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    """Return the columns one character takes: 0, 1 or 2."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Cf", "Mn"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _first(text: str) -> str:
    return text.split("\n", 1)[0]


def _last(text: str) -> str:
    return text.rsplit("\n", 1)[-1]


def _blen(text: str) -> int:
    """Return the UTF-8 length, which rustfmt uses in a few width checks."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


# --- Lists ---------------------------------------------------------------------------

Tactic = Literal["horizontal", "vertical", "mixed"]


@dataclass(eq=False, repr=False)
class _Context:
    """What rustfmt's `RewriteContext` carries that matters here, and a memo."""

    inside_macro: bool = False
    memo: dict[tuple[int, Shape, bool], tuple[str | None, bool]] = field(
        default_factory=dict
    )
    """Layouts already found, by (expression id, shape, inside a macro), each
    with whether it moves a block deeper (`movable`).

    rustfmt tries each sub-expression in several shapes, and the parent's tries
    repeat the children's, so without it deep values cost exponential time. One
    memo serves one statement, whose expressions all stay alive (ids are stable).
    """
    movable: bool = True
    """Whether every choice made in the layout under way would be made the same
    one block deeper and up to a block narrower (`_moved`)."""


_NESTED: dict[int, Shape] = {}
"""The shape of items one block deeper than each indent (`Shape.nested`)."""


def _nested(indent: int) -> Shape:
    shape = _NESTED.get(indent)
    if shape is None:
        inner = indent + TAB
        shape = _NESTED[indent] = Shape(max(0, MAX_WIDTH - inner - 1), inner)
    return shape


def rewrite(expr: Expr, shape: Shape, ctx: _Context | None = None) -> str | None:
    """Return the expression laid out within ``shape``, or None when it cannot fit."""
    if expr.__class__ is Atom:
        text = expr.text
        size = len(text) if text.isascii() else width(text)
        if size > shape[0]:
            return None
        if size > shape[0] - TAB and ctx is not None:
            ctx.movable = False
        return text
    fit = expr.fit  # type: ignore[union-attr]
    if fit is None:
        fit = expr.fit = _fit(expr)  # type: ignore[arg-type, union-attr]
    if shape[0] >= fit[0] and shape[1] <= fit[1]:
        if ctx is not None and (shape[0] - TAB < fit[0] or shape[1] + TAB > fit[1]):
            ctx.movable = False
        return fit[2]
    if ctx is None:
        ctx = _Context()
    key = (id(expr), shape, ctx.inside_macro)
    memo = ctx.memo
    found = memo.get(key)
    if found is None:
        found = memo[key] = _moved(expr, shape, ctx)  # type: ignore[arg-type]
    if not found[1]:
        ctx.movable = False
    return found[0]


MOVABLE_DEPTH = 80
"""The deepest indent whose layouts `_moved` records: past it, shapes a block
deeper may be cut to no width at all, which moves nothing."""


def _moved(
    expr: Call | Array | Tuple | Struct, shape: Shape, ctx: _Context
) -> tuple[str | None, bool]:
    """Lay out a compound expression; return its text and whether it is movable.

    A layout is movable when every choice it made (each width against its
    bound, in the expression and all it holds) would be made the same with the
    indent a block deeper and the width up to a block less: the layout there is
    the same text with each line after the first a block more indented. So a
    statement's second try a block deeper (`assign`'s next line) takes each
    part's first layout so moved, not laid out again. Any choice too near its
    bound, a mixed list, a layout that cannot fit, makes it not movable.
    """
    width_, indent, macro = shape[0], shape[1], ctx.inside_macro
    hit = expr.moved
    if (
        hit is not None
        and hit[1] == indent - TAB
        and hit[2] is macro
        and 0 <= hit[0] - width_ <= TAB
    ):
        return hit[3].replace("\n", "\n" + " " * TAB), False
    outer = ctx.movable
    ctx.movable = indent <= MOVABLE_DEPTH
    kind = expr.__class__
    if kind is Struct:
        found = _struct(expr, shape, ctx)  # type: ignore[arg-type]
    elif kind is Call:
        found = _call(expr, shape, ctx)  # type: ignore[arg-type]
    elif kind is Tuple:
        found = _list("", expr.items, shape, ctx, FN_CALL_WIDTH, "(", ")")  # type: ignore[union-attr]
    else:
        found = _list(expr.name, expr.items, shape, ctx, ARRAY_WIDTH, "[", "]")  # type: ignore[union-attr]
    movable = ctx.movable and found is not None
    if movable:
        expr.moved = (width_, indent, macro, found)  # type: ignore[assignment]
    ctx.movable = outer and movable
    return found, movable


def _fit(expr: Call | Array | Tuple) -> Fit:
    """Return the shapes in which a list is surely laid out on one line.

    Exact by the rules `_list` follows: when every item is surely on one line in
    the nested shape (95 - indent wide, indent + 4 deep: an atom that fits it, or
    a list whose own shapes hold it), the items side by side fit both the
    one-line width and the list's item width, and `ident(` + them + `)` fits the
    line, every tactic `_list` tries ends horizontal and on one line; an empty
    list is on one line when `ident()` fits. A list holding a struct literal, or
    one item that is not an atom (which `_list` may overflow, laid out in other
    shapes), gets no such shapes.
    """
    if expr.__class__ is Call:
        ident, items, limit, brackets = expr.callee, expr.args, FN_CALL_WIDTH, "()"
    elif expr.__class__ is Tuple:
        ident, items, limit, brackets = "", expr.items, FN_CALL_WIDTH, "()"
    else:
        ident, items, limit, brackets = expr.name, expr.items, ARRAY_WIDTH, "[]"  # type: ignore[union-attr]
    if not items:
        return (width(_last(ident)) + 2, NEVER, ident + brackets)
    total, deepest, texts = 2 * (len(items) - 1), NEVER, []
    for item in items:
        if item.__class__ is Atom:
            text = item.text
            size = len(text) if text.isascii() else width(text)
            # in the nested shape (95 - indent wide) when the indent is at most:
            bound = MAX_WIDTH - TAB - 1 - size
        elif len(items) == 1 or item.__class__ is Struct:
            return NO  # the only item may overflow: `_list` tries other shapes
        else:
            fit = item.fit  # type: ignore[union-attr]
            if fit is None:
                fit = item.fit = _fit(item)  # type: ignore[arg-type, union-attr]
            text = fit[2]
            if fit[1] < 0 or "\n" in text:
                return NO
            size = len(text) if text.isascii() else width(text)
            # on one line in the nested shape (95 - indent wide, indent + 4 deep):
            bound = min(MAX_WIDTH - TAB - 1 - fit[0], fit[1] - TAB)
        total += size
        if total > limit or bound < 0:
            return NO
        if bound < deepest:
            deepest = bound
        texts.append(text)
    least = max(total + len(ident) + 2, total + 1 + width(ident))
    return (least, deepest, f"{ident}{brackets[0]}{', '.join(texts)}{brackets[1]}")


def _call(expr: Call, shape: Shape, ctx: _Context) -> str | None:
    """Lay out a call: a macro's arguments inside the macro."""
    if expr.macro and not ctx.inside_macro:
        inner = _Context(True, ctx.memo)
        found = _list(expr.callee, expr.args, shape, inner, FN_CALL_WIDTH, "(", ")")
        ctx.movable = ctx.movable and inner.movable
        return found
    return _list(expr.callee, expr.args, shape, ctx, FN_CALL_WIDTH, "(", ")")


def _is_nested_call(expr: Expr) -> bool:
    return isinstance(expr, Call) or (isinstance(expr, Array) and bool(expr.name))


def _simple(expr: Expr) -> bool:
    return isinstance(expr, Atom) and expr.simple


def definitive(items: list[str | None], limit: int) -> Tactic:
    """Return horizontal when the items fit in ``limit`` on one line, else vertical."""
    total = 2 * max(0, len(items) - 1)
    for item in items:
        if item:
            if "\n" in item:
                return "vertical"
            total += len(item) if item.isascii() else width(item)
    return "horizontal" if total <= limit else "vertical"


def write_list(
    items: list[str | None], tactic: Tactic, trailing: bool, shape: Shape
) -> str | None:
    """Join rewritten items with commas as rustfmt's `write_list` does."""
    if None in items:
        return None
    texts: list[str] = items  # type: ignore[assignment]
    if tactic == "horizontal":
        return ", ".join(texts) + ("," if trailing and texts else "")
    indent = " " * shape.indent
    if tactic == "vertical":
        body = (",\n" + indent).join(texts)
        return body + ("," if trailing and texts else "")
    out, line, broke = "", 0, trailing
    for n, text in enumerate(texts):
        last = n == len(texts) - 1
        total = width(text) + (1 if not last or broke else 0)
        if line > 0 and line + 1 + total > shape.width:
            out += "\n" + indent
            line, broke = 0, True
        elif line > 0:
            out += " "
            line += 1
        out += text + ","
        line += total
    return out


def _list(
    ident: str,
    items: tuple[Expr, ...],
    shape: Shape,
    ctx: _Context,
    item_max: int,
    open_: str,
    close: str,
) -> str | None:
    """rustfmt's `overflow::Context`: a delimited, comma-separated list of items.

    Each item is laid out one block deeper (the nested shape); a single item
    may instead overflow: laid out right after `ident(`, its first line on the
    list's line (the call's last-argument overflow).
    """
    width_, indent, offset = shape
    nested = _nested(indent)
    ident_width = width(_last(ident))
    tactic: Tactic = "horizontal"
    body = ""
    if items:
        room = nested[0]
        texts: list[str | None] = []
        last = len(items) - 1
        final = items[-1]
        if last and final.__class__ is Atom and width(final.text) > room:
            return None  # as below, sooner: it fits nowhere, and cannot overflow
        for n, item in enumerate(items):
            if item.__class__ is Atom:
                text = item.text
                size = len(text) if text.isascii() else width(text)
                texts.append(text if size <= room else None)
                if room - TAB < size <= room:
                    ctx.movable = False
            else:
                texts.append(rewrite(item, nested, ctx))
            if texts[-1] is None and n != last:
                return None  # an item that fits nowhere: no tactic can help
        one_line_width = max(0, width_ - (len(ident) + 2))
        limit = min(one_line_width, item_max)
        narrower = min(max(0, one_line_width - TAB), item_max)  # `limit`, moved
        overflowed = False
        if last == 0 and (len(ident) < TAB or final.__class__ is not Atom):
            # The only item may overflow: laid out after `ident(`, a `)` kept free.
            lead = ident_width + 1
            if width_ - TAB < lead + 1:
                ctx.movable = False
            if width_ < lead + 1:
                arg_shape = Shape(0, indent, offset)
            else:
                arg_shape = Shape(width_ - lead - 1, indent, offset + lead)
            if _is_nested_call(final):
                arg_shape = Shape(min(item_max, arg_shape[0]), indent, arg_shape[2])
            placeholder = rewrite(final, arg_shape, ctx)
            first = -1 if placeholder is None else width(_first(placeholder))
            if narrower < first <= limit:
                ctx.movable = False
            if placeholder is not None and first <= limit:
                overflowed = True
                nested_text = texts[0]
                if (
                    placeholder.count("\n") != 1
                    or nested_text is None
                    or "\n" in nested_text
                ):
                    texts[0] = placeholder
        if not overflowed:
            if texts[-1] is None:
                return None  # `write_list` would refuse the list
            if (
                last == 0
                and one_line_width != 0
                and "\n" not in texts[0]  # type: ignore[operator]
                and width(texts[0]) <= one_line_width  # type: ignore[arg-type]
            ):
                tactic = "horizontal"
                moved_width = one_line_width - TAB  # `one_line_width`, moved
                if moved_width <= 0 or width(texts[0]) > moved_width:  # type: ignore[arg-type]
                    ctx.movable = False
            else:
                tactic = definitive(texts, limit)
                if narrower != limit and definitive(texts, narrower) != tactic:
                    ctx.movable = False
                if (
                    tactic == "vertical"
                    and all(_simple(i) for i in items)
                    and all(_blen(t) <= SHORT_ARRAY_ITEM for t in texts)  # type: ignore[arg-type]
                ):
                    tactic = "mixed"
                    ctx.movable = False  # its lines are filled to the width
        joined = write_list(texts, tactic, tactic == "vertical", nested)
        if joined is None:
            return None
        body = joined
    room = width_ - ident_width
    if ctx.inside_macro and "\n" not in body and _blen(body) + 2 <= room:
        if _blen(body) + 2 > room - TAB:
            ctx.movable = False
        return f"{ident}{open_}{body}{close}"
    if tactic == "horizontal" and (2 if not body else width(_first(body)) + 1) <= room:
        if (2 if not body else width(_first(body)) + 1) > room - TAB:
            ctx.movable = False
        return f"{ident}{open_}{body}{close}"
    inner = f"\n{' ' * nested.indent}{body}" if body else ""
    return f"{ident}{open_}{inner}\n{' ' * indent}{close}"


# --- Struct literals ----------------------------------------------------------------


def _struct(expr: Struct, shape: Shape, ctx: _Context) -> str | None:
    """A struct literal: each field `name: value`, the value on the next line when
    it fits only there (rustfmt's field rewrite), then the fields as a list."""
    path, width_, indent = expr.path, shape[0], shape[1]
    if width_ < 2 or width(path) > width_ - 2:
        return None
    if width(path) > width_ - TAB - 2:
        ctx.movable = False
    if not expr.fields and expr.base is None:
        return f"{path} {{}}"
    deeper = indent + TAB
    v_shape = _nested_line(deeper)
    room = width_ - (len(path) + 3 + 2)
    h_width = min(room, STRUCT_LIT_WIDTH) if room >= 0 else None
    field_width = v_shape[0] - 1  # a comma kept free
    if field_width < 0:
        return None  # no field fits, nor the base (which needs 2 columns)
    items: list[str | None] = []
    for name, value in expr.fields:
        if value is None:
            items.append(name)
            continue
        lead = len(name) + 2
        if field_width < lead:
            return None  # `write_list` would refuse the list
        if field_width - TAB < lead:
            ctx.movable = False
        text = rewrite(value, _new(Shape, (field_width - lead, deeper, lead)), ctx)
        if text is not None:
            items.append(f"{name}: {text}")
            continue
        text = rewrite(value, _nested_line(deeper + TAB), ctx)
        if text is None:
            return None
        items.append(f"{name}:\n{' ' * (deeper + TAB)}{text}")
    if expr.base is not None:
        base = None
        if v_shape[0] >= 2:
            base = rewrite(expr.base, _new(Shape, (v_shape[0] - 2, deeper, 2)), ctx)
        if base is None:
            return None
        items.append(".." + base)
    tactic: Tactic = "vertical"
    if h_width is not None:
        tactic = definitive(items, h_width)
    trailing = tactic == "vertical" and expr.base is None
    nested = Shape(h_width or 0, shape.indent) if tactic == "horizontal" else v_shape
    body = write_list(items, tactic, trailing, nested)
    if body is None:
        return None
    broken = "\n" in body or _blen(body) > (h_width or 0)
    moved = min(room - TAB, STRUCT_LIT_WIDTH) if room >= TAB else None  # `h_width`
    if moved != h_width and (tactic != "vertical" or not broken):
        ctx.movable = False
    if broken:
        return f"{path} {{\n{' ' * v_shape.indent}{body}\n{' ' * shape.indent}}}"
    return f"{path} {{ {body} }}"


# --- Statements ---------------------------------------------------------------------


def _fits(text: str, shape: Shape) -> bool:
    """rustfmt's `filtered_str_fits` for code without comments (ASCII text, each
    character a column, measured by `len` at C speed)."""
    if text.isascii():
        lines = text.split("\n")
        if len(lines[0]) > shape.width:
            return False
        if len(lines) == 1:
            return True
        if max(map(len, lines[1:])) > MAX_WIDTH:
            return False
        return len(lines[-1]) <= shape.used() + shape.width
    if width(_first(text)) > shape.width:
        return False
    if "\n" not in text:
        return True
    if any(width(line) > MAX_WIDTH for line in text.split("\n")[1:]):
        return False
    return width(_last(text)) <= shape.used() + shape.width


def _prefer_next_line(same: str, next_: str) -> bool:
    if "\n" not in next_ or same.count("\n") > next_.count("\n") + 1:
        return True
    return any(
        _first(same).endswith(c) and not _first(next_).endswith(c) for c in "({["
    )


def assign(lhs: str, expr: Expr, indent: int, suffix: str = ";") -> str:
    """Return `lhs expr;` (such as `let want = …;`) at ``indent``, as rustfmt lays it out."""
    shape = Shape(MAX_WIDTH - indent - len(suffix), indent)
    lead = width(lhs) + 1
    same_shape = shape.offset_left(lead) or Shape(0, indent, lead)
    ctx = _Context()
    same = rewrite(expr, same_shape, ctx)
    if same is not None and "\n" not in same and width(same) <= same_shape.width:
        chosen = " " + same
    else:
        overhead = MAX_WIDTH - (same_shape.used() + same_shape.width)
        next_shape = indented(indent + TAB).sub_width(overhead)
        next_ = rewrite(expr, next_shape, ctx) if next_shape else None
        newline = "\n" + " " * (indent + TAB)
        if same is not None and next_ is not None and next_shape is not None:
            if not _fits(next_, next_shape):
                chosen = " " + same
            elif _prefer_next_line(same, next_):
                chosen = newline + next_
            else:
                chosen = " " + same
        elif next_ is not None:
            chosen = newline + next_
        elif same is not None:
            chosen = " " + same
        else:
            chosen = " " + flat(expr)  # rustfmt gives up and keeps it as written
    return " " * indent + lhs + chosen + suffix


def statement(expr: Expr, indent: int, suffix: str = ";") -> str:
    """Return an expression statement (or a block's tail with ``suffix`` empty)."""
    shape = Shape(MAX_WIDTH - indent - len(suffix), indent)
    text = rewrite(expr, shape)
    return " " * indent + (flat(expr) if text is None else text) + suffix
