"""Blocks: prose, commentary, code, `specc` declarations, `examples` and conversations."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from specc import ir
from specc.frontend.check.typed import TypedExample
from specc.frontend.idl import DeclDraft, TypeRefs, UseDraft, parse_declarations
from specc.frontend.lexer import LexError
from specc.frontend.lower.context import SpecContext
from specc.frontend.lower.drafts import (
    Item,
    PendingDecls,
    PendingExamples,
    SectionDraft,
)
from specc.frontend.lower.prose import ProseReader
from specc.frontend.parse import RawBlock, example_title
from specc.frontend.values import ExampleReader, RawExample, RawLine
from specc.source import Span

#: The most examples one spec may hold (docs/diagnostics.md, E008).
MAX_EXAMPLES = 50_000


FinishExamples = Callable[
    [RawBlock, Iterator[RawLine | TypedExample], "str | None"], ir.Examples
]
"""Types the examples of a block as they are read, under a rule (or none)."""
ReadTyped = Callable[[str, int, int, int, int], TypedExample | None]
"""Reads and types one example line in one walk, or gives up (`Checker.typed_example`)."""


class BlockLowerer:
    """Lowers a section's blocks in order; declarations are read ahead (`declare`)."""

    def __init__(self, ctx: SpecContext, prose: ProseReader) -> None:
        self.ctx = ctx
        self.prose = prose
        self.decls: list[DeclDraft] = []
        """Every declaration of the spec, in source order."""
        self.imports: list[UseDraft] = []
        """Every `use` statement of the spec, in source order."""
        self.type_refs: TypeRefs = {}
        """The spec's type references, each written once (`idl.TypeRefs`)."""
        self._declared: dict[int, PendingDecls] = {}
        """Each `specc` block read ahead (`declare`), by the block's identity."""
        self.finish_examples: FinishExamples | None = None
        """Types an `examples` block's lines as they are read, once the spec's
        declarations are checked; until then blocks wait (`PendingExamples`)."""
        self.read_typed: ReadTyped | None = None
        """Set with ``finish_examples``: lines it takes are not read as values first."""
        self.called: set[str] = set()
        """Names of the functions the examples call."""
        self.examples_seen = 0
        """Example lines read so far (well-formed or not), for `MAX_EXAMPLES`."""
        self.conversation_counts: dict[str | None, int] = {}
        """Conversations read so far under each rule, to number the next one."""

    def declare(self, blocks: list[RawBlock], rule: str | None) -> None:
        """Read the `specc` blocks among ``blocks`` ahead of the rest (see `items`)."""
        for block in blocks:
            if block.kind not in ("prose", "admonition") and block.info == "specc":
                self._declared[id(block)] = self._decl_block(block, rule)

    def items(
        self,
        blocks: list[RawBlock],
        rule: str | None,
        draft: SectionDraft | None = None,
    ) -> list[Item]:
        """Lower a section's blocks in order."""
        diag = self.ctx.diag
        items: list[Item] = []
        pending_title: tuple[str, int] | None = None
        for block in blocks:
            if pending_title and not (
                block.kind == "fence" and block.info.startswith("xml")
            ):
                diag(
                    "W072",
                    f"example `{pending_title[0]}` has no ~~~xml conversation "
                    "after it",
                    pending_title[1],
                )
                pending_title = None
            span = self.ctx.block_span(block)
            if block.kind == "prose":
                title = example_title(block)
                if title is not None:
                    pending_title = (title, block.line)
                    continue
                markdown = self.block_text(block)
                items.append(ir.Prose(markdown=markdown, span=span))
                self.prose.read(block, draft)
            elif block.kind == "admonition":
                items.append(self._admonition(block, span, draft))
            elif block.info == "specc":
                declared = self._declared.pop(id(block), None)
                items.append(declared or self._decl_block(block, rule))
            elif block.info == "examples":
                items.append(self._examples_block(block, rule))
            elif block.info.startswith("xml") and _conversation_block(block):
                title = pending_title[0] if pending_title else ""
                pending_title = None
                conversation = self._conversation(block, title, rule)
                if conversation is not None:
                    items.append(
                        ir.ConversationBlock(conversation=conversation, span=span)
                    )
            else:
                lang = block.info.split()[0] if block.info else ""
                items.append(ir.Code(lang=lang, code=block.content, span=span))
        if pending_title:
            diag(
                "W072",
                f"example `{pending_title[0]}` has no ~~~xml conversation " "after it",
                pending_title[1],
            )
        return items

    def block_text(self, block: RawBlock) -> str:
        """Return a block's Markdown exactly as written."""
        line = self.ctx.source.line
        lines = [line(n) for n in range(block.line, block.end_line + 1)]
        return "\n".join(lines).strip("\n") + "\n"

    def _admonition(
        self, block: RawBlock, span: Span, draft: SectionDraft | None
    ) -> ir.Prose | ir.Commentary:
        """Lower `!!! meta "Title"` to commentary; other admonitions stay prose."""
        kind, _, title = block.info.partition(" ")
        if kind != "meta":
            self.prose.read(block, draft)
            return ir.Prose(markdown=self.block_text(block), span=span)
        self.prose.read(block, draft, statements=False)
        return ir.Commentary(
            title=title.strip().strip('"'), markdown=block.content, span=span
        )

    def _decl_block(self, block: RawBlock, rule: str | None) -> PendingDecls:
        """Parse a `specc` block and keep its declarations for checking."""
        decls, error = parse_declarations(
            self.ctx.path,
            block.content,
            block.content_line,
            block.content_col,
            self.imports,
            self.type_refs,
        )
        if error is not None:
            self.ctx.diag(error.code or "E040", error.message, error.line, error.col)
        for decl in decls:
            decl.rule = rule
        self.decls.extend(decls)
        return PendingDecls(block, [d.name for d in decls])

    def _examples_block(
        self, block: RawBlock, rule: str | None
    ) -> PendingExamples | ir.Examples:
        """Read an `examples` block, typed line by line once declarations are known."""
        raws = self._read_examples(block)
        if self.finish_examples is None:
            return PendingExamples(block, list(raws))
        return self.finish_examples(block, raws, rule)

    def _read_examples(self, block: RawBlock) -> Iterator[RawLine | TypedExample]:
        """Yield an `examples` block's lines as read (up to `MAX_EXAMPLES` in the spec),
        typed already where `read_typed` takes them."""
        diag = self.ctx.diag
        typed = self.read_typed
        reader = ExampleReader(block.content, block.content_line, block.content_col)
        for line, start, end in reader.lines():
            if self.examples_seen >= MAX_EXAMPLES and block.content[start:end].strip():
                if self.examples_seen == MAX_EXAMPLES:
                    diag(
                        "E008",
                        f"more than {MAX_EXAMPLES} examples in one spec",
                        line,
                        hint="split the spec; the examples after this line are ignored",
                    )
                    self.examples_seen += 1
                return
            if typed is not None:
                done = typed(block.content, start, end, line, block.content_col)
                if done is not None:
                    self.called.add(done.function)
                    self.examples_seen += 1
                    yield done
                    continue
            raw = reader.read(start, end, line)
            if isinstance(raw, LexError):
                diag(raw.code or "E050", raw.message, raw.line, raw.col)
                self.examples_seen += 1
            elif raw is not None:
                if isinstance(raw, RawExample):
                    self.called.add(raw.function)
                else:
                    self.called.update(raw.functions)
                self.examples_seen += 1
                yield raw

    def _conversation(
        self, block: RawBlock, title: str, rule: str | None
    ) -> ir.Conversation | None:
        """Parse a behavioural example."""
        from specc.frontend.conversations import parse_conversation

        index = self.conversation_counts.get(rule, 0) + 1
        try:
            conversation = parse_conversation(
                self.ctx.path,
                block.content,
                block.content_line,
                block.content_col,
                title,
                rule,
                index,
            )
        except LexError as error:
            self.ctx.diag(error.code or "E070", error.message, error.line, error.col)
            return None
        self.conversation_counts[rule] = index
        return conversation


def _conversation_block(block: RawBlock) -> bool:
    """Return whether an `xml` block holds a conversation (its parser is imported
    only then: most specs have none)."""
    from specc.frontend.conversations import looks_like_conversation

    return looks_like_conversation(block.content)
