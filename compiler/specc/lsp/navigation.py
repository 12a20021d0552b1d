"""Go to definition and find references: types, functions, members, fields and rule IDs."""

from __future__ import annotations

from specc.lsp.index import Index, Occurrence


def definition(index: Index, at: Occurrence) -> Occurrence | None:
    """Return where the name under the cursor is defined (an example's rule for an example)."""
    key = at.key
    if key.startswith("example:"):
        example = index.examples[key]
        if example.rule is None:
            return None
        key = f"rule:{example.rule}"
    return index.definition(key)


def references(index: Index, at: Occurrence, declaration: bool) -> list[Occurrence]:
    """Return every place that names the same thing; a rule's examples count for the rule."""
    key = at.key
    if key.startswith("example:"):
        example = index.examples[key]
        key = f"rule:{example.rule}"
    found = [o for o in index.by_key.get(key, []) if declaration or not o.definition]
    if key.startswith("rule:"):
        rule = key.partition(":")[2]
        found += [
            index.by_key[k][0]
            for k, example in index.examples.items()
            if example.rule == rule
        ]
    return sorted(found)
