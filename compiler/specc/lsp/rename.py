"""Rename a rule ID or a declared name, with every place that names it."""

from __future__ import annotations

import re

from specc.frontend.idl import KEYWORDS, PRIMITIVES
from specc.lsp.index import Index, Occurrence

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RULE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:-]*")
_RESERVED = (
    KEYWORDS | PRIMITIVES | {"list", "map", "raises", "true", "false", "none", "null"}
)


def renamable(at: Occurrence | None) -> bool:
    """Return whether the name under the cursor can be renamed."""
    return (
        at is not None and at.renamable and not at.key.startswith(("example:", "spec:"))
    )


def invalid_name(at: Occurrence, name: str) -> str | None:
    """Return why ``name`` cannot replace the name under the cursor, or None."""
    if at.key.startswith("rule:"):
        if not _RULE_ID.fullmatch(name):
            return (
                f"`{name}` is not a rule ID: use letters, digits, `_`, `-`, `.` and `:`"
            )
        return None
    if not _NAME.fullmatch(name):
        return f"`{name}` is not a name: use letters, digits and `_`, not first a digit"
    if name in _RESERVED:
        return f"`{name}` is a word of the specc language"
    return None


def rename_edits(index: Index, owner: str, key: str) -> list[Occurrence]:
    """Return the places in one spec to rewrite when ``key`` of spec ``owner`` is renamed:
    its definition and every reference that spells it."""
    return [o for o in index.naming(owner, key) if o.renamable]
