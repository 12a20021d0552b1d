"""Every relative link of the README and docs/ reaches a file of the repository.

A link's `#anchor` into a Markdown file must match one of its headings, by
GitHub's rules for heading anchors, so a reader on GitHub lands where the
link says.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt

from conftest import ROOT

PAGES = sorted(
    {ROOT / "README.md", ROOT / "benchmarks" / "README.md"}
    | set((ROOT / "docs").glob("*.md"))
    | set((ROOT / "examples").rglob("README.md"))
    | set((ROOT / "tests" / "data").rglob("README.md"))
)


def parser() -> MarkdownIt:
    """Return a CommonMark parser with tables, as GitHub reads these pages."""
    return MarkdownIt("commonmark").enable("table")


def slug(heading: str) -> str:
    """Return GitHub's anchor of a heading's text: lower case, punctuation dropped,
    spaces made hyphens (letters, marks, digits, `_` and `-` stay)."""
    kept = (
        c
        for c in heading.strip().lower()
        if c in " -" or unicodedata.category(c)[0] in "LMN" or c == "_"
    )
    return "".join(kept).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Return the anchors of a Markdown page's headings; a repeated one gets -1, -2…"""
    tokens = parser().parse(text)
    seen: Counter[str] = Counter()
    found = set()
    for opening, inline in zip(tokens, tokens[1:], strict=False):
        if opening.type != "heading_open":
            continue
        words = "".join(
            c.content
            for c in inline.children or []
            if c.type in ("text", "code_inline")
        )
        base = slug(words)
        found.add(f"{base}-{seen[base]}" if seen[base] else base)
        seen[base] += 1
    return found


@functools.cache
def page_anchors(page: Path) -> frozenset[str]:
    """Return the anchors of a page's headings, parsed once per page (a page of
    docs/ links to its own headings a hundred times)."""
    return frozenset(anchors(page.read_text(encoding="utf-8")))


def links(text: str) -> list[str]:
    """Return the targets of a page's links and images, outside code."""
    targets = []
    for token in parser().parse(text):
        for child in token.children or []:
            if child.type == "link_open":
                targets.append(str(child.attrs["href"]))
            elif child.type == "image":
                targets.append(str(child.attrs["src"]))
    return targets


def broken(page: Path, root: Path) -> list[str]:
    """Return what is wrong with each relative link of ``page`` (under ``root``)."""
    problems = []
    for target in links(page.read_text(encoding="utf-8")):
        parts = urlsplit(target)
        if parts.scheme or parts.netloc:
            continue
        path = unquote(parts.path)
        where = (page.parent / path).resolve() if path else page
        if not where.is_relative_to(root.resolve()):
            problems.append(f"{target}: outside the repository")
        elif not where.exists():
            problems.append(f"{target}: no such file")
        elif parts.fragment and where.suffix == ".md":
            known = page_anchors(where)
            if unquote(parts.fragment) not in known:
                problems.append(f"{target}: no heading `#{parts.fragment}` there")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page: Path) -> None:
    """Each relative link names a file that exists, and a heading there if it has `#`."""
    assert broken(page, ROOT) == []


def test_the_pages_link_to_each_other() -> None:
    """The README links every page of docs/, so none is an orphan."""
    linked = {
        (ROOT / urlsplit(t).path).resolve()
        for t in links((ROOT / "README.md").read_text(encoding="utf-8"))
    }
    orphans = [
        p.name for p in (ROOT / "docs").glob("*.md") if p.resolve() not in linked
    ]
    assert orphans == []


@pytest.mark.parametrize(
    "heading, expected",
    [
        ("Set-up", "set-up"),
        (
            "Starting a project: `specc init`, `specc new`",
            "starting-a-project-specc-init-specc-new",
        ),
        ("Integers beyond 2^53", "integers-beyond-253"),
        ("The spec format, version 1", "the-spec-format-version-1"),
        ("`type` — alias", "type--alias"),
        ("N = 1000 again, on a quiet machine", "n--1000-again-on-a-quiet-machine"),
        ("snake_case and Café", "snake_case-and-café"),
    ],
)
def test_slugs_follow_github(heading: str, expected: str) -> None:
    """Headings become anchors as on GitHub."""
    assert slug(heading) == expected


def test_broken_links_and_anchors_are_found(tmp_path: Path) -> None:
    """A missing file, a missing heading, a path out of the repository are reported;
    links in code, external links and good anchors are not."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\n## Two words\n\n## Two words\n")
    page = tmp_path / "README.md"
    page.write_text(
        "# Top\n\n"
        "[ok](docs/a.md#two-words-1) [self](#top) [web](https://example.com/x#y)\n"
        "[gone](docs/b.md) [bad anchor](docs/a.md#three) [up](../elsewhere.md)\n"
        "[no heading](#bottom)\n\n"
        "`[in code](docs/c.md)`\n\n```\n[fenced](docs/d.md)\n```\n"
    )
    assert broken(page, tmp_path) == [
        "docs/b.md: no such file",
        "docs/a.md#three: no heading `#three` there",
        "../elsewhere.md: outside the repository",
        "#bottom: no heading `#bottom` there",
    ]
