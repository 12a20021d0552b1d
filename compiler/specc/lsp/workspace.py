"""The specs of an open document's project, for navigation across specs.

A name another spec declares is looked up in that spec's index: the open
document's, when the spec is open, else one built from the project the
document was last checked in (`Checked.project`, which has already compiled
the specs the document uses). Finding references looks in the declaring spec
and in every spec of the project that uses it, directly or through others.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from specc.lsp.checking import Checked, normalized_lines
from specc.lsp.index import Index, build_index
from specc.lsp.server import Document, SpeccServer, resolved
from specc.lsp.text import Text


@dataclass(frozen=True)
class Place:
    """One spec's index, with the document it is in."""

    uri: str
    text: Text
    index: Index


async def index_of(ls: SpeccServer, doc: Document) -> Index | None:
    """Return the index of an open document's current version (checking it if need be)."""
    checked = await ls.full_check(doc)
    spec = checked.compiled.spec
    if spec is None:
        return None
    if doc.cache.get("index_version") != checked.version:
        doc.cache["index"] = build_index(spec, checked.lines)
        doc.cache["index_version"] = checked.version
    found = doc.cache["index"]
    assert isinstance(found, Index)
    return found


async def own_place(ls: SpeccServer, doc: Document) -> Place | None:
    """Return an open document's own place."""
    index = await index_of(ls, doc)
    return Place(doc.uri, doc.text, index) if index is not None else None


async def spec_place(ls: SpeccServer, doc: Document, spec_id: str) -> Place | None:
    """Return the place of spec ``spec_id`` of the document's project, if it has one."""
    checked = await ls.full_check(doc)
    spec = checked.compiled.spec
    if spec is not None and spec.id == spec_id:
        return await own_place(ls, doc)
    project = checked.project
    paths = project.graph.by_id.get(spec_id, []) if project is not None else []
    return await _place(ls, doc, checked, paths[0]) if len(paths) == 1 else None


async def users(ls: SpeccServer, doc: Document, spec_id: str) -> list[Place]:
    """Return the places of spec ``spec_id`` and of every spec of the project that uses
    it, directly or not (the document's own first)."""
    checked = await ls.full_check(doc)
    own = await own_place(ls, doc)
    found = [own] if own is not None else []
    project = checked.project
    paths = project.graph.by_id.get(spec_id, []) if project is not None else []
    if project is None or len(paths) != 1:
        return found
    declaring = paths[0]
    mine = resolved(doc.path)
    for path in project.graph.by_path:
        if resolved(path) == mine:
            continue
        if path == declaring or declaring in project.graph.closure(path):
            place = await _place(ls, doc, checked, path)
            if place is not None:
                found.append(place)
    return found


async def _place(
    ls: SpeccServer, doc: Document, checked: Checked, path: str
) -> Place | None:
    """Return the place of a spec file of the document's project."""
    wanted = resolved(path)
    for other in list(ls.documents.values()):
        if resolved(other.path) == wanted:
            return await own_place(ls, other)
    places = doc.cache.setdefault("places", {})
    key = (checked.version, wanted)
    if key not in places:
        places[key] = await _compiled_place(ls, checked, path)
    found = places[key]
    assert found is None or isinstance(found, Place)
    return found


async def _compiled_place(ls: SpeccServer, checked: Checked, path: str) -> Place | None:
    """Return the place of a closed spec file, compiled in the checked project."""
    project = checked.project
    assert project is not None
    loop = asyncio.get_running_loop()
    compiled = await loop.run_in_executor(ls.checker, project.compile, path)
    if compiled.spec is None or compiled.source is None:
        return None
    source = compiled.source.text
    index = build_index(compiled.spec, normalized_lines(source))
    return Place(Path(path).resolve().as_uri(), Text(source, ls.encoding), index)
