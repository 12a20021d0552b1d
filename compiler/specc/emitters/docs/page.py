"""One spec as a docs page: anchors, safe HTML for every block, and cross-links.

Every anchor that is not a rule's contains a `/` (`type/Task`, `ex/add_task/2`,
`section/definitions`), which rule IDs never do, so the two never collide.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from specc import ir
from specc.emitters import code
from specc.emitters.docs.markdown import (
    PageEnv,
    block_html,
    block_text,
    parse,
    plain,
    render_inline,
)
from specc.emitters.docs.properties import called, property_cells
from specc.frontend.example_text import split_example as split_text
from specc.naming import escape_surrogates, path_segment

if TYPE_CHECKING:
    from markdown_it.token import Token

    from specc.emitters.docs.llm import Generated

#: File names the site itself uses; a spec page never takes one.
RESERVED_PAGES = frozenset({"index.html", "coverage.html"})

DECL_KEYWORDS = frozenset(
    {"type", "enum", "record", "variant", "error", "fn", "raises", "use"}
)
PRIMITIVES = frozenset({"bool", "int", "float", "string", "bytes", "list", "map"})
_DECL_TOKEN = re.compile(
    r"(?P<doc>///[^\n]*)|(?P<comment>//[^\n]*)|(?P<string>\"(?:\\.|[^\"\\\n])*\")"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<number>-?\d[\d.eE+-]*)"
)
STRENGTHS = ("MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY")
_SLUG = re.compile(r"[^a-z0-9]+")


def page_file(spec: ir.Spec | ir.Interface | str) -> str:
    """Return the file name of a spec's page (given the spec or its ID)."""
    name = path_segment(spec if isinstance(spec, str) else spec.id) + ".html"
    return "spec-" + name if name in RESERVED_PAGES else name


def outline(sections: list[ir.Section]) -> Iterator[tuple[ir.Section, bool]]:
    """Yield (section, True) as each section opens, then its subsections, then
    (section, False) as it closes: a page renders one section at a time, so what
    it streams is never a whole section tree as one string."""
    for section in sections:
        yield section, True
        yield from outline(section.sections)
        yield section, False


def documented(fields: list[ir.Field]) -> list[ir.Field]:
    """Return the fields that have a doc comment (a types table has a Description
    column when any has)."""
    return [f for f in fields if f.doc]


def heading_level(section: ir.Section) -> int:
    """Return the HTML heading level of a section (the spec title is the page's h1)."""
    return min(section.level + 1, 6)


@dataclass(frozen=True, eq=False, repr=False)
class Counts:
    """What a spec holds, for the index and the page's header."""

    rules: int
    sections: int
    examples: int
    conversations: int
    types: int
    functions: int
    normative: int


class SpecPage:
    """One spec's page: what its templates need, computed once."""

    def __init__(self, spec: ir.Spec) -> None:
        self.spec = spec
        self.file = page_file(spec)
        self._parsed: dict[str, list[Token]] = {}
        self._plain: dict[str, str] = {}
        self._type_html: dict[int, tuple[ir.TypeRef, Markup]] = {}
        """A type's HTML by the type's identity (a spec's types are shared)."""
        self._token_html: dict[str, str] = {}
        """A declaration token's HTML by its text (which fixes its kind)."""
        self._gap_html: dict[str, str] = {}
        """The text between declaration tokens, escaped (few distinct, many uses)."""
        self._values = SpecValues()
        self.anchors: dict[int, str] = {}
        """id() of each section -> its anchor."""
        taken: set[str] = {s.id for s in spec.rules() if s.id}
        for section in spec.walk():
            if section.id is not None:
                self.anchors[id(section)] = section.id
            else:
                self.anchors[id(section)] = _unique(
                    "section/" + (_SLUG.sub("-", section.title.lower()).strip("-")),
                    taken,
                )
        self.env = PageEnv(
            {self.anchor(s): plain(s.title) for s in spec.walk()},
            frozenset(f.id for f in spec.footnotes),
            {u.spec: page_file(u.spec) for u in spec.uses},
        )
        self.titles = self.env.titles
        self.generated: dict[str, Generated] = {}
        """Rule ID -> the LLM-assisted explanation shown beside it (`--llm` only)."""

    # --- anchors -----------------------------------------------------------------

    def anchor(self, section: ir.Section) -> str:
        """Return a section's anchor: its rule ID, else a `section/…` slug."""
        return self.anchors[id(section)]

    def example_anchor(self, example: ir.Example | ir.Property) -> str:
        """Return the anchor of an example's table row."""
        owner = f"{example.rule}/" if example.rule else ""
        return f"ex/{owner}{example.index}"

    def conversation_anchor(self, conversation: ir.Conversation) -> str:
        """Return the anchor of a behavioural example."""
        owner = f"{conversation.rule}/" if conversation.rule else ""
        return f"conv/{owner}{conversation.index}"

    @staticmethod
    def item_key(item: ir.Example | ir.Property | ir.Conversation) -> str:
        """Return the `rule#n` key the conformance check finds an example by."""
        return f"{item.rule or ''}#{item.index}"

    # --- text ----------------------------------------------------------------------

    def _tokens(self, text: str) -> list[Token]:
        """Return block Markdown parsed, once per text (the page and search share it)."""
        tokens = self._parsed.get(text)
        if tokens is None:
            tokens = self._parsed[text] = parse(text, self.env)
        return tokens

    def markdown(self, text: str) -> Markup:
        """Return block Markdown as safe HTML."""
        return block_html(text, self._tokens, self.env)

    def inline(self, text: str) -> Markup:
        """Return inline Markdown (a heading) as safe HTML."""
        return render_inline(text, self.env)

    def plain(self, text: str) -> str:
        """Return inline Markdown as plain text (`[?](#id)` links take their titles)."""
        found = self._plain.get(text)
        if found is None:
            found = self._plain[text] = plain(text, self.env)
        return found

    def plain_blocks(self, text: str) -> str:
        """Return block Markdown as plain text."""
        return block_text(text, self._tokens)

    def strengths(self, section: ir.Section) -> list[str]:
        """Return the normative strengths a section's statements use, strongest first."""
        used = {s.strength for s in section.statements if s.strength}
        return [s for s in STRENGTHS if s in used]

    def declaration_anchor(self, name: str) -> str:
        """Return the reference anchor of a declared type or function."""
        return f"func/{name}" if self.spec.function(name) else f"type/{name}"

    def rule_title(self, rule_id: str) -> str:
        """Return the plain title of the section with this anchor."""
        return self.titles.get(rule_id, rule_id)

    @cached_property
    def counts(self) -> Counts:
        """Return how many rules, examples, types… the spec holds."""
        spec = self.spec
        return Counts(
            rules=sum(1 for _ in spec.rules()),
            sections=sum(1 for _ in spec.walk()),
            examples=sum(1 for _ in spec.examples()),
            conversations=sum(1 for _ in spec.conversations()),
            types=len(spec.types),
            functions=len(spec.functions),
            normative=sum(1 for s in spec.walk() for t in s.statements if t.strength),
        )

    # --- types and values ------------------------------------------------------------

    def type_link(self, name: str) -> Markup:
        """Return a declared type's name linked to its reference entry."""
        if self.spec.type(name) is None:
            return html('<span class="type">{}</span>', name)
        return html('<a class="type" href="#type/{0}">{0}</a>', name)

    @staticmethod
    def spec_page(spec_id: str) -> str:
        """Return the page of a spec (this one uses it)."""
        return page_file(spec_id)

    def foreign_link(self, spec_id: str, name: str, text: str | None = None) -> Markup:
        """Return another spec's type linked to its entry on that spec's page."""
        return html(
            '<a class="type" href="{0}#type/{1}">{2}</a>',
            page_file(spec_id),
            name,
            text or f"{spec_id}.{name}",
        )

    def type_html(self, ref: ir.TypeRef) -> Markup:
        """Return a type in spec syntax, declared names linked (another spec's to its page)."""
        known = self._type_html.get(id(ref))
        if known is None or known[0] is not ref:
            known = self._type_html[id(ref)] = (ref, self._type_html_of(ref))
        return known[1]

    def _type_html_of(self, ref: ir.TypeRef) -> Markup:
        if ref.kind == "primitive":
            return html('<span class="prim">{}</span>', ref.name)
        if ref.kind == "named" and ref.spec not in (None, self.spec.id):
            return self.foreign_link(str(ref.spec), str(ref.name))
        if ref.kind == "named":
            return self.type_link(str(ref.name))
        if ref.kind == "optional":
            return self.type_html(ref.args[0]) + Markup('<span class="op">?</span>')
        args = Markup(", ").join(self.type_html(a) for a in ref.args)
        return html('<span class="prim">{}</span>&lt;{}&gt;', ref.kind, args)

    def value(self, value: ir.Value | None) -> str:
        """Return a value in the spec's literal syntax."""
        return "" if value is None else self._values(value)

    def signature(self, fn: ir.Function) -> Markup:
        """Return a function's signature with its types linked."""
        params = Markup(", ").join(
            html('<span class="param">{}</span>: {}', p.name, self.type_html(p.type))
            for p in fn.params
        )
        text = html(
            '<a class="fn" href="#func/{0}">{0}</a>({1}) → {2}',
            fn.name,
            params,
            self.type_html(fn.returns),
        )
        if fn.raises:
            errors = Markup(", ").join(self.type_link(e) for e in fn.raises)
            text += Markup(' <span class="kw">raises</span> ') + errors
        return text

    def declarations(self, block: ir.Declarations) -> Markup:
        """Return a `specc` block's source, escaped, with names linked and coloured."""
        out: list[str] = []
        pos = 0
        source = block.source.rstrip("\n")
        qualifier: str | None = None
        gaps, tokens, used = self._gap_html, self._token_html, self._used_specs
        for match in _DECL_TOKEN.finditer(source):
            between = source[pos : match.start()]
            gap = gaps.get(between)
            if gap is None:
                gap = gaps[between] = str(escape(between))
            out.append(gap)
            kind, text = match.lastgroup or "", match.group()
            if qualifier is not None and between == "." and kind == "word":
                out.append(str(self.foreign_link(qualifier, text, text)))
            else:
                found = tokens.get(text)
                if found is None:
                    found = tokens[text] = self._token_html_of(kind, text)
                out.append(found)
            qualifier = text if kind == "word" and text in used else None
            pos = match.end()
        out.append(str(escape(source[pos:])))
        return Markup("".join(out))

    def _token_html_of(self, kind: str, text: str) -> str:
        if kind == "word":
            if self.spec.type(text) is not None:
                return str(self.type_link(text))
            if text in self._imported:
                return str(self.foreign_link(self._imported[text], text, text))
            if text in self._used_specs:
                return str(
                    html('<a class="spec" href="{0}">{1}</a>', page_file(text), text)
                )
            if self.spec.function(text) is not None:
                return str(html('<a class="fn" href="#func/{0}">{0}</a>', text))
            if text in DECL_KEYWORDS:
                kind = "kw"
            elif text in PRIMITIVES:
                kind = "prim"
            else:
                return str(escape(text))
        return str(html('<span class="{}">{}</span>', kind, text))

    @cached_property
    def _used_specs(self) -> set[str]:
        """Return the IDs of the specs this one uses."""
        return {u.spec for u in self.spec.uses}

    @cached_property
    def _imported(self) -> dict[str, str]:
        """Return the names `use` brings in, with the spec each is from."""
        return {name: u.spec for u in self.spec.uses for name in u.names}

    def used_by(self, name: str) -> list[tuple[str, str]]:
        """Return (anchor, name) of every declaration whose fields or signature use ``name``."""
        return self._users.get(name, [])

    @cached_property
    def _users(self) -> dict[str, list[tuple[str, str]]]:
        """Return, for each type name, the declarations that use it, in source order."""
        users: dict[str, list[tuple[str, str]]] = {}
        for decl in self.spec.types:
            fields = list(getattr(decl, "fields", []))
            fields += [f for t in getattr(decl, "tags", []) for f in t.fields]
            refs = [f.type for f in fields]
            if isinstance(decl, ir.Alias):
                refs.append(decl.target)
            for used in dict.fromkeys(n for r in refs for n in _named(r)):
                if used != decl.name:
                    users.setdefault(used, []).append((f"type/{decl.name}", decl.name))
        for fn in self.spec.functions:
            refs = [p.type for p in fn.params] + [fn.returns]
            names = [n for r in refs for n in _named(r)] + list(fn.raises)
            for used in dict.fromkeys(names):
                users.setdefault(used, []).append((f"func/{fn.name}", fn.name))
        return users

    def examples_of(self, fn: ir.Function) -> list[ir.Example | ir.Property]:
        """Return the examples that call a function, and the properties that do."""
        return self._calls.get(fn.name, [])

    @cached_property
    def _calls(self) -> dict[str, list[ir.Example | ir.Property]]:
        """Return the examples of each function name, then its properties."""
        calls: dict[str, list[ir.Example | ir.Property]] = {}
        for example in self.spec.examples():
            calls.setdefault(example.function, []).append(example)
        for prop in self.spec.properties():
            for name in called(prop):
                calls.setdefault(name, []).append(prop)
        return calls

    # --- examples and conversations --------------------------------------------------

    @staticmethod
    def example_rows(block: ir.Examples) -> list[ir.Example | ir.Property]:
        """Return a block's examples and properties in source order (their numbers)."""
        return sorted([*block.examples, *block.properties], key=lambda row: row.index)

    def property_cells(self, prop: ir.Property) -> tuple[Markup, Markup]:
        """Return a property's variables and conditions, and its check, linked."""
        return property_cells(prop, self.spec, self.type_link)

    def example_cells(self, example: ir.Example) -> tuple[Markup, str, Markup]:
        """Return an example's call, operator and expectation as written, escaped."""
        call, op, rest = split_example(example)
        link = html('<a class="fn" href="#func/{0}">{0}</a>', example.function)
        call_html = link + escape(call[len(example.function) :])
        if op == "raises" and example.raises is not None:
            error = example.raises.error
            tail = rest[len(error) :] if rest.startswith(error) else rest
            return call_html, op, self.type_link(error) + escape(tail)
        return call_html, op, escape(rest)

    @staticmethod
    def conversation_items(
        conversation: ir.Conversation,
    ) -> Iterator[ir.Turn | ir.Comparison]:
        """Yield turns and compared answers in the order a reader meets them."""
        for position, turn in enumerate(conversation.turns):
            yield from (c for c in conversation.comparisons if c.after == position)
            yield turn
        end = len(conversation.turns)
        yield from (c for c in conversation.comparisons if c.after >= end)


def _named(ref: ir.TypeRef) -> Iterator[str]:
    """Yield every name of the spec's own declarations a type mentions."""
    if ref.kind == "named" and ref.name is not None and ref.spec is None:
        yield ref.name
    for arg in ref.args:
        yield from _named(arg)


def _unique(anchor: str, taken: set[str]) -> str:
    """Return ``anchor``, numbered if already taken, and take it."""
    candidate, n = anchor, 1
    while candidate in taken:
        n += 1
        candidate = f"{anchor}-{n}"
    taken.add(candidate)
    return candidate


def split_example(example: ir.Example) -> tuple[str, str, str]:
    """Return an example line's call, operator (`==`, `~=`, `raises`) and the rest."""
    return split_text(example.text, example.function)


class SpecValues(code.ValueRenderer):
    """Typed values in the spec's own literal syntax (only fields written are shown)."""

    def render_bool(self, v: ir.BoolValue) -> str:
        return "true" if v.value else "false"

    def render_int(self, v: ir.IntValue) -> str:
        return str(v.value)

    def render_float(self, v: ir.FloatValue) -> str:
        return v.text

    def render_string(self, v: ir.StringValue) -> str:
        return escape_surrogates(json.dumps(v.value, ensure_ascii=False))

    def render_bytes(self, v: ir.BytesValue) -> str:
        return "[" + ", ".join(map(str, v.value)) + "]"

    def render_none(self, v: ir.NoneValue) -> str:
        return "none"

    def render_list(self, v: ir.ListValue) -> str:
        return "[" + ", ".join(self(i) for i in v.items) + "]"

    def render_map(self, v: ir.MapValue) -> str:
        return (
            "{" + ", ".join(f"{self(e.key)}: {self(e.value)}" for e in v.entries) + "}"
        )

    def render_enum(self, v: ir.EnumValue) -> str:
        return v.member

    def fields(self, fields: list[ir.FieldValue]) -> str:
        """Return the explicitly written fields as `{name: value, …}`."""
        shown = [f"{f.name}: {self(f.value)}" for f in fields if f.explicit]
        return "{" + ", ".join(shown) + "}"

    def render_record(self, v: ir.RecordValue) -> str:
        return self.fields(v.fields)

    def render_variant(self, v: ir.VariantValue) -> str:
        return v.tag + self.fields(v.fields)


def html(template: str, *args: object) -> Markup:
    """Return ``template`` (HTML) with its `{}` fields filled by ``args``, escaped.

    What `Markup(template).format(*args)` gives, without its `string.Formatter`
    in Python: a reference of 1000 records formats 20 000 of these.
    """
    return Markup(template.format(*map(escape, args)))
