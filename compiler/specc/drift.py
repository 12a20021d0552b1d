"""Drift between a spec and its implementations: a digest per rule, and what changed since it passed.

`specc test` records, per rule and target, the digest of the rule when the
target last passed it (`out/report/passes.json`); `specc status` and the docs
coverage page compare those with the digests of the spec as it is now.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from specc import ir, records
from specc.records.data import to_data
from specc.targets import CODE_TARGETS

PASSES_VERSION = 1


def rule_digest(spec: ir.Spec, rule: ir.Section) -> str:
    """Return a digest of what a rule says: its text, its examples and the declarations they use.

    Source positions are left out, so editing another rule never changes it.
    """
    content = {
        "rule": rule.id,
        "title": rule.title,
        "attributes": rule.attributes,
        "text": [_plain(b) for b in _own_blocks(rule)],
        "examples": [e.text for e in rule.examples],
        "conversations": [_plain(c) for c in rule.conversations],
        "declarations": {
            name: _plain(decl) for name, decl in sorted(_used(spec, rule).items())
        },
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def rule_digests(spec: ir.Spec) -> dict[str, str]:
    """Return the digest of every rule of a spec, by rule ID."""
    return {rule.id: rule_digest(spec, rule) for rule in spec.rules() if rule.id}


def _own_blocks(rule: ir.Section) -> Iterator[ir.Block]:
    """Yield the rule's prose blocks and those of its subsections that are no rules."""
    for block in rule.content:
        if not isinstance(block, (ir.Examples, ir.ConversationBlock)):
            yield block
    for child in rule.sections:
        if child.id is None:
            yield from _own_blocks(child)


def _used(spec: ir.Spec, rule: ir.Section) -> dict[str, ir.Node]:
    """Return the declarations a rule uses: its own, the functions its examples call,
    and every type those name, transitively, in this spec or in the specs it uses
    (keyed `spec.Name` there)."""
    todo: list[ir.TypeRef | str] = [e.function for e in rule.examples]
    for block in _own_blocks(rule):
        if isinstance(block, ir.Declarations):
            todo += block.names
    found: dict[str, ir.Node] = {}
    while todo:
        item = todo.pop()
        decl: ir.Node | None
        if isinstance(item, str):
            key, decl = item, spec.function(item) or spec.type(item)
        else:
            local = item.spec is None or item.spec == spec.id
            key = str(item.name) if local else f"{item.spec}.{item.name}"
            decl = spec.declaration(item)
        if key in found or decl is None:
            continue
        found[key] = decl
        todo += _named(decl)
    return found


def _named(node: ir.Node) -> list[ir.TypeRef | str]:
    """Return the types a declaration names, and the errors it raises."""
    found: list[ir.TypeRef | str] = []

    def visit(value: Any) -> None:
        if isinstance(value, ir.TypeRef) and value.kind == "named" and value.name:
            found.append(value)
        if isinstance(value, ir.Node):
            for item in records.field_values(value):
                visit(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                visit(item)

    visit(node)
    if isinstance(node, ir.Function):
        found += node.raises
    return found


def _plain(node: ir.Node) -> Any:
    """Return a node as JSON data without its source positions."""
    return _without_spans(to_data(node))


def _without_spans(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_spans(v) for k, v in data.items() if k != "span"}
    if isinstance(data, list):
        return [_without_spans(v) for v in data]
    return data


# --- The record of passes ----------------------------------------------------------


def record_passes(old: Any, report: Mapping[str, Any], targets: Iterable[str]) -> Any:
    """Return the passes record updated from one run's rule × target report.

    A rule that passed now on a target records the digest the run saw; every
    other entry keeps what earlier runs recorded.
    """
    ran = set(targets)
    specs: dict[str, Any] = {}
    if isinstance(old, dict) and old.get("version") == PASSES_VERSION:
        specs = {k: v for k, v in (old.get("specs") or {}).items() if _is_map(v)}
    for spec_id, spec in report.get("specs", {}).items():
        rules = {
            k: dict(v) for k, v in (specs.get(spec_id) or {}).items() if _is_map(v)
        }
        for row in spec.get("rules", []):
            digest = row.get("digest")
            for target, cell in (row.get("targets") or {}).items():
                if target in ran and digest and cell.get("status") == "passed":
                    rules.setdefault(row["rule"], {})[target] = digest
        specs[spec_id] = {k: dict(sorted(v.items())) for k, v in sorted(rules.items())}
    return {"version": PASSES_VERSION, "specs": dict(sorted(specs.items()))}


def _is_map(value: Any) -> bool:
    return isinstance(value, dict)


def passed_digest(passes: Any, spec: str, rule: str, target: str) -> str | None:
    """Return the digest a rule had when ``target`` last passed it, if it ever did."""
    if not isinstance(passes, dict) or passes.get("version") != PASSES_VERSION:
        return None
    found = ((passes.get("specs") or {}).get(spec) or {}).get(rule) or {}
    digest = found.get(target) if isinstance(found, dict) else None
    return digest if isinstance(digest, str) else None


# --- Status ------------------------------------------------------------------------


@dataclass(eq=False, repr=False)
class TargetStatus:
    """What `specc status` says of one target: rules by how they stand."""

    changed: list[tuple[str, str]] = field(default_factory=list)
    """(spec, rule): the spec changed since the target last passed the rule."""
    never_implemented: list[tuple[str, str]] = field(default_factory=list)
    """(spec, rule): the target never passed the rule and does not fail it now."""
    failing: list[tuple[str, str]] = field(default_factory=list)
    """(spec, rule): the rule's tests fail now (or its toolchain did not run)."""

    @property
    def clean(self) -> bool:
        """Return whether nothing needs attention."""
        return not (self.changed or self.never_implemented or self.failing)

    def to_json(self) -> dict[str, list[dict[str, str]]]:
        """Return the lists as JSON-ready data."""
        return {
            kind: [{"spec": s, "rule": r} for s, r in getattr(self, kind)]
            for kind in ("changed", "never_implemented", "failing")
        }


def status(
    specs: Iterable[ir.Spec], targets: Iterable[str], tests: Any, passes: Any
) -> dict[str, TargetStatus]:
    """Return, per target, the rules that changed, were never implemented or fail now.

    ``tests`` is `tests.json`, ``passes`` `passes.json` (either may be None). A
    code target answers for the rules with examples; another target for the
    rules the last report has a result of it for.
    """
    cells = report_cells(tests)
    found: dict[str, TargetStatus] = {}
    for target in targets:
        listed = found[target] = TargetStatus()
        for spec in specs:
            for rule in spec.rules():
                if rule.id is None:
                    continue
                key = (spec.id, rule.id)
                cell = cells.get(key, {}).get(target) or {}
                if not _applies(target, rule, cell):
                    continue
                last = passed_digest(passes, spec.id, rule.id, target)
                if cell.get("status") in ("failed", "error"):
                    listed.failing.append(key)
                if last is None:
                    if cell.get("status") not in ("failed", "error"):
                        listed.never_implemented.append(key)
                elif last != rule_digest(spec, rule):
                    listed.changed.append(key)
    return found


def _applies(target: str, rule: ir.Section, cell: dict[str, Any]) -> bool:
    """Return whether a target has anything to test of a rule."""
    if target in CODE_TARGETS:
        return bool(rule.examples)
    return bool(cell.get("status", "no_examples") != "no_examples")


def report_cells(tests: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """Return the cells of `tests.json` by (spec, rule), ignoring what is malformed."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    if not isinstance(tests, dict):
        return found
    for spec_id, spec in (tests.get("specs") or {}).items():
        for row in (spec or {}).get("rules", []) if isinstance(spec, dict) else []:
            if isinstance(row, dict) and isinstance(row.get("targets"), dict):
                found[(spec_id, str(row.get("rule")))] = row["targets"]
    return found
