"""The index's picture of a project's specs: who uses whom, and which versions.

An inline SVG, laid out in rows: the specs that use no other on top, each
other spec one row below the lowest spec it uses. Every node links to its
spec's page; every arrow goes from a spec to one it uses, labelled with the
versions it accepts. It is drawn with presentation attributes in
`currentColor`, so it follows the page's theme without a style of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

NODE_WIDTH, NODE_HEIGHT = 184, 46
GAP_X, GAP_Y, MARGIN = 36, 70, 12
MAX_TITLE = 24


@dataclass(frozen=True, eq=False, repr=False)
class Node:
    """One spec in the picture."""

    id: str
    title: str
    version: str | None
    file: str
    uses: tuple[tuple[str, str | None], ...]
    """(ID, version range) of each spec it uses."""


def spec_graph(nodes: Sequence[Node]) -> Markup | None:
    """Return the SVG of the specs and their `uses`, or None when no spec uses another."""
    by_id = {n.id: n for n in nodes}
    if not any(u in by_id for n in nodes for u, _ in n.uses):
        return None
    rows = _rows(nodes, by_id)
    width = max(len(r) for r in rows) * (NODE_WIDTH + GAP_X) - GAP_X + 2 * MARGIN
    height = len(rows) * (NODE_HEIGHT + GAP_Y) - GAP_Y + 2 * MARGIN
    place: dict[str, tuple[float, float]] = {}
    for depth, row in enumerate(rows):
        span = len(row) * (NODE_WIDTH + GAP_X) - GAP_X
        left = (width - span) / 2
        for i, node in enumerate(row):
            place[node.id] = (
                left + i * (NODE_WIDTH + GAP_X),
                MARGIN + depth * (NODE_HEIGHT + GAP_Y),
            )
    edges = [
        _edge(place[n.id], place[u], wanted)
        for n in nodes
        for u, wanted in n.uses
        if u in place
    ]
    boxes = [_node(n, *place[n.id]) for row in rows for n in row]
    label = "How the specs use each other: " + "; ".join(
        f"{n.id} uses {', '.join(u for u, _ in n.uses)}" for n in nodes if n.uses
    )
    return Markup(
        f'<svg class="spec-graph" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'role="img" aria-label="{escape(label)}">\n'
        '<defs><marker id="graph-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor"/></marker></defs>\n'
        + "".join(edges)
        + "".join(boxes)
        + "</svg>"
    )


def _rows(nodes: Sequence[Node], by_id: dict[str, Node]) -> list[list[Node]]:
    """Return the nodes in rows: each one row below the lowest spec it uses."""
    depth: dict[str, int] = {}

    def level(node: Node, seen: frozenset[str]) -> int:
        if node.id not in depth:
            used = [by_id[u] for u, _ in node.uses if u in by_id and u not in seen]
            depth[node.id] = 1 + max(
                (level(u, seen | {node.id}) for u in used), default=-1
            )
        return depth[node.id]

    for node in nodes:
        level(node, frozenset())
    rows: list[list[Node]] = [[] for _ in range(max(depth.values()) + 1)]
    for node in nodes:
        rows[depth[node.id]].append(node)
    return rows


def _node(node: Node, x: float, y: float) -> str:
    """Return one spec's box, linked to its page."""
    title = (
        node.title
        if len(node.title) <= MAX_TITLE
        else node.title[: MAX_TITLE - 1] + "…"
    )
    meta = node.id + (f" v{node.version}" if node.version else "")
    middle = x + NODE_WIDTH / 2
    return str(
        Markup(
            '<a href="{file}" class="graph-node"><title>{title}</title>'
            '<rect x="{x:g}" y="{y:g}" width="{w}" height="{h}" rx="8" '
            'fill="currentColor" fill-opacity="0.06" stroke="currentColor" '
            'stroke-opacity="0.55"/>'
            '<text x="{mx:g}" y="{ty:g}" text-anchor="middle" fill="currentColor" '
            'font-size="14" font-weight="600">{short}</text>'
            '<text x="{mx:g}" y="{my:g}" text-anchor="middle" fill="currentColor" '
            'fill-opacity="0.7" font-size="12" font-family="monospace">{meta}</text>'
            "</a>\n"
        ).format(
            file=node.file,
            title=node.title,
            x=x,
            y=y,
            w=NODE_WIDTH,
            h=NODE_HEIGHT,
            mx=middle,
            ty=y + 19,
            my=y + 36,
            short=title,
            meta=meta,
        )
    )


def _edge(
    user: tuple[float, float], used: tuple[float, float], wanted: str | None
) -> str:
    """Return the arrow from a spec to one it uses, labelled with the range it accepts."""
    x1, y1 = user[0] + NODE_WIDTH / 2, user[1]
    x2, y2 = used[0] + NODE_WIDTH / 2, used[1] + NODE_HEIGHT
    if y1 <= y2:  # a spec on the same row or above (only in a cycle): go round the side
        x1, y1 = user[0] + NODE_WIDTH, user[1] + NODE_HEIGHT / 2
        x2, y2 = used[0], used[1] + NODE_HEIGHT / 2
    line = str(
        Markup(
            '<line x1="{0:g}" y1="{1:g}" x2="{2:g}" y2="{3:g}" stroke="currentColor" '
            'stroke-opacity="0.6" marker-end="url(#graph-arrow)"/>\n'
        ).format(x1, y1, x2, y2)
    )
    if not wanted:
        return line
    return line + str(
        Markup(
            '<text x="{0:g}" y="{1:g}" text-anchor="middle" fill="currentColor" '
            'font-size="12" font-family="monospace" class="graph-range">{2}</text>\n'
        ).format((x1 + x2) / 2 + 6, (y1 + y2) / 2 + 4, wanted)
    )
