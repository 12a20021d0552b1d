# Scaffolded once by specc from semver.spec.md; yours to edit: specc never overwrites it.
"""The implementation of semver.spec.md: replace each `raise NotImplementedError` with the real thing.

`specc test --target python` reports an operation as not implemented while it
raises NotImplementedError, and the conformance tests check this class against
`SemverApi` with mypy.
"""

from __future__ import annotations

from .types import InvalidVersion, Order, Part, Version


class Semver:
    """Implements `SemverApi`, one method per rule of the spec."""

    def parse(self, text: str) -> Version:
        """Rule `parse`: see `SemverApi.parse`."""
        raise NotImplementedError("not implemented: rule parse")

    def compare(self, a: Version, b: Version) -> Order:
        """Rule `compare`: see `SemverApi.compare`."""
        raise NotImplementedError("not implemented: rule compare")

    def bump(self, version: Version, part: Part) -> Version:
        """Rule `bump`: see `SemverApi.bump`."""
        raise NotImplementedError("not implemented: rule bump")

    def newest(self, versions: list[Version]) -> Version | None:
        """Rule `newest`: see `SemverApi.newest`."""
        raise NotImplementedError("not implemented: rule newest")
