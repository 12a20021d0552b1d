"""An index of a compiled spec's names and rule IDs: where each is defined and used.

It is built from the IR and its spans, and for what the IR does not place
(a type named inside a declaration, a field or enum member named inside an
example) from the front end's own readers run again on those lines:
`parse_declarations` on a `specc` block, `parse_example` on an example.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from specc import ir
from specc.frontend.idl import parse_declarations
from specc.frontend.lexer import LexError
from specc.frontend.values import RawExample, RawValue, parse_example
from specc.source import Span

_CODE_SPAN = re.compile(r"(?<!`)`([A-Za-z_][A-Za-z0-9_]*)`(?!`)")
_HEADING_ID = re.compile(r"\{[^{}]*?#([^\s}]+)[^{}]*\}\s*$")


@dataclass(frozen=True, order=True)
class Occurrence:
    """A name at a place: 0-based line, character range, and what it names."""

    line: int
    start: int
    end: int
    key: str
    """What it names: `type:Task`, `fn:add_task`, `member:Priority.low`,
    `field:Task.title`, `tag:Shape.circle`, `param:add_task.title`, `rule:add_task`,
    or `example:<rule>:<index>` for an example line."""
    definition: bool = False
    renamable: bool = True
    """False for a place that names the thing without spelling it (an example of a rule)."""


@dataclass
class Index:
    """Every occurrence of a name in one compiled spec, by place and by key."""

    spec: ir.Spec
    occurrences: list[Occurrence] = field(default_factory=list)
    by_key: dict[str, list[Occurrence]] = field(default_factory=dict)
    examples: dict[str, ir.Example] = field(default_factory=dict)
    """Each example by its `example:` key."""
    starts: list[tuple[int, int]] = field(default_factory=list)
    """Where each occurrence starts, in order, for look-up by place."""

    def finish(self) -> Index:
        """Sort the occurrences and group them by key."""
        self.occurrences.sort()
        self.starts = [(o.line, o.start) for o in self.occurrences]
        grouped: dict[str, list[Occurrence]] = defaultdict(list)
        for occurrence in self.occurrences:
            grouped[occurrence.key].append(occurrence)
        self.by_key = dict(grouped)
        return self

    def at(self, line: int, char: int) -> Occurrence | None:
        """Return the narrowest occurrence under a 0-based line and character."""
        i = bisect.bisect_right(self.starts, (line, char))
        best: Occurrence | None = None
        while i > 0:
            i -= 1
            o = self.occurrences[i]
            if o.line != line:
                break
            if o.start <= char <= o.end and (
                best is None or best.end - best.start > o.end - o.start
            ):
                best = o
        return best

    def definition(self, key: str) -> Occurrence | None:
        """Return where ``key`` is defined."""
        return next((o for o in self.by_key.get(key, []) if o.definition), None)


def build_index(spec: ir.Spec, lines: list[str]) -> Index:
    """Index a compiled spec; ``lines`` are its source lines as the front end numbers them."""
    index = Index(spec)
    add = index.occurrences.append
    for decl in [*spec.types, *spec.functions]:
        for key, span in _declared(decl):
            add(_at(span, key, definition=True))
    declared = {t.name for t in spec.types}
    functions = {f.name for f in spec.functions}
    for section in spec.walk():
        if section.id is not None:
            found = _heading_id(lines, section)
            if found is not None:
                add(found)
        for link in section.links:
            if spec.rule(link.target) is not None:
                span = link.span
                add(_at(span, f"rule:{link.target}", shift=1))
        for block in section.content:
            _block(index, spec, block, lines, declared, functions, section)
    for block in spec.preamble:
        _block(index, spec, block, lines, declared, functions, None)
    return index.finish()


def _declared(decl: ir.TypeDecl | ir.Function) -> Iterator[tuple[str, Span]]:
    """Yield the keys and name spans a declaration defines."""
    if isinstance(decl, ir.Function):
        yield f"fn:{decl.name}", decl.span
        for param in decl.params:
            yield f"param:{decl.name}.{param.name}", param.span
        return
    yield f"type:{decl.name}", decl.span
    if isinstance(decl, ir.Enum):
        for member in decl.members:
            yield f"member:{decl.name}.{member.name}", member.span
    if isinstance(decl, (ir.Record, ir.Error)):
        for f in decl.fields:
            yield f"field:{decl.name}.{f.name}", f.span
    if isinstance(decl, ir.Variant):
        for tag in decl.tags:
            yield f"tag:{decl.name}.{tag.name}", tag.span
            for f in tag.fields:
                yield f"field:{decl.name}.{tag.name}.{f.name}", f.span


def _at(
    span: Span, key: str, definition: bool = False, shift: int = 0, length: int = 0
) -> Occurrence:
    """Return an occurrence at a one-line span (or ``length`` characters from its start)."""
    start = span.col - 1 + shift
    end = span.col - 1 + length if length else (span.end_col or span.col) - 1
    return Occurrence(span.line - 1, start, end, key, definition)


def _heading_id(lines: list[str], section: ir.Section) -> Occurrence | None:
    """Return the `#id` of a rule's heading, the ID without its `#`."""
    text = lines[section.span.line - 1] if section.span.line <= len(lines) else ""
    match = _HEADING_ID.search(text)
    if match is None or match.group(1) != section.id:
        return None
    line = section.span.line - 1
    return Occurrence(line, match.start(1), match.end(1), f"rule:{section.id}", True)


def _block(
    index: Index,
    spec: ir.Spec,
    block: ir.Block,
    lines: list[str],
    declared: set[str],
    functions: set[str],
    section: ir.Section | None,
) -> None:
    """Index what one block names."""
    add = index.occurrences.append
    if isinstance(block, ir.Declarations):
        first = block.span.line
        indent = len(lines[first - 1]) - len(lines[first - 1].lstrip(" "))
        drafts, _ = parse_declarations(spec.path, block.source, first + 1, indent + 1)
        for draft in drafts:
            for use in [*draft.type_uses, *draft.raises]:
                if use.name in declared:
                    add(_at(use.span, f"type:{use.name}"))
    elif isinstance(block, ir.Examples):
        for example in block.examples:
            _example(index, spec, example)
    elif isinstance(block, ir.ConversationBlock):
        for answer in block.conversation.answers:
            for ref in answer.refs:
                if spec.rule(ref) is not None:
                    _answer_ref(index, lines, answer, ref)
    elif isinstance(block, (ir.Prose, ir.Commentary)):
        for number in range(block.span.line, (block.span.end_line or 0) + 1):
            for match in _CODE_SPAN.finditer(
                lines[number - 1] if number <= len(lines) else ""
            ):
                name = match.group(1)
                key = f"type:{name}" if name in declared else f"fn:{name}"
                if name in declared or name in functions:
                    add(Occurrence(number - 1, match.start(1), match.end(1), key))


def _answer_ref(index: Index, lines: list[str], answer: ir.Answer, ref: str) -> None:
    """Index `#ref` in an answer's label."""
    pattern = re.compile(rf"#({re.escape(ref)})(?=[\],\s])")
    for number in range(
        answer.span.line, (answer.span.end_line or answer.span.line) + 1
    ):
        for match in pattern.finditer(
            lines[number - 1] if number <= len(lines) else ""
        ):
            index.occurrences.append(
                Occurrence(number - 1, match.start(1), match.end(1), f"rule:{ref}")
            )


def _example(index: Index, spec: ir.Spec, example: ir.Example) -> None:
    """Index an example: its line, its call, its error, and the names in its values."""
    add = index.occurrences.append
    span = example.span
    key = f"example:{example.rule}:{example.index}"
    index.examples[key] = example
    add(
        Occurrence(
            span.line - 1,
            span.col - 1,
            (span.end_col or span.col) - 1,
            key,
            renamable=False,
        )
    )
    try:
        raw = parse_example(example.text, span.line, span.col)
    except LexError:
        return
    if not isinstance(raw, RawExample):
        return
    add(
        Occurrence(
            span.line - 1,
            raw.function_col - 1,
            raw.function_col - 1 + len(raw.function),
            f"fn:{raw.function}",
        )
    )
    for raw_arg, value in zip(raw.args, example.args, strict=False):
        _value(index, raw_arg, value)
    if raw.result is not None and example.result is not None:
        _value(index, raw.result, example.result)
    if raw.error is not None and example.raises is not None:
        error = raw.error
        add(
            Occurrence(
                span.line - 1,
                raw.error_col - 1,
                raw.error_col - 1 + len(error),
                f"type:{error}",
            )
        )
        for name, _, line, col in raw.error_fields:
            add(
                Occurrence(
                    line - 1, col - 1, col - 1 + len(name), f"field:{error}.{name}"
                )
            )


def _value(index: Index, raw: RawValue, value: ir.Value) -> None:
    """Index the enum members, tags and field names a value spells out."""
    add = index.occurrences.append
    if isinstance(value, ir.EnumValue) and raw.kind == "name":
        add(
            Occurrence(
                raw.line - 1,
                raw.col - 1,
                raw.col - 1 + len(raw.text),
                f"member:{value.enum}.{value.member}",
            )
        )
    elif isinstance(value, ir.ListValue):
        for raw_item, item in zip(raw.items, value.items, strict=False):
            _value(index, raw_item, item)
    elif isinstance(value, ir.MapValue):
        keys = raw.entries or [
            (RawValue("name", line, col, text=name), v)
            for name, v, line, col in raw.fields
        ]
        for (raw_key, raw_value), entry in zip(keys, value.entries, strict=False):
            _value(index, raw_key, entry.key)
            _value(index, raw_value, entry.value)
    elif isinstance(value, (ir.RecordValue, ir.VariantValue)):
        owner = (
            value.record
            if isinstance(value, ir.RecordValue)
            else f"{value.variant}.{value.tag}"
        )
        if isinstance(value, ir.VariantValue):
            add(
                Occurrence(
                    raw.line - 1,
                    raw.col - 1,
                    raw.col - 1 + len(raw.text),
                    f"tag:{owner}",
                )
            )
        given = {f.name: f.value for f in value.fields}
        for name, raw_field, line, col in raw.fields:
            add(
                Occurrence(
                    line - 1, col - 1, col - 1 + len(name), f"field:{owner}.{name}"
                )
            )
            if name in given:
                _value(index, raw_field, given[name])
