"""Code actions: apply a diagnostic's "did you mean" hint; give a heading a rule ID."""

from __future__ import annotations

import re

from lsprotocol import types

from specc import ir
from specc.lsp.text import Text

_DID_YOU_MEAN = re.compile(r"did you mean `([^`]+)`\?")
_WORD = re.compile(r"#?[A-Za-z0-9_.:-]+")
_ATTRIBUTES = re.compile(r"\{[^{}]*\}\s*$")
_SLUG = re.compile(r"[^a-z0-9]+")


def did_you_mean(
    uri: str, text: Text, diagnostics: list[types.Diagnostic]
) -> list[types.CodeAction]:
    """Return a quick fix for each diagnostic whose hint names a likely intended name."""
    actions = []
    for d in diagnostics:
        data = d.data if isinstance(d.data, dict) else {}
        hint = str(data.get("hint") or d.message.partition("= hint: ")[2])
        match = _DID_YOU_MEAN.search(hint)
        if match is None:
            continue
        current = _text_in(text, d.range)
        if not _WORD.fullmatch(current):
            continue
        new = match.group(1).lstrip("#")
        new = f"#{new}" if current.startswith("#") else new
        actions.append(
            types.CodeAction(
                title=f"Change `{current}` to `{new}`",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[d],
                is_preferred=True,
                edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(d.range, new)]}),
            )
        )
    return actions


def add_rule_ids(
    uri: str,
    text: Text,
    spec: ir.Spec,
    lines: range,
    diagnostics: list[types.Diagnostic],
) -> list[types.CodeAction]:
    """Offer `{#id}` for each heading without one in ``lines``, or above a W103 finding."""
    headings = sorted(s.span.line - 1 for s in spec.walk())
    wanted = {n for n in headings if n in lines}
    for d in diagnostics:
        if d.code == "W103":
            above = [n for n in headings if n <= d.range.start.line]
            wanted.update(above[-1:])
    taken = {r.id for r in spec.rules()}
    actions = []
    for number in sorted(wanted):
        line = text.lines[number] if number < len(text.lines) else ""
        title = line.lstrip(" ").lstrip("#").strip()
        if (
            not line.lstrip(" ").startswith("#")
            or _ATTRIBUTES.search(line)
            or not title
        ):
            continue
        slug = _SLUG.sub("_", title.lower()).strip("_") or "rule"
        rule_id, n = slug, 1
        while rule_id in taken:
            n += 1
            rule_id = f"{slug}_{n}"
        end = len(line.rstrip())
        edit = types.TextEdit(
            text.range(number, end, number, len(line)), f" {{#{rule_id}}}"
        )
        actions.append(
            types.CodeAction(
                title=f"Make this heading a rule: add {{#{rule_id}}}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[d for d in diagnostics if d.code == "W103"] or None,
                edit=types.WorkspaceEdit(changes={uri: [edit]}),
            )
        )
    return actions


def _text_in(text: Text, where: types.Range) -> str:
    start = text.offset(*text.point(where.start))
    end = text.offset(*text.point(where.end))
    return text.text[start:end]
