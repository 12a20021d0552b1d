"""The docs target: a static site with an index, a page per spec, and offline search.

It writes `index.html` (every spec with its counts), one `<spec>.html` per spec
(sidebar contents, an anchor per rule ID, types reference, examples as tables,
conversations as turns) and `assets/`: the stylesheet, the script (theme toggle,
copy-link, search) and `search-index.js`, the search index built here and loaded
as a plain script so the site works opened from the file system. Spec text is
untrusted: Markdown is rendered with raw HTML off, links are limited to harmless
schemes, everything else is escaped, and each page carries a strict
Content-Security-Policy that allows only the site's own files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from specc import ir
from specc.emitters.base import (
    EmitContext,
    Emitter,
    OutputFile,
    Streamed,
    header,
    spec_source_name,
)
from specc.emitters.base import Options as BaseOptions
from specc.emitters.docs.page import Counts
from specc.emitters.docs.status import COVERAGE_PAGE, Status, coverage

if TYPE_CHECKING:
    import jinja2

    from specc.emitters.docs.page import SpecPage

#: Static files copied from the templates (a user's templates folder may shadow them).
ASSETS = ("style.css", "site.js")
SEARCH_INDEX = "assets/search-index.js"
#: Allows the site's own scripts and styles only: no inline script, no network.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'"
)


class DocsEmitter(Emitter):
    """Emit the documentation site of every spec."""

    name = "docs"
    description = "Static documentation site: index, a page per spec, types, search"
    llm_backend = True

    class Options(BaseOptions):
        """Options of the docs target."""

        title: str = "Specifications"
        """The site's name, shown in every page's header and on the index."""

    per_spec = True
    site_wide = True

    def __init__(self) -> None:
        self._common: dict[int, tuple[EmitContext, dict[str, object]]] = {}

    def splits(self, ctx: EmitContext) -> bool:
        """Return whether pages can be made one spec at a time: not while the site
        shows verification reports, since the coverage page needs every spec."""
        return not Status.from_reports(ctx.reports).present

    def emit(self, ctx: EmitContext) -> Iterable[OutputFile]:
        from specc.emitters.docs.page import SpecPage

        pages = [SpecPage(spec) for spec in ctx.specs]
        if ctx.llm is not None:
            from specc.emitters.docs.llm import explain

            explain(ctx, pages)
        for page in pages:
            yield self.page_file(ctx, page)
        cards = [card_data(page) for page in pages]
        yield from self.emit_site(ctx, cards)
        common = self.common(ctx)
        status = common["status"]
        assert isinstance(status, Status)
        if pages and status.present:
            html = ctx.render(
                "docs/coverage.html.jinja",
                notice=site_notice([Card.of(c) for c in cards]),
                gaps=coverage(status, pages),
                **common,
            )
            yield OutputFile(COVERAGE_PAGE, html)

    def emit_spec(
        self, ctx: EmitContext, spec: ir.Spec
    ) -> tuple[list[OutputFile], dict[str, object]]:
        from specc.emitters.docs.page import SpecPage

        page = SpecPage(spec)
        return [self.page_file(ctx, page)], card_data(page)

    def page_file(self, ctx: EmitContext, page: SpecPage) -> OutputFile:
        """Return one spec's page, rendered as it is written (`Streamed`: a spec of
        10 000 records has a page of 69 million characters)."""
        return Streamed(
            page.file,
            render=partial(
                ctx.stream,
                "docs/spec.html.jinja",
                page=page,
                spec=page.spec,
                notice=comment_safe(header(page.spec)),
                **self.common(ctx),
            ),
            spec=page.spec.path,
        )

    def emit_site(
        self, ctx: EmitContext, site: list[dict[str, object]]
    ) -> Iterable[OutputFile]:
        """Return the index, the assets and the search index, made from every spec's card."""
        if not site:
            return
        from specc.emitters.docs.graph import Node, spec_graph

        cards = [Card.of(data) for data in site]
        if ctx.kept:  # pages of other builds stay listed
            cards = _folder_order(cards + [Card.of(data) for data in ctx.kept])
        graph = spec_graph(
            [
                Node(c.id, c.title, c.version, c.file, tuple((u, r) for u, r in c.uses))
                for c in cards
            ]
        )
        yield OutputFile(
            "index.html",
            ctx.render(
                "docs/index.html.jinja",
                notice=site_notice(cards),
                pages=cards,
                graph=graph,
                **self.common(ctx),
            ),
        )
        for asset in ASSETS:
            yield OutputFile(f"assets/{asset}", raw_template(ctx.env, f"docs/{asset}"))
        yield OutputFile(SEARCH_INDEX, search_script([c.search for c in cards]))

    def common(self, ctx: EmitContext) -> dict[str, object]:
        """Return what every page's template gets (worked out once per build)."""
        from specc.emitters.docs.page import documented, heading_level, outline

        found = self._common.get(id(ctx))
        if found is not None and found[0] is ctx:
            return found[1]
        options = ctx.options
        assert isinstance(options, DocsEmitter.Options)
        status = Status.from_reports(ctx.reports)
        common: dict[str, object] = dict(
            status=status,
            coverage_page=COVERAGE_PAGE if status.present else None,
            site_title=options.title,
            csp=Markup(CSP),
            assets="assets/",
            search_index=SEARCH_INDEX,
            heading_level=heading_level,
            documented=documented,
            outline=outline,
            source_name=spec_source_name,
        )
        self._common[id(ctx)] = (ctx, common)
        return common


@dataclass(frozen=True)
class Card:
    """What the index and the search index need of one spec, without its IR."""

    file: str
    id: str
    title: str
    """Plain text."""
    version: str | None
    summary: Markup
    """Inline HTML, empty when the spec has no summary."""
    source: str
    counts: Counts
    search: list[dict[str, str]]
    uses: list[tuple[str, str | None]]
    """(ID, version range) of each spec it uses."""

    @classmethod
    def of(cls, data: dict[str, Any]) -> Card:
        """Return the card of `card_data`'s JSON-ready form."""
        fields = dict(data)
        fields["summary"] = Markup(data["summary"])
        fields["counts"] = Counts(**data["counts"])
        fields["uses"] = [tuple(u) for u in data.get("uses", [])]
        return cls(**fields)


def card_data(page: SpecPage) -> dict[str, object]:
    """Return a spec's card as JSON-ready data (an incremental build keeps it)."""
    spec = page.spec
    return {
        "file": page.file,
        "id": spec.id,
        "title": page.plain(spec.title),
        "version": spec.version,
        "summary": str(page.inline(spec.summary)) if spec.summary else "",
        "source": spec_source_name(spec),
        "counts": asdict(page.counts),
        "search": search_entries(page),
        "uses": [[u.spec, u.requirement] for u in spec.uses],
    }


def _folder_order(cards: list[Card]) -> list[Card]:
    """Return ``cards`` in the order a build of their folder takes the specs: by
    file name, each after the specs it uses."""
    by_id = {card.id: card for card in cards}
    order: list[Card] = []
    seen: set[str] = set()

    def visit(card: Card) -> None:
        if card.id not in seen:
            seen.add(card.id)
            for used, _ in card.uses:
                if used in by_id:
                    visit(by_id[used])
            order.append(card)

    for card in sorted(cards, key=lambda c: c.source):
        visit(card)
    return order


def site_notice(cards: list[Card]) -> str:
    """Return the notice of the pages made from every spec."""
    sources = ", ".join(card.source for card in cards)
    return comment_safe(
        f"Generated by specc from {sources}; do not edit: changes are overwritten."
    )


def comment_safe(text: str) -> str:
    """Return text that cannot end an HTML comment early."""
    return text.replace("--", "- -").replace(">", "›")


def raw_template(env: jinja2.Environment, name: str) -> str:
    """Return a template file's text as is (user folders first), not rendered."""
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    return source


def search_entries(page: SpecPage) -> list[dict[str, str]]:
    """Return the search entries of one spec: one per section, one per name it uses."""
    from specc.emitters.docs.page import page_file

    spec_title = page.plain(page.spec.title)
    used = [
        {
            "page": page_file(u.spec),
            "anchor": f"type/{name}",
            "rule": "",
            "title": f"{u.spec}.{name}",
            "spec": spec_title,
            "text": f"{name}, a type of {u.spec} that {page.spec.id} uses",
        }
        for u in page.spec.uses
        for name in u.names
    ]
    return [
        {
            "page": page.file,
            "anchor": page.anchor(section),
            "rule": section.id or "",
            "title": page.plain(section.title),
            "spec": spec_title,
            "text": section_text(page, section),
        }
        for section in page.spec.walk()
    ] + used


def search_script(entries: list[list[dict[str, str]]]) -> str:
    """Return the search index as a script that sets `window.SPECC_SEARCH`."""
    flat = [entry for spec in entries for entry in spec]
    data = json.dumps(flat, ensure_ascii=True, separators=(",", ":"), indent=None)
    # Keep the JSON inert even if someone pastes it into an HTML page.
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (
        "// Generated by specc: the docs site's search index; do not edit.\n"
        f"window.SPECC_SEARCH = {data};\n"
    )


def section_text(page: SpecPage, section: ir.Section) -> str:
    """Return a section's own prose, commentary and example titles as plain text."""
    parts: list[str] = []
    for block in section.content:
        if isinstance(block, (ir.Prose, ir.Commentary)):
            parts.append(page.plain_blocks(block.markdown))
        elif isinstance(block, ir.ConversationBlock):
            parts.append("Example: " + page.plain(block.conversation.title))
    return " ".join(p for p in parts if p)
