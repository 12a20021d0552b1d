"""One change between two versions of a spec, and the recorder every comparison shares."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from specc import ir
from specc.source import Span

Bump = Literal["none", "patch", "minor", "major"]
BUMPS: tuple[Bump, ...] = ("none", "patch", "minor", "major")


@dataclass(frozen=True)
class Change:
    """One difference between the old and the new spec."""

    kind: str
    """What changed, such as `rule-removed` or `field-type`."""
    subject: str
    """The rule ID or declaration name it concerns."""
    message: str
    bump: Bump
    """The least semver bump this change needs."""
    path: str
    line: int

    @property
    def breaking(self) -> bool:
        """Return whether the change needs a major bump."""
        return self.bump == "major"

    def to_json(self) -> dict[str, object]:
        """Return the change as a JSON-ready mapping."""
        return {
            "kind": self.kind,
            "subject": self.subject,
            "message": self.message,
            "breaking": self.breaking,
            "bump": self.bump,
            "path": self.path,
            "line": self.line,
        }


class Recorder:
    """Holds the two specs being compared and appends each change found to ``out``."""

    def __init__(self, old: ir.Spec, new: ir.Spec, out: list[Change]) -> None:
        self.old, self.new, self.out = old, new, out

    def add(
        self,
        kind: str,
        subject: str,
        message: str,
        bump: Bump,
        span: Span | None = None,
    ) -> None:
        """Record one change, placed at ``span`` (else the new spec's first line)."""
        path, line = self.new.path, 1
        if isinstance(span, Span):
            path, line = span.path, span.line
        self.out.append(Change(kind, subject, message, bump, path, line))


@dataclass(frozen=True)
class Importer:
    """A place where another spec imports what a breaking change touches."""

    spec: str
    """The importing spec's ID."""
    declaration: str
    """The imported declaration's name; empty for the `uses` entry of a removed or renamed spec."""
    how: str
    """How it is imported, as written: `use billing.Money`, `billing.Money` or `uses billing`."""
    path: str
    line: int

    def to_json(self) -> dict[str, object]:
        """Return the place as a JSON-ready mapping (its fields, in order)."""
        return asdict(self)
