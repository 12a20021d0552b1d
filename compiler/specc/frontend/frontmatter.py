"""Front matter: the YAML block that names, titles and versions a spec."""

from __future__ import annotations

import re
from collections.abc import Callable

from specc.frontend.parse import Document

Report = Callable[..., None]
"""The lowerer's `SpecContext.diag`: (code, message, line, col=1, hint=None)."""

FRONT_MATTER_KEYS = ("spec", "title", "version", "summary")
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$"
)


def read_front_matter(doc: Document, diag: Report) -> dict[str, str]:
    """Validate the YAML front matter and return its fields as strings."""
    text = doc.front_matter
    if text is None:
        _report_displaced(doc, diag)
        return {}
    import yaml

    first = doc.front_matter_line
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        line = first + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        diag("E010", f"front matter is not valid YAML: {problem}", line, col)
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        diag("E011", "front matter must be a mapping of `key: value` lines", first)
        return {}
    meta: dict[str, str] = {}
    for key, value in data.items():
        line = _line_of(doc, str(key))
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
                f"known fields: {', '.join(FRONT_MATTER_KEYS)}",
            )
        meta[str(key)] = value if isinstance(value, str) else _yaml_text(value)
    return meta


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


def _line_of(doc: Document, key: str) -> int:
    first = doc.front_matter_line
    for offset, text in enumerate((doc.front_matter or "").splitlines()):
        if text.startswith(f"{key}:"):
            return first + offset
    return first


def _yaml_text(value: object) -> str:
    import json

    return json.dumps(value, default=str, sort_keys=True)
