"""What a spec means: its IR compared without its layout.

Formatting moves text about, so spans, block sources and the lines examples
were written as change; nothing else may. `same_meaning` walks two compiles'
records side by side, stops at the first difference, and compares a record
that cannot hold layout (a value, a type) with ``==``: at 1000 records and
3000 examples it costs a third of a compile.
"""

from __future__ import annotations

import typing
from typing import Any

from specc import ir
from specc.frontend.compile import Compiled
from specc.records.base import Record, field_values, fields
from specc.records.data import hints

_LAYOUT = frozenset({"span", "source"})
"""The fields layout changes in every record."""

_SKIPPED: dict[type[Record], frozenset[str]] = {}
_PLAIN: dict[type[Record], bool] = {}


def same_meaning(old: Compiled, new: Compiled) -> bool:
    """Return whether two compiles of a spec mean the same: equal IR but for
    layout, and the same finding codes."""
    codes = sorted(d.code for d in old.diagnostics)
    if codes != sorted(d.code for d in new.diagnostics):
        return False
    if old.spec is None or new.spec is None:
        return old.spec is new.spec
    return _same(old.spec, new.spec)


def _skipped(cls: type[Record]) -> frozenset[str]:
    """Return the fields of ``cls`` that layout changes: an example's ``text``
    (the line as written) too."""
    known = _SKIPPED.get(cls)
    if known is None:
        layout = _LAYOUT | {"text"} if cls is ir.Example else _LAYOUT
        known = frozenset(fields(cls)) & layout
        _SKIPPED[cls] = known
    return known


def _plain(cls: type[Record]) -> bool:
    """Return whether no record of class ``cls`` can hold layout, in any field or
    any record within (then records compare with ``==``, as values do)."""
    known = _PLAIN.get(cls)
    if known is None:
        _PLAIN[cls] = True  # while its fields are looked at: a cycle adds nothing
        known = not _skipped(cls) and all(
            _plain(inner) for hint in hints(cls).values() for inner in _records(hint)
        )
        _PLAIN[cls] = known
    return known


def _records(hint: Any) -> list[type[Record]]:
    """Return the record classes a field's type names, however nested."""
    if isinstance(hint, type):
        return [hint] if issubclass(hint, Record) else []
    return [inner for arg in typing.get_args(hint) for inner in _records(arg)]


def _same(a: Any, b: Any) -> bool:
    """Return whether ``a`` and ``b`` are equal, records compared but for layout."""
    kind = type(a)
    if kind is not type(b):
        return kind in _SEQUENCES and type(b) in _SEQUENCES and _same_items(a, b)
    if isinstance(a, Record):
        if _plain(kind):
            return bool(a == b)
        skipped = _skipped(kind)
        for (name, spec), x, y in zip(
            fields(a).items(), field_values(a), field_values(b), strict=True
        ):
            if name in skipped or x is y:
                continue
            if spec.omit_empty and _empty(x) and _empty(y):
                continue  # IR data leaves both out
            if not _same(x, y):
                return False
        return True
    if kind in _SEQUENCES:
        return _same_items(a, b)
    if kind is dict:
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if kind is float:
        return bool(a == b or (a != a and b != b))  # NaN is NaN here
    return bool(a == b)


_SEQUENCES = (list, tuple)


def _same_items(a: Any, b: Any) -> bool:
    """Return whether two lists (or tuples) hold the same items, in order."""
    return len(a) == len(b) and all(
        x is y or _same(x, y) for x, y in zip(a, b, strict=True)
    )


def _empty(value: Any) -> bool:
    """Return whether ``value`` is what IR data leaves out when empty."""
    return value is None or (type(value) in _SEQUENCES and not value)
