"""Properties (`forall` lines) on a docs page: their cells, linked, and what they call."""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup, escape

from specc import ir
from specc.emitters.properties import check_text, terms

_WORD = re.compile(r"\"(?:\\.|[^\"\\])*\"|\b([A-Za-z_][A-Za-z0-9_]*)\b(\()?")
"""A string (left alone), or a word (1), a call when `(` follows (2)."""


def property_cells(
    prop: ir.Property, spec: ir.Spec, type_link: Callable[[str], Markup]
) -> tuple[Markup, Markup]:
    """Return a property's variables and conditions, and its check, escaped.

    `forall c: Counter, s: Step where s != reset: undo(apply(c, s)) == c` gives
    `c: Counter, s: Step where s != reset` and `undo(apply(c, s)) == c`, the
    spec's types and called functions linked to their entries.
    """
    check = check_text(prop)
    head = prop.text.strip()[len("forall") : -len(check)].rstrip()
    head = head.removesuffix(":").strip()
    return _linked(head, spec, type_link), _linked(check, spec, type_link)


def called(prop: ir.Property) -> list[str]:
    """Return the functions a property calls, in its checks and conditions, sorted."""
    return sorted(
        {
            term.function
            for check in [*prop.where, prop.check]
            for term in terms(check)
            if isinstance(term, ir.CallTerm)
        }
    )


def _linked(text: str, spec: ir.Spec, type_link: Callable[[str], Markup]) -> Markup:
    """Return text escaped, each call of a declared function and each type linked."""
    parts: list[Markup | str] = []
    at = 0
    for match in _WORD.finditer(text):
        word, call = match.group(1), match.group(2)
        if word is None:
            continue
        if call and spec.function(word) is not None:
            link = Markup('<a class="fn" href="#func/{0}">{0}</a>').format(word)
        elif not call and spec.type(word) is not None:
            link = type_link(word)
        else:
            continue
        parts += [escape(text[at : match.start(1)]), link]
        at = match.end(1)
    parts.append(escape(text[at:]))
    return Markup("").join(parts)
