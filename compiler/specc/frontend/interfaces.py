"""What one spec's compile is given of its project: the interfaces of the specs it uses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from specc import ir


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
    """Return what other specs see of ``spec``, every named type with its spec."""
    types = [_qualified(t.model_dump(), spec.id) for t in spec.types]
    return ir.Interface.model_validate(
        {
            "id": spec.id,
            "version": spec.version,
            "types": types,
            "functions": [f.name for f in spec.functions],
            "rules": [r.id for r in spec.rules()],
        }
    )


def _qualified(data: Any, spec_id: str) -> Any:
    """Return dumped IR with `spec` set on each named type that lacks one."""
    if isinstance(data, list):
        return [_qualified(item, spec_id) for item in data]
    if not isinstance(data, dict):
        return data
    found = {key: _qualified(value, spec_id) for key, value in data.items()}
    if found.get("kind") == "named" and "args" in found and not found.get("spec"):
        found["spec"] = spec_id
    return found
