"""The Rust layout engine as it was before it was made cheaper (issue 23), kept to test
the engine against: `specc.emitters.rust.layout` must lay out every expression in every
shape exactly as this one does (tests/test_rust_target.py, random values and shapes).

A plain port of rustfmt's list and struct-literal rules: one `_List` object per list,
every tactic tried as rustfmt writes it. Only the engine is here; the expression
model, shapes and widths are the emitter's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from specc.emitters.rust.layout import (
    ARRAY_WIDTH,
    FN_CALL_WIDTH,
    MAX_WIDTH,
    SHORT_ARRAY_ITEM,
    STRUCT_LIT_WIDTH,
    TAB,
    Array,
    Atom,
    Call,
    Expr,
    Shape,
    Struct,
    Tuple,
    _blen,
    _first,
    _last,
    flat,
    indented,
    width,
)

Tactic = Literal["horizontal", "vertical", "mixed"]


@dataclass
class _Context:
    """What rustfmt's `RewriteContext` carries that matters here, and a memo."""

    inside_macro: bool = False
    memo: dict[tuple[int, Shape, bool], str | None] = field(default_factory=dict)
    """Layouts already found, by (expression id, shape, inside a macro).

    rustfmt tries each sub-expression in several shapes, and the parent's tries
    repeat the children's, so without it deep values cost exponential time. One
    memo serves one statement, whose expressions all stay alive (ids are stable).
    """


def rewrite(expr: Expr, shape: Shape, ctx: _Context | None = None) -> str | None:
    """Return the expression laid out within ``shape``, or None when it cannot fit."""
    if isinstance(expr, Atom):
        return expr.text if width(expr.text) <= shape.width else None
    ctx = ctx or _Context()
    key = (id(expr), shape, ctx.inside_macro)
    if key not in ctx.memo:
        ctx.memo[key] = _rewrite(expr, shape, ctx)
    return ctx.memo[key]


def _rewrite(
    expr: Call | Array | Tuple | Struct, shape: Shape, ctx: _Context
) -> str | None:
    """Lay out a compound expression (the uncached part of `rewrite`)."""
    if isinstance(expr, Struct):
        return _struct(expr, shape, ctx)
    flat_text = _flat_leaves(expr, shape)
    if flat_text is not None:
        return flat_text
    if isinstance(expr, Call):
        inner = _Context(ctx.inside_macro or expr.macro, ctx.memo)
        return _List(expr.callee, expr.args, shape, inner, FN_CALL_WIDTH).rewrite()
    if isinstance(expr, Tuple):
        return _List("", expr.items, shape, ctx, FN_CALL_WIDTH).rewrite()
    return _List(expr.name, expr.items, shape, ctx, ARRAY_WIDTH, "[]").rewrite()


def _flat_leaves(expr: Call | Array | Tuple, shape: Shape) -> str | None:
    """Return a list of atoms on one line when `_List` would surely keep it there.

    A shortcut, exact by the rules `_List` follows: when every item fits the
    nested shape, the items side by side fit both the one-line width and the
    list's item width, and `ident(` + them + `)` fits the line, every tactic
    `_List` tries ends horizontal and on one line. Otherwise None, and
    `_List` decides.
    """
    if isinstance(expr, Call):
        ident, items, limit, delims = expr.callee, expr.args, FN_CALL_WIDTH, "()"
    elif isinstance(expr, Tuple):
        ident, items, limit, delims = "", expr.items, FN_CALL_WIDTH, "()"
    else:
        ident, items, limit, delims = expr.name, expr.items, ARRAY_WIDTH, "[]"
    if not items:
        return None
    room = MAX_WIDTH - shape.indent - TAB - 1  # the nested shape's width
    total = 2 * (len(items) - 1)
    texts = []
    for item in items:
        if not isinstance(item, Atom):
            return None
        size = width(item.text)
        if size > room:
            return None
        total += size
        texts.append(item.text)
    one_line = shape.width - len(ident) - 2
    if total > one_line or total > limit or total + 1 > shape.width - width(ident):
        return None
    body = ", ".join(texts)
    return f"{ident}{delims[0]}{body}{delims[1]}"


def _is_nested_call(expr: Expr) -> bool:
    return isinstance(expr, Call) or (isinstance(expr, Array) and bool(expr.name))


def _can_overflow(expr: Expr, count: int) -> bool:
    return not isinstance(expr, Atom) and count == 1


def _simple(expr: Expr) -> bool:
    return isinstance(expr, Atom) and expr.simple


def definitive(items: list[str | None], limit: int) -> Tactic:
    """Return horizontal when the items fit in ``limit`` on one line, else vertical."""
    total = 2 * max(0, len(items) - 1)
    for item in items:
        if item:
            if "\n" in item:
                return "vertical"
            total += width(item)
    return "horizontal" if total <= limit else "vertical"


def write_list(
    items: list[str | None], tactic: Tactic, trailing: bool, shape: Shape
) -> str | None:
    """Join rewritten items with commas as rustfmt's `write_list` does."""
    if any(i is None for i in items):
        return None
    texts: list[str] = [i for i in items if i is not None]
    indent = " " * shape.indent
    if tactic == "horizontal":
        return ", ".join(texts) + ("," if trailing and texts else "")
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


class _List:
    """rustfmt's `overflow::Context`: a delimited, comma-separated list of items."""

    def __init__(
        self,
        ident: str,
        items: tuple[Expr, ...],
        shape: Shape,
        ctx: _Context,
        item_max: int,
        delims: str = "()",
    ) -> None:
        self.ident, self.items, self.shape, self.ctx = ident, items, shape, ctx
        self.item_max, self.delims = item_max, delims
        self.ident_width = width(_last(ident))
        self.one_line_width = max(0, shape.width - (len(ident) + 2))
        self.nested = shape.nested()

    def _one_line_shape(self) -> Shape:
        """Return the room after `ident(` on the first line, a `)` kept free."""
        shape, lead = self.shape, self.ident_width + 1
        if shape.width < lead + 1:
            return Shape(0, shape.indent, shape.offset)
        return Shape(shape.width - lead - 1, shape.indent, shape.offset + lead)

    def _last_item_shape(self, texts: list[str | None]) -> Shape | None:
        shape = self._one_line_shape()
        if len(texts) == 1 and not _is_nested_call(self.items[0]):
            return shape
        offset = sum(2 + _blen(t or "") for t in texts[:-1])
        limited = Shape(min(self.item_max, shape.width), shape.indent, shape.offset)
        return limited.offset_left(offset)

    def _tactic(self, texts: list[str | None]) -> Tactic:
        items, count = self.items, len(self.items)
        combine = count == 1 and len(self.ident) < TAB
        overflow = combine or _can_overflow(items[-1], count)
        placeholder = None
        if overflow:
            arg_shape = self._last_item_shape(texts)
            if arg_shape is not None:
                placeholder = rewrite(items[-1], arg_shape, self.ctx)
                if placeholder is not None:
                    texts[-1] = _first(placeholder)
        tactic = definitive(texts, min(self.one_line_width, self.item_max))
        if overflow and tactic == "horizontal" and placeholder is not None:
            texts[-1] = placeholder
            if count == 1 and placeholder.count("\n") == 1:
                again = rewrite(items[-1], self.nested, self.ctx)
                if again is not None and "\n" not in again:
                    texts[-1] = again
            return tactic
        texts[-1] = rewrite(items[-1], self.nested, self.ctx)
        only = texts[0] or ""
        if (
            count == 1
            and self.one_line_width != 0
            and "\n" not in only
            and width(only) <= self.one_line_width
        ):
            return "horizontal"
        tactic = definitive(texts, min(self.one_line_width, self.item_max))
        if (
            tactic == "vertical"
            and all(_simple(i) for i in items)
            and all(_blen(t or "") <= SHORT_ARRAY_ITEM for t in texts)
        ):
            return "mixed"
        return tactic

    def rewrite(self) -> str | None:
        open_, close = self.delims[0], self.delims[1]
        if not self.items:
            body = ""
            tactic: Tactic = "horizontal"
        else:
            nested, ctx = self.nested, self.ctx
            texts = [
                (
                    (i.text if width(i.text) <= nested.width else None)
                    if isinstance(i, Atom)
                    else rewrite(i, nested, ctx)
                )
                for i in self.items
            ]
            if None in texts[:-1]:
                return None  # an item that fits nowhere: no tactic can help
            tactic = self._tactic(texts)
            trailing = tactic == "vertical"
            joined = write_list(texts, tactic, trailing, self.nested)
            if joined is None:
                return None
            body = joined
        room = self.shape.width - self.ident_width
        extend = 2 if not body else width(_first(body)) + 1
        single = (
            self.ctx.inside_macro and "\n" not in body and _blen(body) + 2 <= room
        ) or (tactic == "horizontal" and extend <= room)
        if single:
            return f"{self.ident}{open_}{body}{close}"
        inner = f"\n{' ' * self.nested.indent}{body}" if body else ""
        return f"{self.ident}{open_}{inner}\n{' ' * self.shape.indent}{close}"


# --- Struct literals ----------------------------------------------------------------


def _field(name: str, value: Expr | None, shape: Shape, ctx: _Context) -> str | None:
    """Return `name: value`, the value on the next line when it fits only there."""
    if value is None:
        return name
    value_shape = shape.offset_left(len(name) + 2)
    if value_shape is None:
        return None
    text = rewrite(value, value_shape, ctx)
    if text is not None:
        return f"{name}: {text}"
    deeper = shape.indent + TAB
    text = rewrite(value, indented(deeper), ctx)
    return None if text is None else f"{name}:\n{' ' * deeper}{text}"


def _struct(expr: Struct, shape: Shape, ctx: _Context) -> str | None:
    path = expr.path
    if shape.width < 2 or width(path) > shape.width - 2:
        return None
    if not expr.fields and expr.base is None:
        return f"{path} {{}}"
    v_shape = indented(shape.indent + TAB)
    room = shape.width - (len(path) + 3 + 2)
    h_width = min(room, STRUCT_LIT_WIDTH) if room >= 0 else None
    field_shape = v_shape.sub_width(1)
    items: list[str | None] = [
        _field(n, v, field_shape, ctx) if field_shape else None for n, v in expr.fields
    ]
    if expr.base is not None:
        base_shape = v_shape.offset_left(2)
        base = rewrite(expr.base, base_shape, ctx) if base_shape else None
        items.append(None if base is None else ".." + base)
    tactic: Tactic = "vertical"
    if h_width is not None:
        tactic = definitive(items, h_width)
    trailing = tactic == "vertical" and expr.base is None
    nested = Shape(h_width or 0, shape.indent) if tactic == "horizontal" else v_shape
    body = write_list(items, tactic, trailing, nested)
    if body is None:
        return None
    if "\n" in body or _blen(body) > (h_width or 0):
        return f"{path} {{\n{' ' * v_shape.indent}{body}\n{' ' * shape.indent}}}"
    return f"{path} {{ {body} }}"


# --- Statements ---------------------------------------------------------------------


def _fits(text: str, shape: Shape) -> bool:
    """rustfmt's `filtered_str_fits` for code without comments."""
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
