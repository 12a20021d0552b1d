"""The version check: which semver bump the changes need, and which the versions show."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from specc.diff.changes import BUMPS, Bump, Change, Importer

_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?")
_PARTS: tuple[Bump, Bump, Bump] = ("major", "minor", "patch")
"""The bump that raising each part of `major.minor.patch` makes."""


@dataclass
class SpecDiff:
    """Every change between two versions of one spec, and the version check."""

    spec: str
    old_version: str | None
    new_version: str | None
    changes: list[Change] = field(default_factory=list)
    former: str | None = None
    """The spec's old ID, when it was renamed."""
    importers: list[Importer] = field(default_factory=list)
    """Where other specs import the declarations its breaking changes touch."""

    @property
    def needed(self) -> Bump:
        """Return the bump the changes need (major shifts to minor before 1.0.0)."""
        bump: Bump = max(
            (c.bump for c in self.changes), key=BUMPS.index, default="none"
        )
        old = _parse_version(self.old_version)
        if old is not None and old[0] == 0 and bump != "none":
            bump = BUMPS[max(1, BUMPS.index(bump) - 1)]
        return bump

    @property
    def found(self) -> Bump | None:
        """Return the bump between the two versions; None if one is missing or it went back."""
        old, new = _parse_version(self.old_version), _parse_version(self.new_version)
        if old is None or new is None:
            return None
        if new[:3] < old[:3]:
            return None
        for part, name in zip(range(3), _PARTS, strict=True):
            if new[part] > old[part]:
                return name
        return "none" if new == old else "patch"

    @property
    def breaking(self) -> bool:
        """Return whether any change is breaking."""
        return any(c.breaking for c in self.changes)

    @property
    def ok(self) -> bool:
        """Return whether the version bump covers every breaking change."""
        if not self.breaking:
            return True
        found = self.found
        return found is not None and BUMPS.index(found) >= BUMPS.index(self.needed)

    def to_json(self) -> dict[str, object]:
        """Return the diff as a JSON-ready mapping."""
        return {
            "spec": self.spec,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "bump_needed": self.needed,
            "bump_found": self.found,
            "breaking": self.breaking,
            "ok": self.ok,
            "changes": [c.to_json() for c in self.changes],
            "importers": [i.to_json() for i in self.importers],
        }


def _parse_version(text: str | None) -> tuple[int, int, int, int] | None:
    """Return (major, minor, patch, is-release) so a release sorts after its pre-release."""
    match = _SEMVER.match(text or "")
    if match is None:
        return None
    major, minor, patch, pre = match.groups()
    return int(major), int(minor), int(patch), 0 if pre else 1
