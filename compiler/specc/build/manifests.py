"""What rewriting a hand-edited package manifest would lose: dependencies, other edits.

`npm install semver` adds `"semver"` to a generated `package.json`; `cargo add`
and hand edits do the same to `Cargo.toml` and `pyproject.toml`. The build
compares such a file with the one it would write: the dependencies the edit
added and the build does not declare, and whether anything outside the
dependency tables differs too. Nothing lost means the build may rewrite it.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

#: Tables of a manifest that list dependencies, by file name.
DEPENDENCY_TABLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "package.json": (
        ("dependencies",),
        ("devDependencies",),
        ("peerDependencies",),
        ("optionalDependencies",),
    ),
    "Cargo.toml": (("dependencies",), ("dev-dependencies",), ("build-dependencies",)),
    "pyproject.toml": (("project", "dependencies"),),
}
_REQUIREMENT_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class Loss:
    """What a rewrite of one hand-edited manifest would throw away."""

    dependencies: dict[str, str]
    """Dependency name -> the version the edit gives it, not declared anywhere."""
    other: bool
    """Whether something outside the dependency tables was edited too."""

    def __bool__(self) -> bool:
        return bool(self.dependencies) or self.other


def loss(relative: str, on_disk: str, wanted: str) -> Loss:
    """Return what writing ``wanted`` over the edited ``on_disk`` would lose."""
    name = PurePosixPath(relative).name
    tables = DEPENDENCY_TABLES.get(name)
    try:
        disk, new = _read(name, on_disk), _read(name, wanted)
    except ValueError:
        return Loss({}, True)
    if tables is None or not isinstance(disk, dict) or not isinstance(new, dict):
        return Loss({}, disk != new)
    have, keep = _dependencies(disk, tables), _dependencies(new, tables)
    lost = {n: v for n, v in have.items() if n not in keep}
    return Loss(lost, _without(disk, tables) != _without(new, tables))


def _read(name: str, text: str) -> Any:
    """Parse a manifest as JSON or TOML; raise ValueError when it does not parse."""
    if name.endswith(".json"):
        return json.loads(text)
    from importlib import import_module

    tomllib = import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(str(error)) from error


def _dependencies(data: dict[str, Any], tables: tuple[tuple[str, ...], ...]) -> dict[str, str]:
    """Return every dependency the manifest lists: name -> its version, as text."""
    found: dict[str, str] = {}
    for keys in tables:
        value = _at(data, keys)
        if isinstance(value, dict):
            found.update({str(k): _shown(v) for k, v in value.items()})
        elif isinstance(value, list):  # PEP 508 requirements
            for requirement in value:
                match = _REQUIREMENT_NAME.match(str(requirement))
                if match:
                    found[match.group(1)] = str(requirement)[match.end() :].strip()
    return found


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _at(data: Any, keys: tuple[str, ...]) -> Any:
    """Return the value at a key path, or None where the path ends early."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _without(data: dict[str, Any], tables: tuple[tuple[str, ...], ...]) -> Any:
    """Return a copy of ``data`` without its dependency tables."""
    copy = json.loads(json.dumps(data, default=str))
    for keys in tables:
        holder = _at(copy, keys[:-1]) if keys[:-1] else copy
        if isinstance(holder, dict):
            holder.pop(keys[-1], None)
    return copy
