"""Go to definition and find references: types, functions, members, fields, rule IDs and
spec IDs, in one spec's index; `specc.lsp.workspace` finds the specs to look in."""

from __future__ import annotations

from specc.lsp.index import Index, Occurrence


def target(index: Index, at: Occurrence) -> tuple[str, str] | None:
    """Return what the name under the cursor names: the declaring spec's ID and the key
    (an example names its rule)."""
    if at.key.startswith("example:"):
        rule = index.examples[at.key].rule
        return (index.spec.id, f"rule:{rule}") if rule is not None else None
    return index.owner(at), at.key


def definition(index: Index, owner: str, key: str) -> Occurrence | None:
    """Return where ``key`` of spec ``owner`` is defined, if this is that spec's index."""
    return index.definition(key) if owner == index.spec.id else None


def references(
    index: Index, owner: str, key: str, declaration: bool
) -> list[Occurrence]:
    """Return every place in this index that names ``key`` of spec ``owner``; a rule's
    examples count for the rule."""
    found = [o for o in index.naming(owner, key) if declaration or not o.definition]
    if key.startswith("rule:") and owner == index.spec.id:
        rule = key.partition(":")[2]
        found += [
            index.by_key[k][0]
            for k, example in index.examples.items()
            if example.rule == rule
        ]
    return sorted(found)
