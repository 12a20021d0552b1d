"""An adapter over PyPI's `semver` (a declared dependency) implementing semver.spec.md."""

from __future__ import annotations

import semver

from .types import InvalidVersion, Order, Part, Version


def _library(version: Version) -> semver.Version:
    return semver.Version(
        version.major, version.minor, version.patch, version.pre, version.build
    )


def _ours(version: semver.Version) -> Version:
    return Version(
        major=version.major,
        minor=version.minor,
        patch=version.patch,
        pre=version.prerelease,
        build=version.build,
    )


class Semver:
    """Implements `SemverApi` with the `semver` library."""

    def parse(self, text: str) -> Version:
        """Parse with the library, which is as strict as the spec."""
        try:
            return _ours(semver.Version.parse(text))
        except ValueError:
            raise InvalidVersion(text=text) from None

    def compare(self, a: Version, b: Version) -> Order:
        """Order as the library does (build metadata ignored)."""
        order = _library(a).compare(_library(b))
        return [Order.LESS, Order.EQUAL, Order.GREATER][order + 1]

    def bump(self, version: Version, part: Part) -> Version:
        """Bump as `next_version` does (a pre-release bumps to its release)."""
        return _ours(_library(version).next_version(part.value))

    def newest(self, versions: list[Version]) -> Version | None:
        """Return the first of the greatest versions."""
        best: Version | None = None
        for version in versions:
            if best is None or _library(version).compare(_library(best)) > 0:
                best = version
        return best
