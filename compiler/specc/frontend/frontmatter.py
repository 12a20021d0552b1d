"""Front matter: the YAML block that names, titles and versions a spec."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from specc.frontend.parse import Document

Report = Callable[..., None]
"""The lowerer's `SpecContext.diag`: (code, message, line, col=1, hint=None, length)."""

FRONT_MATTER_KEYS = ("spec", "title", "version", "summary", "uses")
#: The spec IDs `uses` and `use` can name: identifiers, as qualified names need.
SPEC_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: Keys whose value is structured: kept in the IR's metadata as JSON text.
STRUCTURED_KEYS = ("dependencies",)
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$"
)


@dataclass(frozen=True, eq=False, repr=False)
class Requirement:
    """An entry of front matter `uses`: a spec's ID and the versions it must have."""

    spec: str
    range: str | None
    """An npm version range (`>=1.2`, `^1.0`), or None for any version."""
    line: int
    col: int
    length: int
    """How many characters the entry spans on its line."""


def default_spec_id(path: str) -> str:
    """Return the ID of a spec without a `spec` field: its file name up to the first dot."""
    return PurePath(path).name.split(".")[0] or "spec"


def read_front_matter(
    doc: Document, diag: Report
) -> tuple[dict[str, str], list[Requirement]]:
    """Validate the YAML front matter; return its fields as strings, and its `uses`."""
    text = doc.front_matter
    if text is None:
        _report_displaced(doc, diag)
        return {}, []
    first = doc.front_matter_line
    data, error = load_front_matter(text)
    if error is not None:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        line = first + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        diag("E010", f"front matter is not valid YAML: {problem}", line, col)
        return {}, []
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        diag("E011", "front matter must be a mapping of `key: value` lines", first)
        return {}, []
    meta: dict[str, str] = {}
    uses: list[Requirement] = []
    for key, value in data.items():
        line = _line_of(doc, str(key))
        if key == "dependencies":
            problem = _dependencies_problem(value)
            if problem:
                diag("E012", f"front matter `dependencies` {problem}", line, 1, _DEPS)
            else:
                meta[key] = _yaml_text(value)
            continue
        if key == "uses":
            uses = read_uses(text, first, value, diag)
            continue
        if key in FRONT_MATTER_KEYS and not isinstance(value, str):
            hint = 'quote it: version: "1.0.0"' if key == "version" else None
            diag("E012", f"front matter `{key}` must be a string", line, 1, hint)
            continue
        if key == "version" and not _SEMVER.match(value):
            diag(
                "E012",
                f"version `{value}` is not a semantic version",
                line,
                1,
                "write MAJOR.MINOR.PATCH, such as 1.0.0",
            )
            continue
        if key == "spec" and not value.strip():
            diag("E012", "front matter `spec` must not be empty", line)
            continue
        if key not in FRONT_MATTER_KEYS:
            diag(
                "W013",
                f"unknown front matter field `{key}`",
                line,
                1,
                f"known fields: {', '.join(FRONT_MATTER_KEYS + STRUCTURED_KEYS)}",
            )
        meta[str(key)] = value if isinstance(value, str) else _yaml_text(value)
    return meta, uses


def read_uses(
    text: str, first: int, value: object, diag: Report | None
) -> list[Requirement]:
    """Return the entries of `uses` (`- billing >=1.2`), reporting malformed ones."""

    def wrong(
        message: str,
        line: int,
        col: int = 1,
        length: int | None = None,
        hint: str = "write `uses:` as a list of entries such as `- billing >=1.2`",
    ) -> None:
        if diag is not None:
            diag("E012", message, line, col, hint, length)

    line = first + next(
        (i for i, t in enumerate(text.splitlines()) if t.startswith("uses:")), 0
    )
    if not isinstance(value, list):
        wrong("front matter `uses` must be a list of spec IDs", line)
        return []
    places = _item_places(text)
    found: list[Requirement] = []
    for index, item in enumerate(value):
        at_line, at_col = places[index] if index < len(places) else (-1, 0)
        where = (first + at_line, at_col + 1) if at_line >= 0 else (line, 1)
        if not isinstance(item, str) or not item.strip():
            wrong(
                "a `uses` entry must be a spec ID, then optionally a version range",
                *where,
            )
            continue
        spec, _, wanted = item.strip().partition(" ")
        length = len(item.strip())
        if not SPEC_ID.match(spec):
            wrong(
                f"`{spec}` cannot be used: a used spec's ID is a name of letters, digits and `_`",
                *where,
                length,
                _id_hint(spec),
            )
            continue
        wanted = wanted.strip()
        if wanted and not valid_range(wanted):
            wrong(f"`{wanted}` is not a version range", *where, length)
            continue
        found.append(Requirement(spec, wanted or None, where[0], where[1], length))
    return found


def _id_hint(spec: str) -> str:
    """Return how to use a spec whose ID is no name (`my-spec`): `ID.Type` names
    a used spec's types, so the spec needs an ID that can stand there."""
    name = re.sub(r"\W", "_", spec, flags=re.ASCII)
    if not SPEC_ID.match(name):
        return "write `uses:` as a list of entries such as `- billing >=1.2`"
    return (
        f"`{spec}.Type` could not name its types: give that spec an ID such as "
        f"`{name}` (`spec: {name}` in its front matter) and use it by that ID"
    )


#: A front matter line that YAML reads as a string key and a string value,
#: whatever PyYAML's resolvers make of plain scalars: a name, a colon and one
#: blank, then words of letters, digits and `_.,;()/-` (the first one starting
#: with a letter) or a version `1.2.3`. (PyYAML refuses a key of over 1024
#: characters.)
_PLAIN_LINE = re.compile(
    r"([A-Za-z_][A-Za-z0-9_-]{0,127}): "
    r"([A-Za-z][\w.,;()/-]*(?: [A-Za-z0-9(][\w.,;()/-]*)*|\d+\.\d+\.\d+)",
    re.ASCII,
)
#: Plain scalars PyYAML reads as booleans or null, in some case of letters.
_NOT_STRINGS = frozenset({"yes", "no", "true", "false", "on", "off", "null"})


def load_front_matter(text: str) -> tuple[Any, Exception | None]:
    """Return front matter as `yaml.safe_load` reads it, or None and the
    `yaml.YAMLError` it raised; PyYAML is imported only for what
    `simple_front_matter` does not read."""
    data = simple_front_matter(text)
    if data is not None:
        return data, None
    import yaml

    try:
        return yaml.safe_load(text), None
    except yaml.YAMLError as error:
        return None, error


def simple_front_matter(text: str) -> dict[str, str] | None:
    """Return front matter of `key: value` lines as `yaml.safe_load` would, or None.

    Most front matter is a few such lines of names, words and versions; reading
    them here spares a build importing PyYAML (about 10 ms) and its parse.
    None means: anything else, for `yaml.safe_load` to read.
    """
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    fields: dict[str, str] = {}
    for line in lines:
        match = _PLAIN_LINE.fullmatch(line)
        if match is None:
            return None
        key, value = match.groups()
        if key.lower() in _NOT_STRINGS or value.lower() in _NOT_STRINGS:
            return None
        fields[key] = value
    return fields or None


def valid_range(text: str) -> bool:
    """Return whether ``text`` is an npm version range (`>=1.2`, `^1.0 || ^2.0`)."""
    import semantic_version

    try:
        semantic_version.NpmSpec(text)
    except ValueError:
        return False
    return True


def _item_places(text: str) -> list[tuple[int, int]]:
    """Return the 0-based (line, column) of each item of the `uses` list in ``text``."""
    import yaml

    try:
        root: Any = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    for key, node in getattr(root, "value", []):
        if getattr(key, "value", None) == "uses" and isinstance(
            node, yaml.SequenceNode
        ):
            return [
                (item.start_mark.line, item.start_mark.column) for item in node.value
            ]
    return []


_KEY_LINE = re.compile(r"[A-Za-z_][\w-]*\s*:")


def _report_displaced(doc: Document, diag: Report) -> None:
    """Report front matter that does not start on line 1 (Markdown would eat it)."""
    lines = doc.source.text.splitlines()
    for number, line in enumerate(lines[:20], start=1):
        if line.lstrip().startswith("#"):
            return  # a heading first: a later `---` is a thematic break
        if line.rstrip() != "---" or number == 1:
            continue
        body = []
        for inner in lines[number:]:
            if inner.rstrip() == "---":
                break
            body.append(inner)
        else:
            return
        top = [b for b in body if b.strip() and not b[0].isspace()]
        keys = [m.group().rstrip(" :") for m in map(_KEY_LINE.match, top) if m]
        if top and len(keys) == len(top) and keys[0] in FRONT_MATTER_KEYS:
            before = "line 1" if number == 2 else f"lines 1-{number - 1}"
            diag(
                "E014",
                "front matter must start on the first line; the text on "
                f"{before} before it makes it Markdown, and its fields are lost",
                number,
                1,
                f"remove what stands before `---` on line {number}",
            )
        return


_DEPS = 'write `dependencies: {ts: {semver: "^7.6.0"}, python: {semver: ">=3"}}`'


def _dependencies_problem(value: object) -> str | None:
    """Return what is wrong with a `dependencies` value: target -> name -> version."""
    if not isinstance(value, dict):
        return "must map a target to its dependencies"
    for target, deps in value.items():
        if not isinstance(deps, dict):
            return f"of `{target}` must map a package name to its version"
        for name, version in deps.items():
            table = isinstance(version, dict) and all(
                isinstance(k, str) for k in version
            )
            if not isinstance(version, str) and not table:
                return (
                    f"`{target}.{name}` must be a version string (or a table for Rust)"
                )
    return None


def _line_of(doc: Document, key: str) -> int:
    first = doc.front_matter_line
    for offset, text in enumerate((doc.front_matter or "").splitlines()):
        if text.startswith(f"{key}:"):
            return first + offset
    return first


def _yaml_text(value: object) -> str:
    import json

    return json.dumps(value, default=str, sort_keys=True)
