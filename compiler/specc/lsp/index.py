"""An index of a compiled spec's names and rule IDs: where each is defined and used.

It is built from the IR and its spans, and for what the IR does not place
(a type named inside a declaration, a field or enum member named inside an
example) from the front end's own readers run again on those lines:
`parse_declarations` on a `specc` block, `parse_example` on an example.

A name another spec declares (brought in by `use`, written `common.Money`, a
value of its type in an example, a `[text](common#rule)` link, a spec ID in
`uses`) is indexed under the same key as in that spec, with that spec's ID
in `Occurrence.spec`; `specc.lsp.project` follows it there.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from specc import ir
from specc.frontend.idl import UseDraft, parse_declarations
from specc.frontend.lexer import LexError
from specc.frontend.values import RawExample, RawValue, parse_example
from specc.source import Span

_CODE_SPAN = re.compile(
    r"(?<!`)`(?:([A-Za-z_][A-Za-z0-9_]*)\.)?([A-Za-z_][A-Za-z0-9_]*)`(?!`)"
)
_SPEC_FIELD = re.compile(r"spec:[ \t]*([A-Za-z_][A-Za-z0-9_]*)")
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
    `spec:common` for a spec's ID, or `example:<rule>:<index>` for an example line."""
    definition: bool = False
    renamable: bool = True
    """False for a place that names the thing without spelling it (an example of a rule)."""
    spec: str = ""
    """The ID of the spec that declares what it names, when that is another spec."""


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
        self.occurrences = sorted(set(self.occurrences))
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

    def owner(self, occurrence: Occurrence) -> str:
        """Return the ID of the spec that declares what an occurrence names."""
        return occurrence.spec or self.spec.id

    def naming(self, spec: str, key: str) -> list[Occurrence]:
        """Return the occurrences of ``key`` declared by spec ``spec``."""
        return [o for o in self.by_key.get(key, []) if self.owner(o) == spec]


def build_index(spec: ir.Spec, lines: list[str]) -> Index:
    """Index a compiled spec; ``lines`` are its source lines as the front end numbers them."""
    index = Index(spec)
    add = index.occurrences.append
    for decl in [*spec.types, *spec.functions]:
        for key, span in _declared(decl):
            add(_at(span, key, definition=True))
    names = _Names(spec)
    _spec_ids(index, lines)
    for section in spec.walk():
        if section.id is not None:
            found = _heading_id(lines, section)
            if found is not None:
                add(found)
        for link in section.links:
            _link(index, link)
        for block in section.content:
            _block(index, block, lines, names)
    for block in spec.preamble:
        _block(index, block, lines, names)
    return index.finish()


class _Names:
    """What a spec's names refer to: its own declarations, and what it imports."""

    def __init__(self, spec: ir.Spec) -> None:
        self.spec = spec
        self.declared = {t.name for t in spec.types}
        self.functions = {f.name for f in spec.functions}
        self.interfaces = {i.id: i for i in spec.interfaces}
        self.imported = {n: u.spec for u in spec.uses for n in u.names}
        """Names `use` brings in, with the spec each is from."""

    def type_spec(self, name: str, spec: str | None = None) -> str | None:
        """Return who declares type ``name`` (written ``spec.name`` if ``spec``):
        "" for this spec, another spec's ID, or None when nobody does."""
        if spec is None or spec == self.spec.id:
            if name in self.declared:
                return ""
            spec = None if spec else self.imported.get(name)
        used = self.interfaces.get(spec) if spec else None
        return spec if used is not None and used.type(name) is not None else None


def _spec_ids(index: Index, lines: list[str]) -> None:
    """Index the spec's own ID in its front matter, and each spec ID in `uses`."""
    spec = index.spec
    key = f"spec:{spec.id}"
    own = Occurrence(0, 0, 0, key, definition=True)  # an ID from the file's name
    if lines and lines[0].startswith("---"):
        for number, line in enumerate(lines[1:], 1):
            if line.startswith(("---", "...")):
                break
            match = _SPEC_FIELD.match(line)
            if match is not None and match.group(1) == spec.id:
                own = Occurrence(number, *match.span(1), key, definition=True)
    index.occurrences.append(own)
    for use in spec.uses:
        index.occurrences.append(
            _at(use.span, f"spec:{use.spec}", length=len(use.spec), spec=use.spec)
        )


def _link(index: Index, link: ir.Link) -> None:
    """Index a cross-reference: `#id` of this spec, or `spec#id` of another."""
    spec = index.spec
    if link.spec is None:
        if spec.rule(link.target) is not None:
            index.occurrences.append(_at(link.span, f"rule:{link.target}", shift=1))
        return
    used = next((i for i in spec.interfaces if i.id == link.spec), None)
    if used is None:
        return
    index.occurrences.append(
        _at(link.span, f"spec:{link.spec}", length=len(link.spec), spec=link.spec)
    )
    if link.target in used.rules:
        at = len(link.spec) + 1
        key = f"rule:{link.target}"
        index.occurrences.append(_at(link.span, key, shift=at, spec=link.spec))


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
    span: Span,
    key: str,
    definition: bool = False,
    shift: int = 0,
    length: int = 0,
    spec: str = "",
) -> Occurrence:
    """Return an occurrence at a one-line span (or ``length`` characters from its start)."""
    start = span.col - 1 + shift
    end = span.col - 1 + length if length else (span.end_col or span.col) - 1
    return Occurrence(span.line - 1, start, end, key, definition, spec=spec)


def _heading_id(lines: list[str], section: ir.Section) -> Occurrence | None:
    """Return the `#id` of a rule's heading, the ID without its `#`."""
    text = lines[section.span.line - 1] if section.span.line <= len(lines) else ""
    match = _HEADING_ID.search(text)
    if match is None or match.group(1) != section.id:
        return None
    line = section.span.line - 1
    return Occurrence(line, match.start(1), match.end(1), f"rule:{section.id}", True)


def _block(index: Index, block: ir.Block, lines: list[str], names: _Names) -> None:
    """Index what one block names."""
    spec = index.spec
    if isinstance(block, ir.Declarations):
        _declarations(index, block, lines, names)
    elif isinstance(block, ir.Examples):
        for example in block.examples:
            _example(index, names, example)
        for found in block.properties:
            _property(index, names, lines, found)
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
                _code_span(index, names, number - 1, match)


def _code_span(index: Index, names: _Names, line: int, match: re.Match[str]) -> None:
    """Index a type or function named in a prose code span (`Name` or `spec.Name`)."""
    add = index.occurrences.append
    qualifier, name = match.group(1), match.group(2)
    owner = names.type_spec(name, qualifier)
    if owner is not None:
        add(Occurrence(line, match.start(2), match.end(2), f"type:{name}", spec=owner))
        if owner:
            key = f"spec:{owner}"
            if qualifier:
                add(Occurrence(line, match.start(1), match.end(1), key, spec=owner))
    elif qualifier is None and name in names.functions:
        add(Occurrence(line, match.start(2), match.end(2), f"fn:{name}"))


def _declarations(
    index: Index, block: ir.Declarations, lines: list[str], names: _Names
) -> None:
    """Index the types a `specc` block names, its `use` statements' included."""
    add = index.occurrences.append
    first = block.span.line
    indent = len(lines[first - 1]) - len(lines[first - 1].lstrip(" "))
    statements: list[UseDraft] = []
    drafts, _ = parse_declarations(
        index.spec.path, block.source, first + 1, indent + 1, imports=statements
    )
    uses = [(u, u.spec) for s in statements for u in s.names]
    for statement in statements:
        if statement.spec in names.interfaces:
            key = f"spec:{statement.spec}"
            add(_at(statement.span, key, spec=statement.spec))
    for draft in drafts:
        uses += [(u, u.spec) for u in [*draft.type_uses, *draft.raises]]
    for use, qualifier in uses:
        owner = names.type_spec(use.name, qualifier)
        if owner is None:
            continue
        add(_at(use.span, f"type:{use.name}", spec=owner))
        if owner and use.spec_span is not None:
            add(_at(use.spec_span, f"spec:{owner}", spec=owner))


_WORD = re.compile(r"(?:([A-Za-z_][A-Za-z0-9_]*)\.)?([A-Za-z_][A-Za-z0-9_]*)(\s*\()?")


def _property(
    index: Index, names: _Names, lines: list[str], found: ir.Property
) -> None:
    """Index a `forall` line: the types its variables are drawn from, the functions
    its check calls."""
    span = found.span
    text = lines[span.line - 1] if span.line <= len(lines) else ""
    bound = {b.name for b in found.bindings}
    for match in _WORD.finditer(text, span.col - 1):
        qualifier, name, call = match.group(1), match.group(2), match.group(3)
        if call and qualifier is None and name in names.functions:
            key = f"fn:{name}"
        elif not call and name not in bound:
            owner = names.type_spec(name, qualifier)
            if owner is None:
                continue
            occurrence = Occurrence(
                span.line - 1, match.start(2), match.end(2), f"type:{name}", spec=owner
            )
            index.occurrences.append(occurrence)
            continue
        else:
            continue
        index.occurrences.append(
            Occurrence(span.line - 1, match.start(2), match.end(2), key)
        )


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


def _example(index: Index, names: _Names, example: ir.Example) -> None:
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
        _value(index, names, raw_arg, value)
    if raw.result is not None and example.result is not None:
        _value(index, names, raw.result, example.result)
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


def _value(index: Index, names: _Names, raw: RawValue, value: ir.Value) -> None:
    """Index the enum members, tags and field names a value spells out."""
    add = index.occurrences.append
    if isinstance(value, ir.EnumValue) and raw.kind == "name":
        add(
            Occurrence(
                raw.line - 1,
                raw.col - 1,
                raw.col - 1 + len(raw.text),
                f"member:{value.enum}.{value.member}",
                spec=_value_spec(names, value, value.enum),
            )
        )
    elif isinstance(value, ir.ListValue):
        for raw_item, item in zip(raw.items, value.items, strict=False):
            _value(index, names, raw_item, item)
    elif isinstance(value, ir.MapValue):
        keys = raw.entries or [
            (RawValue("name", line, col, text=name), v)
            for name, v, line, col in raw.fields
        ]
        for (raw_key, raw_value), entry in zip(keys, value.entries, strict=False):
            _value(index, names, raw_key, entry.key)
            _value(index, names, raw_value, entry.value)
    elif isinstance(value, (ir.RecordValue, ir.VariantValue)):
        if isinstance(value, ir.RecordValue):
            owner, spec = value.record, _value_spec(names, value, value.record)
        else:
            owner = f"{value.variant}.{value.tag}"
            spec = _value_spec(names, value, value.variant)
            add(
                Occurrence(
                    raw.line - 1,
                    raw.col - 1,
                    raw.col - 1 + len(raw.text),
                    f"tag:{owner}",
                    spec=spec,
                )
            )
        given = {f.name: f.value for f in value.fields}
        for name, raw_field, line, col in raw.fields:
            add(
                Occurrence(
                    line - 1,
                    col - 1,
                    col - 1 + len(name),
                    f"field:{owner}.{name}",
                    spec=spec,
                )
            )
            if name in given:
                _value(index, names, raw_field, given[name])


def _value_spec(names: _Names, value: ir.Value, declared: str) -> str:
    """Return the ID of the other spec that declares a value's type ``declared``, or ""."""
    ref = value.type
    while ref.kind == "optional" and ref.args:
        ref = ref.args[0]
    if ref.kind == "named" and ref.spec and ref.name == declared:
        return "" if ref.spec == names.spec.id else ref.spec
    return "" if declared in names.declared else names.imported.get(declared, "")
