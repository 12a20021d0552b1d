"""A correct hand-written implementation of specs/semver.spec.md (semver.org 2.0.0)."""

from __future__ import annotations

import re

from .types import InvalidVersion, Order, Part, Version

_NUMBER = r"(0|[1-9][0-9]*)"
_PRE_IDENTIFIER = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_VERSION = re.compile(
    rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}"
    rf"(?:-({_PRE_IDENTIFIER}(?:\.{_PRE_IDENTIFIER})*))?"
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
)


def _sign(difference: int) -> int:
    return (difference > 0) - (difference < 0)


def _identifier_order(a: str, b: str) -> int:
    """Order two pre-release identifiers: numbers numerically, before words."""
    if a.isdigit() and b.isdigit():
        return _sign(int(a) - int(b))
    if a.isdigit() or b.isdigit():
        return -1 if a.isdigit() else 1
    return (a > b) - (a < b)


def _order(a: Version, b: Version) -> int:
    """Return -1, 0 or 1 as ``a`` orders before, with or after ``b``."""
    for x, y in ((a.major, b.major), (a.minor, b.minor), (a.patch, b.patch)):
        if x != y:
            return _sign(x - y)
    if a.pre is None or b.pre is None:
        return (a.pre is None) - (b.pre is None)
    left, right = a.pre.split("."), b.pre.split(".")
    for mine, theirs in zip(left, right):
        found = _identifier_order(mine, theirs)
        if found:
            return found
    return _sign(len(left) - len(right))


class Semver:
    """Implements `SemverApi`."""

    def parse(self, text: str) -> Version:
        """Parse exactly the semver.org grammar."""
        match = _VERSION.fullmatch(text)
        if match is None:
            raise InvalidVersion(text=text)
        major, minor, patch, pre, build = match.groups()
        return Version(
            major=int(major), minor=int(minor), patch=int(patch), pre=pre, build=build
        )

    def compare(self, a: Version, b: Version) -> Order:
        """Order by the numbers, then the pre-release label; build metadata is ignored."""
        return [Order.LESS, Order.EQUAL, Order.GREATER][_order(a, b) + 1]

    def bump(self, version: Version, part: Part) -> Version:
        """Return the smallest release after ``version`` with zeros after ``part``."""
        major, minor, patch = version.major, version.minor, version.patch
        if part is Part.MAJOR:
            zero = minor == 0 and patch == 0
            return Version(
                major=major if version.pre and zero else major + 1, minor=0, patch=0
            )
        if part is Part.MINOR:
            minor = minor if version.pre and patch == 0 else minor + 1
            return Version(major=major, minor=minor, patch=0)
        return Version(
            major=major, minor=minor, patch=patch if version.pre else patch + 1
        )

    def newest(self, versions: list[Version]) -> Version | None:
        """Return the first of the greatest versions, or None for none."""
        best: Version | None = None
        for version in versions:
            if best is None or _order(version, best) > 0:
                best = version
        return best
