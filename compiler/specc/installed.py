"""What is installed: package versions and entry points, read from `.dist-info` folders.

`importlib.metadata` answers the same questions, but importing it (with the
`email` package it parses metadata with) and reading each distribution costs
a build about 20 ms of start-up, a twentieth of a rebuild. These read the
folders on `sys.path` as `importlib.metadata` does (the first distribution of
each name, in path order) and leave it to `importlib.metadata` whenever the
folders may not tell the whole story: a zip archive or an egg on the path, a
finder of distributions other than Python's own, an `.egg-info`, an entry
points file they do not read as it would.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from importlib.machinery import PathFinder

_SEPARATORS = re.compile(r"[-_.]+")


def normal(name: str) -> str:
    """Return a distribution's name as `importlib.metadata` compares names."""
    return _SEPARATORS.sub("_", name).lower()


def distributions() -> dict[str, str] | None:
    """Return the metadata folder of each installed distribution, by `normal` name.

    None when only `importlib.metadata` can say (see the module's docstring).
    """
    for finder in sys.meta_path:
        if (
            getattr(finder, "find_distributions", None) is not None
            and finder is not PathFinder
        ):
            return None
    found: dict[str, str] = {}
    for entry in sys.path:
        root = entry or "."
        if os.path.basename(root).lower().endswith(".egg"):
            return None
        try:
            names = os.listdir(root)
        except NotADirectoryError:
            return None  # a zip archive
        except OSError:
            continue
        for name in names:
            low = name.lower()
            if low.endswith((".dist-info", ".egg-info")):
                found.setdefault(
                    normal(low.rpartition(".")[0].partition("-")[0]),
                    os.path.join(root, name),
                )
    return found


def versions(packages: Sequence[str]) -> list[str | None]:
    """Return each package's installed version, None where it is not installed.

    The version is the one the package's ``NAME-VERSION.dist-info`` folder is
    named with.
    """
    folders = distributions()
    found: list[str | None] = []
    for package in packages:
        folder = None if folders is None else folders.get(normal(package))
        stem, _, kind = os.path.basename(folder or "").rpartition(".")
        version = stem.partition("-")[2]
        found.append(version if kind == "dist-info" and "-" not in version else None)
    if None not in found:
        return found
    from importlib import metadata

    for i, package in enumerate(packages):
        if found[i] is None:
            try:
                found[i] = metadata.version(package)
            except metadata.PackageNotFoundError:
                continue
    return found


def entry_points(group: str) -> list[tuple[str, str]]:
    """Return the (name, value) of each entry point in ``group``, in the order
    `importlib.metadata.entry_points(group=group)` gives them."""
    folders = distributions()
    found = None if folders is None else _entry_points(folders.values(), group)
    if found is not None:
        return found
    from importlib.metadata import entry_points as listed

    return [(e.name, e.value) for e in listed(group=group)]


def _entry_points(folders: object, group: str) -> list[tuple[str, str]] | None:
    """Return ``group``'s entry points of ``folders``; None where a file is unusual."""
    found = []
    for folder in folders:  # type: ignore[attr-defined]
        try:
            with open(os.path.join(folder, "entry_points.txt"), "rb") as handle:
                data = handle.read()
        except (
            FileNotFoundError,
            IsADirectoryError,
            NotADirectoryError,
            PermissionError,
        ):
            continue  # as importlib.metadata reads a missing file
        except OSError:
            return None
        if group.encode() not in data:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        section = None
        for line in map(str.strip, text.splitlines()):
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line.strip("[]")
            elif section == group:
                name, equals, value = line.partition("=")
                if not equals:
                    return None
                found.append((name.strip(), value.strip()))
    return found
