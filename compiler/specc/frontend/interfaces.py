"""What one spec's compile is given of its project: the interfaces of the specs it uses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

from specc import ir
from specc.records.data import hints


@dataclass(frozen=True)
class Imports:
    """What one spec's compile is given of the rest of its project."""

    interfaces: Mapping[str, ir.Interface] = field(default_factory=dict)
    """By ID, the interface of every spec it uses, directly or through another."""
    project: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Every spec ID of the project, with the files that declare it."""
    cycles: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """For a used spec that leads back to this one: the whole cycle, as IDs."""

    def same_uses(self, other: Imports | None) -> bool:
        """Return whether ``other`` gives a spec that compiled cleanly the same outcome.

        Only the interfaces and cycles matter then: the rest of the project
        shapes only diagnostics about specs it does not have.
        """
        if other is None:
            return not (self.interfaces or self.cycles)
        return self.interfaces == other.interfaces and self.cycles == other.cycles


def interface_of(spec: ir.Spec) -> ir.Interface:
    """Return what other specs see of ``spec``, every named type with its spec.

    The nodes are the spec's own where nothing in them changes; a `named`
    type without a spec, and every node holding one, is made anew with it.
    """
    return ir.Interface(
        id=spec.id,
        version=spec.version,
        types=[_qualified(t, spec.id) for t in spec.types],
        functions=[f.name for f in spec.functions],
        rules=[r.id for r in spec.rules() if r.id is not None],
    )


def _qualified(node: Any, spec_id: str) -> Any:
    """Return IR ``node`` with `spec` set on each named type that lacks one."""
    if isinstance(node, list):
        items = [_qualified(item, spec_id) for item in node]
        return node if all(a is b for a, b in zip(items, node, strict=True)) else items
    if not isinstance(node, ir.Node):
        return node
    changed = {}
    for name in _node_fields(type(node)):
        value = getattr(node, name)
        found = _qualified(value, spec_id)
        if found is not value:
            changed[name] = found
    if isinstance(node, ir.TypeRef) and node.kind == "named" and not node.spec:
        changed["spec"] = spec_id
    if not changed:
        return node
    return node.replace(**changed)


def _node_fields(cls: type[ir.Node]) -> tuple[str, ...]:
    """Return the fields of ``cls`` that may hold IR nodes (and so a type)."""
    known = _NODE_FIELDS.get(cls)
    if known is None:
        held = [name for name, hint in hints(cls).items() if _may_hold_nodes(hint)]
        known = _NODE_FIELDS[cls] = tuple(held)
    return known


_NODE_FIELDS: dict[type[ir.Node], tuple[str, ...]] = {}


def _may_hold_nodes(annotation: Any) -> bool:
    """Return whether a field of this (evaluated) annotation can hold an IR node:
    no for `str`, `int`, a `Span` or a `Literal`."""
    if isinstance(annotation, type):
        return issubclass(annotation, ir.Node)
    if get_origin(annotation) is Literal:
        return False
    return any(_may_hold_nodes(arg) for arg in get_args(annotation))
