"""A project of specs: each found by its `spec` ID, compiled after the specs it uses.

A spec names the specs it builds on in its front matter (`uses`), so the graph
is known from every spec's front matter alone, read without compiling
(`read_header`). A spec's compile is given the *interfaces* of the specs it
uses, directly or through others (`Imports`): their types, the names of their
functions and their rule IDs. `Project` compiles the specs of a project in
that order, each once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specc import ir
from specc.frontend.compile import Compiled, compile_source, decode
from specc.frontend.frontmatter import (
    Requirement,
    default_spec_id,
    load_front_matter,
    read_uses,
)
from specc.frontend.interfaces import Imports, interface_of

_MARKER = re.compile(r"-{3,}")


@dataclass(frozen=True)
class Header:
    """What a spec's front matter says of it, read without compiling it."""

    path: str
    id: str
    version: str | None = None
    uses: tuple[Requirement, ...] = ()


def split_front_matter(text: str) -> str | None:
    """Return the front matter's text as the Markdown parser finds it, or None.

    It follows markdown-it's front matter plugin: a first line of three or more
    dashes, closed by a line of at least as many dashes (indented by less than
    four columns) or by `...`, each followed by nothing but blanks.
    """
    if not text.startswith("---"):
        return None
    end = text.find("\n")
    if end == -1:
        return None
    opening = _MARKER.match(text, 0, end)
    assert opening is not None
    markers = len(opening.group())
    start = body_start = end + 1
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        line = text[start:end]
        if line.startswith("...") and not line[3:].strip(" \t"):
            return text[body_start : max(body_start, start - 1)]
        body = line.lstrip(" \t")
        indent = len(line[: len(line) - len(body)].expandtabs(4))
        if indent < 4 and body.startswith("-"):
            dashes = len(body) - len(body.lstrip("-"))
            if dashes >= markers and not body[dashes:].strip(" \t"):
                return text[body_start : max(body_start, start - 1)]
        start = end + 1
    return None


def read_header(path: str, data: bytes) -> Header:
    """Return a spec's ID, version and `uses`; whatever is malformed is left out.

    The spec's compile reports what is wrong; a header only places the spec
    in its project's graph.
    """
    source, _ = decode(path, data)
    text = split_front_matter(source.text) if source is not None else None
    fields: dict[str, Any] = {}
    if text is not None:
        loaded, _ = load_front_matter(text)
        fields = loaded if isinstance(loaded, dict) else {}
    spec = fields.get("spec")
    version = fields.get("version")
    uses = read_uses(text or "", 2, fields["uses"], None) if "uses" in fields else []
    return Header(
        path,
        spec if isinstance(spec, str) and spec.strip() else default_spec_id(path),
        version if isinstance(version, str) else None,
        tuple(uses),
    )


class Graph:
    """The specs of a project by ID, and the `uses` edges between them."""

    def __init__(self, headers: Iterable[Header]) -> None:
        self.by_path: dict[str, Header] = {}
        self.by_id: dict[str, list[str]] = {}
        for header in headers:
            self.by_path[header.path] = header
            self.by_id.setdefault(header.id, []).append(header.path)

    def used(self, path: str) -> list[str]:
        """Return the paths of the specs ``path`` uses (the unambiguous ones)."""
        found = []
        header = self.by_path.get(path)
        for requirement in header.uses if header is not None else ():
            paths = self.by_id.get(requirement.spec, [])
            if len(paths) == 1 and paths[0] != path:
                found.append(paths[0])
        return found

    def closure(self, path: str) -> list[str]:
        """Return the specs ``path`` uses, directly or not, each after those it uses."""
        order: list[str] = []
        seen = {path}

        def visit(current: str) -> None:
            for used in self.used(current):
                if used not in seen:
                    seen.add(used)
                    visit(used)
                    order.append(used)

        visit(path)
        return order

    def order(self, paths: Iterable[str]) -> list[str]:
        """Return ``paths`` and the specs they use, each after those it uses."""
        order: list[str] = []
        seen: set[str] = set()
        for path in paths:
            for found in [*self.closure(path), path]:
                if found not in seen:
                    seen.add(found)
                    order.append(found)
        return order

    def cycles(self, path: str) -> dict[str, list[str]]:
        """Return, for each spec ``path`` uses that leads back to it, the cycle as IDs."""
        found = {}
        own = self.by_path[path].id
        for used in self.used(path):
            route = self._route(used, path, {used})
            if route is not None:
                found[self.by_path[used].id] = [own, *route]
        return found

    def _route(self, start: str, goal: str, seen: set[str]) -> list[str] | None:
        """Return the IDs along a path of uses from ``start`` to ``goal``, if any."""
        here = self.by_path[start].id
        for used in self.used(start):
            if used == goal:
                return [here, self.by_path[goal].id]
            if used not in seen:
                seen.add(used)
                rest = self._route(used, goal, seen)
                if rest is not None:
                    return [here, *rest]
        return None

    def imports(
        self, path: str, interface: Callable[[str], ir.Interface | None]
    ) -> Imports:
        """Return what ``path``'s compile is given, with ``interface`` of each used path.

        A spec on a cycle with ``path`` is left out: the cycle is reported, and
        leaving it out is what lets every spec be compiled after those it uses.
        """
        interfaces = {}
        for used in self.closure(path):
            if self._route(used, path, {used}) is not None:
                continue
            found = interface(used)
            if found is not None:
                interfaces[found.id] = found
        return Imports(interfaces, self.by_id, self.cycles(path))


class Project:
    """Compiles the specs of a project, each once, after the specs it uses."""

    def __init__(
        self,
        files: Sequence[str],
        compile: Callable[[str, bytes, Imports | None], Compiled] | None = None,
        contents: Mapping[str, bytes] | None = None,
        header: Callable[[str, bytes], Header] = read_header,
    ) -> None:
        """``contents`` gives the bytes of files not read from disk (a git revision's);
        ``header`` reads a spec's header (an incremental build's remembers them)."""
        self.data: dict[str, bytes | None] = {}
        headers = []
        for path in dict.fromkeys(files):
            try:
                data: bytes | None = (
                    contents[path]
                    if contents is not None and path in contents
                    else Path(path).read_bytes()
                )
            except OSError:
                data = None
            self.data[path] = data
            if data is not None:
                headers.append(header(path, data))
        self.graph = Graph(headers)
        self._compile = compile or compile_source
        self.compiled: dict[str, Compiled] = {}
        self._interfaces: dict[str, ir.Interface | None] = {}

    def compile(self, path: str) -> Compiled:
        """Return a spec's outcome, compiling the specs it uses first."""
        from specc.frontend.compile import compile_file

        if path in self.compiled:
            return self.compiled[path]
        data = self.data.get(path)
        if data is None or path not in self.graph.by_path:
            result = compile_file(path)
        else:
            result = self._compile(path, data, self.imports(path))
        self.compiled[path] = result
        return result

    def order(self, paths: Sequence[str]) -> list[str]:
        """Return ``paths`` and the specs they use, each after those it uses."""
        return self.graph.order(paths)

    def imports(self, path: str) -> Imports | None:
        """Return what a spec's compile is given of the project."""
        return self.imports_from(path, self.interface)

    def imports_from(
        self, path: str, interface: Callable[[str], ir.Interface | None]
    ) -> Imports | None:
        """Return what a spec's compile is given, with ``interface`` of each used path."""
        header = self.graph.by_path.get(path)
        if header is None:
            return None
        if not header.uses:
            return Imports(project=self.graph.by_id)
        return self.graph.imports(path, interface)

    def compile_with(self, path: str, data: bytes, imports: Imports | None) -> Compiled:
        """Compile one spec with the imports given (as `imports_from` makes them)."""
        return self._compile(path, data, imports)

    def interface(self, path: str) -> ir.Interface | None:
        """Return a spec's interface, compiling it if needed."""
        if path not in self._interfaces:
            # A spec with errors gives none: its importers report E168.
            spec = self.compile(path).spec
            ok = spec is not None and self.compiled[path].ok
            self._interfaces[path] = interface_of(spec) if ok and spec else None
        return self._interfaces[path]


def project_files(paths: Sequence[str], sources: Sequence[str] = ()) -> list[str]:
    """Return the spec files of the project ``paths`` belong to, each once.

    ``sources`` are the configured spec files and folders (`specc.toml`'s
    `specs`); without them, the project is the folders given and, for each file,
    the spec files beside it. A file found under several spellings (the path
    given, and the configured folder as seen from the current one, which may
    be absolute) keeps the first: the one the user gave, or beside it.
    """
    from specc.frontend.compile import find_specs

    roots: dict[str, None] = {}  # each once: a root found again finds nothing new
    beside: dict[Path, list[str]] = {}
    for name in paths:
        roots[name] = None
        path = Path(name)
        if not path.is_dir():
            if path.parent not in beside:
                beside[path.parent] = _specs_in(path.parent)
            roots.update(dict.fromkeys(beside[path.parent]))
    roots.update(dict.fromkeys(sources))
    existing = [r for r in roots if Path(r).exists()]
    spellings: dict[Path, str] = {}
    for found in find_specs(existing)[0]:
        spellings.setdefault(Path(found).resolve(), found)
    return list(spellings.values())


def _specs_in(folder: Path) -> list[str]:
    """Return the spec files in ``folder`` (not below it), sorted; none if it is
    not a folder."""
    if not folder.is_dir():
        return []
    return sorted(str(p) for p in folder.glob("*.spec.md"))
