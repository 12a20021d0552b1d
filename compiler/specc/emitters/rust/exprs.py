"""The model `layout` lays out: Rust expressions as small typed nodes.

The value renderer (`values`) makes them; `layout` prints them as rustfmt
would, and keeps on each list and struct what it found once for all its
layouts (`Fit`, `Moved`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NEVER = 1 << 30
"""A width no shape has, an indent every shape has: "never surely on one line"."""

Fit = tuple[int, int, str]
"""(least width, greatest indent, text): `rewrite` lays a list out as ``text``, on
one line, in any shape at least that wide and at most that deep (`layout._fit`)."""

NO: Fit = (NEVER, -1, "")

Moved = tuple[int, int, bool, str]
"""(width, indent, inside a macro, text): a list's or struct's last movable
layout, which `layout._moved` takes for the shapes a block deeper."""


def _kept(default: Fit | None) -> Any:
    """Return a field a node keeps what `layout` finds of it in, found when first
    laid out: shared nodes (the value renderer's scalars, such as
    `String::from("…")`) find it once for all statements. Not compared, hashed
    or shown."""
    return field(default=default, init=False, repr=False, compare=False)


# Never changed once made (but for `fit` and `moved`, found by `layout`), yet not frozen: the renderer
# makes them by the hundred thousand, and a frozen dataclass's `__init__` sets each
# field through `object.__setattr__`, several times slower. Equal and hashed by
# value as before.


@dataclass(slots=True, unsafe_hash=True)
class Atom:
    """A literal or path, printed as is (`3`, `None`, `Priority::High`)."""

    text: str
    simple: bool = True
    """rustfmt's `is_simple_expr`: literals and one-segment paths."""


@dataclass(slots=True, unsafe_hash=True)
class Call:
    """`callee(args)`, or a macro called with parentheses (`check!(…)`)."""

    callee: str
    args: tuple[Expr, ...] = ()
    macro: bool = False
    fit: Fit | None = _kept(None)
    moved: Moved | None = _kept(None)


@dataclass(slots=True, unsafe_hash=True)
class Array:
    """`[items]`, or `vec![items]` when ``name`` is `vec!`."""

    items: tuple[Expr, ...] = ()
    name: str = ""
    fit: Fit | None = _kept(None)
    moved: Moved | None = _kept(None)


@dataclass(slots=True, unsafe_hash=True)
class Tuple:
    """`(a, b)` with two or more items."""

    items: tuple[Expr, ...]
    fit: Fit | None = _kept(None)
    moved: Moved | None = _kept(None)


@dataclass(slots=True, unsafe_hash=True)
class Struct:
    """`Path { field: value, ..base }`; a field without value is shorthand."""

    path: str
    fields: tuple[tuple[str, Expr | None], ...] = ()
    base: Expr | None = None
    fit: Fit | None = _kept(NO)  # never on one line by `layout._fit`
    moved: Moved | None = _kept(None)


Expr = Atom | Call | Array | Tuple | Struct


def flat(expr: Expr) -> str:
    """Return the expression on one line."""
    if isinstance(expr, Atom):
        return expr.text
    if isinstance(expr, Call):
        return f"{expr.callee}({', '.join(flat(a) for a in expr.args)})"
    if isinstance(expr, Array):
        return f"{expr.name}[{', '.join(flat(a) for a in expr.items)}]"
    if isinstance(expr, Tuple):
        return f"({', '.join(flat(a) for a in expr.items)})"
    parts = [n if v is None else f"{n}: {flat(v)}" for n, v in expr.fields]
    if expr.base is not None:
        parts.append(".." + flat(expr.base))
    return f"{expr.path} {{ {', '.join(parts)} }}" if parts else f"{expr.path} {{}}"
