"""`specc new --use`: the specs a new spec builds on, found in the project by ID.

Each `--use` names a spec (`billing`) and, optionally, types of it to bring
into scope (`billing.Money`, `billing.{Money, Currency}`); the new spec's
`uses` entry asks for the used spec's current version with a caret range
(`1.2.0` gives `^1.2`), so later compatible versions still meet it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from specc.frontend.check.scope import suggest
from specc.frontend.project import Project

_OPTION = re.compile(
    r"\s*([A-Za-z0-9_]+)\s*(?:\.\s*(?:\{([^{}]*)\}|([A-Za-z_][A-Za-z0-9_]*)))?\s*"
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")


class UseError(Exception):
    """Raised when a `--use` names no spec of the project, or no type of it."""


@dataclass(frozen=True)
class Used:
    """A spec the new spec builds on, as its front matter and `use` line write it."""

    spec: str
    requirement: str | None
    """A caret range on the spec's version (`^1.2`); None when it has no version."""
    names: tuple[str, ...] = ()
    """Types brought into scope by `use`, in the order given."""

    @property
    def entry(self) -> str:
        """Return the `uses` entry: `billing ^1.2`."""
        return f"{self.spec} {self.requirement}" if self.requirement else self.spec

    @property
    def statement(self) -> str:
        """Return the `use` statement (`use billing.{Money, Currency}`), or ""."""
        if not self.names:
            return ""
        if len(self.names) == 1:
            return f"use {self.spec}.{self.names[0]}"
        return f"use {self.spec}.{{{', '.join(self.names)}}}"


def parse(values: Sequence[str]) -> dict[str, list[str]]:
    """Return the names asked for, by spec ID in the order given; raise on a malformed one."""
    asked: dict[str, list[str]] = {}
    for value in values:
        match = _OPTION.fullmatch(value)
        names = []
        if match is not None:
            listed = match.group(2)
            names = [n.strip() for n in listed.split(",")] if listed is not None else []
            names += [match.group(3)] if match.group(3) else []
        if match is None or not all(_NAME.fullmatch(n) for n in names):
            raise UseError(
                f"`{value}` is not a spec to use: write `SPEC`, `SPEC.Type` or "
                "`SPEC.{Type, Other}`, with a spec ID of letters, digits and `_`"
            )
        have = asked.setdefault(match.group(1), [])
        have += [n for n in names if n not in have]
    return asked


def resolve(name: str, values: Sequence[str], files: Sequence[str]) -> list[Used]:
    """Return what each `--use` asks of the project's spec ``files``, checked."""
    asked = parse(values)
    if not asked:
        return []
    project = Project(files)
    graph = project.graph
    found = []
    for spec, names in asked.items():
        if spec == name:
            raise UseError(f"spec `{name}` cannot use itself")
        paths = graph.by_id.get(spec, [])
        if not paths:
            hint = suggest(spec, sorted(graph.by_id)) or (
                "specs are found by the `spec` ID in their front matter (else "
                "their file name) among the project's spec files"
            )
            raise UseError(f"no spec `{spec}` in the project; {hint}")
        if len(paths) > 1:
            raise UseError(
                f"{len(paths)} specs have the ID `{spec}`: {', '.join(paths)}"
            )
        path = paths[0]
        _check_names(spec, path, names, project)
        version = graph.by_path[path].version
        found.append(Used(spec, caret(version), tuple(names)))
    return found


def _check_names(spec: str, path: str, names: list[str], project: Project) -> None:
    """Raise unless spec ``spec`` declares a type of each of ``names``."""
    if not names:
        return
    interface = project.interface(path)
    if interface is None:
        raise UseError(
            f"spec `{spec}` has errors, so its types are unknown: "
            f"`specc check {path}` shows them"
        )
    types = [t.name for t in interface.types]
    for wanted in names:
        if wanted in types:
            continue
        if wanted in interface.functions:
            raise UseError(
                f"`{spec}.{wanted}` is a function: only types can be used from another spec"
            )
        hint = suggest(wanted, types) or f"its types: {', '.join(types) or 'none'}"
        raise UseError(f"spec `{spec}` declares no type `{wanted}`; {hint}")


def caret(version: str | None) -> str | None:
    """Return the range a spec of ``version`` and its compatible successors meet.

    `1.2.0` gives `^1.2`, `0.3.1` gives `^0.3` (0.3.x, as npm reads a caret
    before 1.0.0), and a pre-release `2.0.0-rc.1` gives `^2.0.0-rc.1`, since
    a range without a pre-release part rejects every pre-release.
    """
    match = _VERSION.fullmatch(version or "")
    if match is None:
        return None
    major, minor, patch, pre = match.groups()
    return f"^{major}.{minor}.{patch}{pre}" if pre else f"^{major}.{minor}"
