"""The table of diagnostic codes: each code declared once (a dict literal keeps the last)."""

from __future__ import annotations

import ast

from conftest import ROOT


def test_no_code_is_declared_twice():
    tree = ast.parse(
        (ROOT / "compiler" / "specc" / "diagnostics.py").read_text("utf-8")
    )
    (table,) = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id == "CODES"
    ]
    assert isinstance(table, ast.Dict)
    keys = [k.value for k in table.keys if isinstance(k, ast.Constant)]
    assert len(keys) == len(table.keys) > 50
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []


def test_every_code_has_an_entry_in_the_docs():
    from specc.diagnostics import CODES

    docs = (ROOT / "docs" / "diagnostics.md").read_text("utf-8")
    missing = [c for c in CODES if f"### {c}\n" not in docs or f"[{c}](#" not in docs]
    assert (
        missing == []
    ), "add a table row and a `### CODE` entry to docs/diagnostics.md"
