"""The walk over one document: front matter, sections in order, then the whole-spec checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from specc import ir
from specc.diagnostics import Diagnostic
from specc.frontend.check import Checker
from specc.frontend.check.imports import ImportResolver
from specc.frontend.check.typed import TypedExample
from specc.frontend.frontmatter import default_spec_id, read_front_matter
from specc.frontend.lower.blocks import BlockLowerer
from specc.frontend.lower.context import SpecContext
from specc.frontend.lower.declarations import ir_declarations
from specc.frontend.lower.drafts import (
    Item,
    PendingDecls,
    PendingExamples,
    SectionDraft,
)
from specc.frontend.lower.headings import HeadingReader
from specc.frontend.lower.prose import ProseReader
from specc.frontend.lower.references import check_references, check_spec_links
from specc.frontend.parse import Document, RawBlock, RawSection
from specc.frontend.values import RawExample, RawLine
from specc.source import Span

if TYPE_CHECKING:
    from specc.frontend.interfaces import Imports


class Lowerer:
    """Turns one parsed document into an `ir.Spec`, reporting as it goes."""

    examples_typed_as_read = True
    """Whether example lines are typed as they are read where they can be
    (`specc.frontend.check.typed`); the tests compare both ways."""

    def __init__(
        self,
        doc: Document,
        report: Callable[[Diagnostic], None],
        imports: Imports | None = None,
    ) -> None:
        self.doc = doc
        self.imports = imports
        self.ctx = SpecContext(doc.source, report)
        self.checker = Checker(self.ctx.path, report)
        self.headings = HeadingReader(self.ctx)
        self.prose = ProseReader(self.ctx)
        self.blocks = BlockLowerer(self.ctx, self.prose)
        self.example_counts: dict[str | None, int] = {}
        self._headings: dict[int, tuple[str, str | None, dict[str, str]]] = {}
        """Each section's title, rule ID and attributes, read ahead (`declare`)."""

    def lower(self) -> ir.Spec:
        """Return the IR of the document."""
        path = self.ctx.path
        meta, uses = read_front_matter(self.doc, self.ctx.diag)
        spec_id = meta.pop("spec", None) or default_spec_id(path)
        # Declarations first, wherever they stand, so that examples are typed as
        # they are read and their values as read never pile up.
        self.blocks.declare(self.doc.preamble, None)
        for raw in self.doc.sections:
            self.declare(raw, None)
        decls = self.blocks.decls
        resolver = ImportResolver(
            path, spec_id, self.ctx.report, self.imports, uses, self.blocks.imports
        )
        resolver.resolve(decls)
        self.checker.import_types(resolver.declarations(), list(resolver.aliases))
        self.checker.declare(decls)
        self.checker.check_declarations(decls)
        types, functions = ir_declarations(decls, self.checker)
        # The preamble's examples wait: they are numbered after the sections'.
        preamble = self.blocks.items(self.doc.preamble, None)
        self.blocks.finish_examples = self.examples
        if self.examples_typed_as_read:
            self.blocks.read_typed = self.checker.typed_example
        drafts = [self.section(raw, None) for raw in self.doc.sections]
        self.blocks.finish_examples = None  # no cycle keeps the lowerer alive
        self.blocks.read_typed = None
        check_spec_links(drafts, self.prose, resolver)
        sections = [self.finish(d) for d in drafts]
        check_references(
            drafts, self.prose.loose_links, self.headings.rule_ids, self.ctx.report
        )
        self.lint(sections, functions)
        title = meta.pop("title", None) or _default_title(sections, spec_id)
        version = meta.pop("version") if "version" in meta else None
        return ir.Spec(
            id=spec_id,
            title=title,
            version=version,
            summary=meta.pop("summary", ""),
            path=path,
            metadata=meta,
            preamble=[self.finish_item(i) for i in preamble],
            sections=sections,
            types=types,
            functions=functions,
            footnotes=[
                ir.Footnote(id=f.id, text=f.text, span=self.ctx.source.span(f.line))
                for f in self.doc.footnotes
            ],
            uses=resolver.ir_uses(),
            interfaces=resolver.ir_interfaces(),
        )

    def declare(self, raw: RawSection, parent_rule: str | None) -> None:
        """Read a section's heading and its `specc` blocks, and its subsections'."""
        heading = self._headings[id(raw)] = self.headings.read(raw)
        rule = heading[1] or parent_rule
        self.blocks.declare(raw.blocks, rule)
        for child in raw.children:
            self.declare(child, rule)

    def section(self, raw: RawSection, parent_rule: str | None) -> SectionDraft:
        """Lower a heading, its blocks and its subsections."""
        heading = raw.heading
        title, rule_id, attributes = self._headings.pop(id(raw))
        span = Span(
            path=self.ctx.path,
            line=heading.line,
            col=1,
            end_line=heading.line,
            end_col=len(self.ctx.source.line(heading.line)) + 1,
        )
        rule = rule_id or parent_rule
        draft = SectionDraft(raw, rule_id, title, attributes, span, rule)
        draft.items = self.blocks.items(raw.blocks, rule, draft)
        draft.children = [self.section(child, rule) for child in raw.children]
        return draft

    def finish(self, draft: SectionDraft) -> ir.Section:
        """Freeze a section draft, type-checking its examples."""
        return ir.Section(
            id=draft.id,
            title=draft.title,
            level=draft.raw.heading.level,
            attributes=draft.attributes,
            content=[self.finish_item(i, draft.rule) for i in draft.items],
            statements=draft.statements,
            links=draft.links,
            sections=[self.finish(c) for c in draft.children],
            span=draft.span,
        )

    def finish_item(self, item: Item, rule: str | None = None) -> ir.Block:
        """Freeze one block."""
        if isinstance(item, PendingDecls):
            return ir.Declarations(
                source=item.block.content,
                names=item.names,
                span=self.ctx.block_span(item.block),
            )
        if isinstance(item, PendingExamples):
            return self.examples(item.block, iter(item.raws), rule)
        return item

    def examples(
        self,
        block: RawBlock,
        raws: Iterator[RawLine | TypedExample],
        rule: str | None,
    ) -> ir.Examples:
        """Type an `examples` block's lines against their functions, numbered by rule."""
        examples = []
        properties = []
        read = False
        for raw in raws:
            read = True
            index = self.example_counts.get(rule, 0) + 1
            self.example_counts[rule] = index
            if isinstance(raw, TypedExample):
                examples.append(raw.node(rule, index))
            elif isinstance(raw, RawExample):
                example = self.checker.example(raw, rule, index)
                if example is not None:
                    examples.append(example)
            else:
                found = self.checker.property(raw, rule, index)
                if found is not None:
                    properties.append(found)
        if read and rule is None:
            self.ctx.diag(
                "W103",
                "examples outside any rule cannot be traced to a rule ID",
                block.line,
                hint="put them under a heading with {#id}",
            )
        return ir.Examples(
            source=block.content,
            examples=examples,
            properties=properties,
            span=self.ctx.block_span(block),
        )

    def lint(self, sections: list[ir.Section], functions: list[ir.Function]) -> None:
        """Report functions without examples and rules without normative words."""
        report = self.ctx.report
        for fn in functions:
            if fn.name not in self.blocks.called:
                report(
                    Diagnostic(
                        "W101",
                        f"function `{fn.name}` has no examples",
                        fn.span,
                        "add an ```examples block under its rule",
                    )
                )
        for section in sections:
            for s in section.walk():
                if s.id and s.statements and not any(t.strength for t in s.statements):
                    report(
                        Diagnostic(
                            "H102",
                            f"rule `{s.id}` has no MUST, SHOULD or MAY",
                            s.span,
                            "RFC 2119 keywords in capitals give each statement its strength",
                        )
                    )


def _default_title(sections: list[ir.Section], spec_id: str) -> str:
    """Return the lone top-level heading, else the spec ID in words (`model_spec` -> Model spec)."""
    if len(sections) == 1:
        return sections[0].title
    words = spec_id.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else spec_id


def lower_document(
    doc: Document,
    report: Callable[[Diagnostic], None],
    imports: Imports | None = None,
) -> ir.Spec:
    """Lower a parsed document to IR, reporting problems through ``report``.

    ``imports`` are the interfaces of the specs it may use (see
    `specc.frontend.project`); without them, any spec it uses is unknown.
    """
    return Lowerer(doc, report, imports).lower()
