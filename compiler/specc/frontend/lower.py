"""Document tree to IR: front matter, sections, blocks, statements and examples."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from specc import ir
from specc.diagnostics import Diagnostic
from specc.frontend.check import Checker
from specc.frontend.conversations import looks_like_conversation, parse_conversation
from specc.frontend.frontmatter import read_front_matter
from specc.frontend.idl import DeclDraft, FieldDraft, parse_declarations
from specc.frontend.lexer import LexError
from specc.frontend.parse import Document, RawBlock, RawSection, example_title
from specc.frontend.values import RawExample, parse_example
from specc.source import SourceFile, Span

_ATTR_BLOCK = re.compile(r"[ \t]*\{([^{}]*)\}[ \t]*$")
_ATTR_TOKEN = re.compile(r"""\s*(#[^\s}]*|[A-Za-z_][\w.-]*=(?:"[^"]*"|[^\s"]+)|\S+)""")
_RULE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]*_]*\s+(?=[A-Z0-9\"'`*\[(_])")
_STRENGTH = re.compile(r"\b(MUST NOT|MUST|SHOULD NOT|SHOULD|MAY)\b")
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")


#: The most examples one spec may hold (docs/diagnostics.md, E008).
MAX_EXAMPLES = 50_000


@dataclass
class _PendingExamples:
    block: RawBlock
    raws: list[RawExample]


@dataclass
class _PendingDecls:
    block: RawBlock
    names: list[str]


_Item = (
    ir.Prose
    | ir.Commentary
    | ir.Code
    | ir.ConversationBlock
    | _PendingExamples
    | _PendingDecls
)


@dataclass
class _SectionDraft:
    raw: RawSection
    id: str | None
    title: str
    attributes: dict[str, str]
    span: Span
    rule: str | None
    items: list[_Item] = field(default_factory=list)
    statements: list[ir.Statement] = field(default_factory=list)
    links: list[ir.Link] = field(default_factory=list)
    children: list[_SectionDraft] = field(default_factory=list)


class Lowerer:
    """Turns one parsed document into an `ir.Spec`, reporting as it goes."""

    def __init__(self, doc: Document, report: Callable[[Diagnostic], None]) -> None:
        self.doc = doc
        self.source: SourceFile = doc.source
        self.path = doc.source.path
        self.report = report
        self.checker = Checker(self.path, report)
        self.decls: list[DeclDraft] = []
        self.rule_ids: dict[str, Span] = {}
        self.example_counts: dict[str | None, int] = {}
        self.conversation_counts: dict[str | None, int] = {}
        self.called: set[str] = set()
        self.examples_seen = 0
        """Example lines read so far (well-formed or not), for `MAX_EXAMPLES`."""
        self.loose_links: list[ir.Link] = []
        """Cross-references outside any section (before the first heading)."""

    def diag(
        self,
        code: str,
        message: str,
        line: int,
        col: int = 1,
        hint: str | None = None,
        length: int | None = None,
    ) -> None:
        """Report a diagnostic at a position of this spec."""
        self.report(
            Diagnostic(code, message, self.source.span(line, col, length), hint)
        )

    # --- the whole spec -----------------------------------------------------------

    def lower(self) -> ir.Spec:
        """Return the IR of the document."""
        meta = read_front_matter(self.doc, self.diag)
        preamble = self.items(self.doc.preamble, None)
        drafts = [self.section(raw, None) for raw in self.doc.sections]
        self.checker.declare(self.decls)
        self.checker.check_declarations(self.decls)
        types, functions = self.declarations()
        sections = [self.finish(d) for d in drafts]
        self.check_links(drafts)
        self.lint(sections, functions)
        default_id = PurePath(self.path).name.split(".")[0] or "spec"
        spec_id = meta.pop("spec", None) or default_id
        title = meta.pop("title", None) or _default_title(sections, spec_id)
        return ir.Spec(
            id=spec_id,
            title=title,
            version=meta.pop("version", None),
            summary=meta.pop("summary", None) or "",
            path=self.path,
            metadata=meta,
            preamble=[self.finish_item(i) for i in preamble],
            sections=sections,
            types=types,
            functions=functions,
            footnotes=[
                ir.Footnote(id=f.id, text=f.text, span=self.source.span(f.line))
                for f in self.doc.footnotes
            ],
        )

    # --- sections --------------------------------------------------------------

    def section(self, raw: RawSection, parent_rule: str | None) -> _SectionDraft:
        """Lower a heading, its blocks and its subsections."""
        heading = raw.heading
        title, rule_id, attributes = self.heading_attributes(raw)
        span = Span(
            path=self.path,
            line=heading.line,
            col=1,
            end_line=heading.line,
            end_col=len(self.source.line(heading.line)) + 1,
        )
        rule = rule_id or parent_rule
        draft = _SectionDraft(raw, rule_id, title, attributes, span, rule)
        draft.items = self.items(raw.blocks, rule, draft)
        draft.children = [self.section(child, rule) for child in raw.children]
        return draft

    def heading_attributes(
        self, raw: RawSection
    ) -> tuple[str, str | None, dict[str, str]]:
        """Split `Title {#id key=value}` into title, ID and attributes."""
        heading = raw.heading
        match = _ATTR_BLOCK.search(heading.text)
        if not match:
            return heading.text.strip(), None, {}
        inner = match.group(1)
        if not (inner.strip().startswith("#") or "=" in inner):
            return heading.text.strip(), None, {}
        line_text = self.source.line(heading.line)
        base = line_text.rfind("{") + 2
        rule_id: str | None = None
        attributes: dict[str, str] = {}
        for token in _ATTR_TOKEN.finditer(inner):
            text = token.group(1)
            col = base + token.start(1)
            if text.startswith("#"):
                candidate = text[1:]
                if rule_id is not None:
                    self.diag(
                        "E022",
                        "a heading has only one `#id`",
                        heading.line,
                        col,
                        length=len(text),
                    )
                elif not _RULE_ID.match(candidate):
                    self.diag(
                        "E020",
                        f"`{text}` is not a valid rule ID",
                        heading.line,
                        col,
                        "IDs use letters, digits, `_`, `-`, `.` and `:`",
                        len(text),
                    )
                else:
                    rule_id = candidate
            elif "=" in text:
                key, value = text.split("=", 1)
                if key in attributes:
                    self.diag(
                        "E022",
                        f"attribute `{key}` is given twice",
                        heading.line,
                        col,
                        length=len(key),
                    )
                attributes[key] = value.strip('"')
            else:
                self.diag(
                    "E020",
                    f"`{text}` in a heading attribute block is neither "
                    "`#id` nor `key=value`",
                    heading.line,
                    col,
                    length=len(text),
                )
        if rule_id is None:
            if not any(t.group(1).startswith("#") for t in _ATTR_TOKEN.finditer(inner)):
                self.diag(
                    "E023",
                    "heading attributes need an `#id`",
                    heading.line,
                    base - 1,
                    "write {#some_id key=value}",
                )
        else:
            first = self.rule_ids.get(rule_id)
            if first is not None:
                self.diag(
                    "E021",
                    f"rule ID `{rule_id}` is used twice",
                    heading.line,
                    base + inner.find("#" + rule_id),
                    f"first used at line {first.line}",
                    len(rule_id) + 1,
                )
            else:
                self.rule_ids[rule_id] = self.source.span(heading.line)
        return heading.text[: match.start()].strip(), rule_id, attributes

    # --- blocks ------------------------------------------------------------------

    def items(
        self,
        blocks: list[RawBlock],
        rule: str | None,
        draft: _SectionDraft | None = None,
    ) -> list[_Item]:
        """Lower a section's blocks in order."""
        items: list[_Item] = []
        pending_title: tuple[str, int] | None = None
        for block in blocks:
            if pending_title and not (
                block.kind == "fence" and block.info.startswith("xml")
            ):
                self.diag(
                    "W072",
                    f"example `{pending_title[0]}` has no ~~~xml conversation "
                    "after it",
                    pending_title[1],
                )
                pending_title = None
            span = Span(path=self.path, line=block.line, col=1, end_line=block.end_line)
            if block.kind == "prose":
                title = example_title(block)
                if title is not None:
                    pending_title = (title, block.line)
                    continue
                markdown = self.block_text(block)
                items.append(ir.Prose(markdown=markdown, span=span))
                self.prose(block, draft)
            elif block.kind == "admonition":
                items.append(self.admonition(block, span, draft))
            elif block.info == "specc":
                items.append(self.decl_block(block, rule))
            elif block.info == "examples":
                items.append(self.examples_block(block))
            elif block.info.startswith("xml") and looks_like_conversation(
                block.content
            ):
                title = pending_title[0] if pending_title else ""
                pending_title = None
                conversation = self.conversation(block, title, rule)
                if conversation is not None:
                    items.append(
                        ir.ConversationBlock(conversation=conversation, span=span)
                    )
            else:
                lang = block.info.split()[0] if block.info else ""
                items.append(ir.Code(lang=lang, code=block.content, span=span))
        if pending_title:
            self.diag(
                "W072",
                f"example `{pending_title[0]}` has no ~~~xml conversation " "after it",
                pending_title[1],
            )
        return items

    def block_text(self, block: RawBlock) -> str:
        """Return a block's Markdown exactly as written."""
        lines = [self.source.line(n) for n in range(block.line, block.end_line + 1)]
        return "\n".join(lines).strip("\n") + "\n"

    def admonition(
        self, block: RawBlock, span: Span, draft: _SectionDraft | None
    ) -> ir.Prose | ir.Commentary:
        """Lower `!!! meta "Title"` to commentary; other admonitions stay prose."""
        kind, _, title = block.info.partition(" ")
        if kind != "meta":
            self.prose(block, draft)
            return ir.Prose(markdown=self.block_text(block), span=span)
        self.prose(block, draft, statements=False)
        return ir.Commentary(
            title=title.strip().strip('"'), markdown=block.content, span=span
        )

    def decl_block(self, block: RawBlock, rule: str | None) -> _PendingDecls:
        """Parse a `specc` block and keep its declarations for checking."""
        decls, error = parse_declarations(
            self.path, block.content, block.content_line, block.content_col
        )
        if error is not None:
            self.diag(error.code or "E040", error.message, error.line, error.col)
        for decl in decls:
            decl.rule = rule
        self.decls.extend(decls)
        return _PendingDecls(block, [d.name for d in decls])

    def examples_block(self, block: RawBlock) -> _PendingExamples:
        """Parse an `examples` block line by line (up to `MAX_EXAMPLES` in the spec)."""
        raws = []
        for offset, text in enumerate(block.content.split("\n")):
            line = block.content_line + offset
            if self.examples_seen >= MAX_EXAMPLES and text.strip():
                if self.examples_seen == MAX_EXAMPLES:
                    self.diag(
                        "E008",
                        f"more than {MAX_EXAMPLES} examples in one spec",
                        line,
                        hint="split the spec; the examples after this line are ignored",
                    )
                    self.examples_seen += 1
                break
            try:
                raw = parse_example(text, line, block.content_col)
            except LexError as error:
                self.diag(error.code or "E050", error.message, error.line, error.col)
                self.examples_seen += 1
                continue
            if raw is not None:
                raws.append(raw)
                self.called.add(raw.function)
                self.examples_seen += 1
        return _PendingExamples(block, raws)

    def conversation(
        self, block: RawBlock, title: str, rule: str | None
    ) -> ir.Conversation | None:
        """Parse a behavioural example."""
        index = self.conversation_counts.get(rule, 0) + 1
        try:
            conversation = parse_conversation(
                self.path,
                block.content,
                block.content_line,
                block.content_col,
                title,
                rule,
                index,
            )
        except LexError as error:
            self.diag(error.code or "E070", error.message, error.line, error.col)
            return None
        self.conversation_counts[rule] = index
        return conversation

    # --- prose ----------------------------------------------------------------------

    def prose(
        self, block: RawBlock, draft: _SectionDraft | None, statements: bool = True
    ) -> None:
        """Split prose into statements (of a section) and collect its cross-references."""
        links = draft.links if draft is not None else self.loose_links
        last_map: list[int] | None = None
        in_title = False
        for token in block.tokens:
            if token.type.startswith("admonition_title"):
                in_title = token.nesting == 1
            if token.map is not None:
                last_map = token.map
            if token.type != "inline" or last_map is None or in_title:
                continue
            first_line = last_map[0] + 1
            if statements and draft is not None:
                self.statements(token.content, first_line, draft)
            cursor = (first_line, 0)
            children = token.children or []
            for i, child in enumerate(children):
                href = (
                    str(child.attrs.get("href", ""))
                    if child.type == "link_open"
                    else ""
                )
                if href.startswith("#"):
                    text = _link_text(children, i + 1)
                    link, cursor = self.link(href[1:], text, cursor, last_map[1])
                    links.append(link)

    def statements(self, content: str, first_line: int, draft: _SectionDraft) -> None:
        """Append one statement per sentence of an inline run."""
        start = 0
        counted, line = 0, first_line  # newlines before `counted`, kept as we go
        bounds = [m.end() for m in _SENTENCE_END.finditer(content)] + [len(content)]
        for end in bounds:
            text = content[start:end].strip()
            offset = start + (
                len(content[start:end]) - len(content[start:end].lstrip())
            )
            start = end
            if not text:
                continue
            line += content.count("\n", counted, offset)
            counted = offset
            head = text.split("\n", 1)[0][:30]
            col = self.source.find(line, head) + 1 or 1
            strength = _strongest(text)
            draft.statements.append(
                ir.Statement(
                    text=" ".join(text.split()),
                    strength=strength,  # type: ignore[arg-type]
                    footnotes=_FOOTNOTE.findall(text),
                    span=Span(path=self.path, line=line, col=col),
                )
            )

    def link(
        self, target: str, text: str, cursor: tuple[int, int], last: int
    ) -> tuple[ir.Link, tuple[int, int]]:
        """Locate a cross-reference at or after ``cursor`` (line, offset) in a block."""
        first, offset = cursor
        for needle, shift in ((f"](#{target}", 3), (f"[{text}]", 0)):
            for line in range(first, last + 1):
                col = self.source.find(line, needle, offset if line == first else 0)
                if col != -1:
                    length = len(target) + 1 if shift else len(text) + 2
                    span = self.source.span(line, col + shift, length)
                    return ir.Link(target=target, text=text, span=span), (line, col + 1)
        return ir.Link(target=target, text=text, span=self.source.span(first)), cursor

    # --- finishing ------------------------------------------------------------------

    def declarations(self) -> tuple[list[ir.TypeDecl], list[ir.Function]]:
        """Build the IR declarations, with defaults type-checked."""
        types: list[ir.TypeDecl] = []
        functions: list[ir.Function] = []
        seen: set[tuple[str, str]] = set()
        for d in self.decls:
            key = (d.kind == "function" and "fn" or "type", d.name)
            if key in seen:
                continue
            seen.add(key)
            common = dict(name=d.name, doc=d.doc, rule=d.rule, span=d.span)
            if d.kind == "alias":
                types.append(ir.Alias(target=d.target, **common))  # type: ignore[arg-type]
            elif d.kind == "enum":
                types.append(ir.Enum(members=d.members, **common))  # type: ignore[arg-type]
            elif d.kind == "record":
                types.append(ir.Record(fields=self.fields(d.fields), **common))  # type: ignore[arg-type]
            elif d.kind == "variant":
                tags = [
                    ir.VariantTag(
                        name=t.name,
                        doc=t.doc,
                        span=t.span,
                        fields=self.fields(t.fields),
                    )
                    for t in d.tags
                ]
                types.append(ir.Variant(tags=tags, **common))  # type: ignore[arg-type]
            elif d.kind == "error":
                types.append(
                    ir.Error(message=d.message, fields=self.fields(d.fields), **common)
                )  # type: ignore[arg-type]
            else:
                functions.append(
                    ir.Function(
                        params=self.fields(d.fields),
                        returns=d.returns,
                        raises=[u.name for u in d.raises],
                        **common,
                    )
                )  # type: ignore[arg-type]
        return types, functions

    def fields(self, drafts: list[FieldDraft]) -> list[ir.Field]:
        """Build IR fields with their checked defaults (`none` for optionals)."""
        out = []
        for f in drafts:
            default = self.checker.default(f)
            out.append(
                ir.Field(
                    name=f.name,
                    type=f.type,
                    default=default if isinstance(default, ir.ValueBase) else None,
                    doc=f.doc,
                    span=f.span,
                )
            )
        return out

    def finish(self, draft: _SectionDraft) -> ir.Section:
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

    def finish_item(self, item: _Item, rule: str | None = None) -> ir.Block:
        """Freeze one block."""
        if isinstance(item, _PendingDecls):
            return ir.Declarations(
                source=item.block.content,
                names=item.names,
                span=self._block_span(item.block),
            )
        if isinstance(item, _PendingExamples):
            examples = []
            for raw in item.raws:
                index = self.example_counts.get(rule, 0) + 1
                self.example_counts[rule] = index
                example = self.checker.example(raw, rule, index)
                if example is not None:
                    examples.append(example)
            if item.raws and rule is None:
                self.diag(
                    "W103",
                    "examples outside any rule cannot be traced to a rule ID",
                    item.block.line,
                    hint="put them under a heading with {#id}",
                )
            return ir.Examples(
                source=item.block.content,
                examples=examples,
                span=self._block_span(item.block),
            )
        return item

    def _block_span(self, block: RawBlock) -> Span:
        return Span(path=self.path, line=block.line, col=1, end_line=block.end_line)

    # --- lints ----------------------------------------------------------------------

    def check_links(self, drafts: list[_SectionDraft]) -> None:
        """Report cross-references to IDs the spec lacks."""
        stack = list(drafts)
        ids = list(self.rule_ids)
        self._check_targets(self.loose_links, ids)
        while stack:
            draft = stack.pop()
            stack.extend(draft.children)
            self._check_targets(draft.links, ids)
            for item in draft.items:
                if isinstance(item, ir.ConversationBlock):
                    for answer in item.conversation.answers:
                        for ref in answer.refs:
                            if ref not in self.rule_ids:
                                self.report(
                                    Diagnostic(
                                        "E030",
                                        f"label cites `#{ref}`, which no heading has",
                                        answer.span,
                                        _suggest_id(ref, ids),
                                    )
                                )

    def _check_targets(self, links: list[ir.Link], ids: list[str]) -> None:
        for link in links:
            if link.target not in self.rule_ids:
                self.report(
                    Diagnostic(
                        "E030",
                        f"link to `#{link.target}`, which no heading has",
                        link.span,
                        _suggest_id(link.target, ids),
                    )
                )

    def lint(self, sections: list[ir.Section], functions: list[ir.Function]) -> None:
        """Report functions without examples and rules without normative words."""
        for fn in functions:
            if fn.name not in self.called:
                self.report(
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
                    self.report(
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


def _link_text(children: list, start: int) -> str:  # type: ignore[type-arg]
    """Return the plain text of inline tokens up to the link's closing token."""
    parts = []
    for index in range(start, len(children)):
        child = children[index]
        if child.type == "link_close":
            break
        parts.append(child.content)
    return "".join(parts)


_RANK = {"MUST": 3, "MUST NOT": 3, "SHOULD": 2, "SHOULD NOT": 2, "MAY": 1}


def _strongest(text: str) -> str | None:
    """Return the strongest RFC 2119 keyword of a sentence (the first among equals)."""
    best = None
    for match in _STRENGTH.finditer(" ".join(text.split())):
        if best is None or _RANK[match.group(1)] > _RANK[best]:
            best = match.group(1)
    return best


def _suggest_id(name: str, ids: list[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(name, ids, n=1)
    return f"did you mean `#{close[0]}`?" if close else None


def lower_document(doc: Document, report: Callable[[Diagnostic], None]) -> ir.Spec:
    """Lower a parsed document to IR, reporting problems through ``report``."""
    return Lowerer(doc, report).lower()
