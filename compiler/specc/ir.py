"""The intermediate representation: frozen records, data only."""

# size: module the whole IR is one document (one JSON Schema), a record per node

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Annotated, Any, ClassVar, Literal

from specc import records
from specc.source import Span

#: Version of the IR's JSON form; bumped on any incompatible change.
IR_VERSION = "1.0"

Strength = Literal["MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY"]
Primitive = Literal["bool", "int", "float", "string", "bytes"]


def _only_with_uses(default: Any) -> Any:
    """Return a field only specs that use others set, left out of the JSON when unset.

    So the IR of a spec that stands alone reads as it did before specs could
    use each other.
    """
    return records.field(default=default, omit_empty=True)


class Node(records.Record):
    """Base of every IR node: immutable, no unknown fields."""

    record_config: ClassVar[dict[str, Any]] = {"frozen": True, "extra": "forbid"}


# --- Types ----------------------------------------------------------------


class TypeRef(Node):
    """A use of a type: a primitive, a named declaration, or a constructor."""

    kind: Literal["primitive", "named", "list", "map", "optional"]
    """Which form of type this is."""
    name: str | None = None
    """Primitive or declaration name, for `primitive` and `named`."""
    args: list[TypeRef] = []
    """Element type (`list`, `optional`) or key and value types (`map`)."""
    spec: str | None = _only_with_uses(None)
    """For `named`: the ID of the spec that declares the type, when it is another."""

    def __str__(self) -> str:
        if self.kind == "named" and self.spec is not None:
            return f"{self.spec}.{self.name}"
        if self.kind in ("primitive", "named"):
            return str(self.name)
        if self.kind == "optional":
            return f"{self.args[0]}?"
        return f"{self.kind}<{', '.join(str(a) for a in self.args)}>"


class Field(Node):
    """A named, typed member of a record, variant tag, error or parameter list."""

    name: str
    """The field's name as written."""
    type: TypeRef
    """The field's type."""
    default: Value | None = None
    """Default value, already type-checked; absent when the field is required."""
    doc: str = ""
    """Text of the `///` comments above it."""
    span: Span
    """Where the field is declared."""

    @property
    def required(self) -> bool:
        """Return whether an example must give this field."""
        return self.default is None


class EnumMember(Node):
    """One member of an enum."""

    name: str
    """The member's name."""
    doc: str = ""
    """Text of the `///` comments above it."""
    span: Span
    """Where the member is declared."""


class VariantTag(Node):
    """One case of a tagged union, with its own fields."""

    name: str
    """The tag's name."""
    fields: list[Field] = []
    """The case's fields, in order."""
    doc: str = ""
    """Text of the `///` comments above it."""
    span: Span
    """Where the tag is declared."""


class DeclBase(Node):
    """What every declaration has: a name, docs, a rule and a place."""

    name: str
    """The declared name, unique within the spec."""
    doc: str = ""
    """Text of the `///` comments above it."""
    rule: str | None = None
    """ID of the rule whose section holds the declaration."""
    span: Span
    """Where the name is declared."""


class Alias(DeclBase):
    """`type Name = T`."""

    kind: Literal["alias"] = "alias"
    target: TypeRef
    """The aliased type."""


class Enum(DeclBase):
    """`enum Name { a, b }`."""

    kind: Literal["enum"] = "enum"
    members: list[EnumMember]
    """Members in declaration order."""


class Record(DeclBase):
    """`record Name { field: T = default }`."""

    kind: Literal["record"] = "record"
    fields: list[Field]
    """Fields in declaration order."""


class Variant(DeclBase):
    """`variant Name { tag { field: T } }`: a tagged union."""

    kind: Literal["variant"] = "variant"
    tags: list[VariantTag]
    """Cases in declaration order."""


class Error(DeclBase):
    """`error Name "message"` or `error Name { field: T }`."""

    kind: Literal["error"] = "error"
    message: str | None = None
    """Fixed message, when declared with one."""
    fields: list[Field] = []
    """Fields the error carries."""


TypeDecl = Annotated[Alias | Enum | Record | Variant | Error, records.Tagged("kind")]


class Function(DeclBase):
    """`fn name(param: T) -> R raises E`."""

    kind: Literal["function"] = "function"
    params: list[Field]
    """Parameters in order (never with defaults)."""
    returns: TypeRef
    """Result type."""
    raises: list[str] = []
    """Names of the errors the function may raise."""


# --- Values -----------------------------------------------------------------


class ValueBase(Node):
    """What every typed example value has: the type expected where it stands."""

    type: TypeRef
    """Expected type at this position, aliases resolved; may be `optional`."""


class BoolValue(ValueBase):
    """`true` or `false`."""

    kind: Literal["bool"] = "bool"
    value: bool


class IntValue(ValueBase):
    """An integer literal where an `int` is expected."""

    kind: Literal["int"] = "int"
    value: int


class FloatValue(ValueBase):
    """A number where a `float` is expected."""

    kind: Literal["float"] = "float"
    value: float
    text: str
    """The literal as written."""


class StringValue(ValueBase):
    """A string literal (JSON escapes decoded)."""

    kind: Literal["string"] = "string"
    value: str


class BytesValue(ValueBase):
    """A list of integers 0-255 where `bytes` is expected."""

    kind: Literal["bytes"] = "bytes"
    value: list[int]


class NoneValue(ValueBase):
    """`none`, only where an optional is expected."""

    kind: Literal["none"] = "none"


class ListValue(ValueBase):
    """`[a, b]`."""

    kind: Literal["list"] = "list"
    items: list[Value]


class MapEntry(Node):
    """One key and value of a map literal."""

    key: Value
    value: Value


class MapValue(ValueBase):
    """`{"k": v}`, entries in source order."""

    kind: Literal["map"] = "map"
    entries: list[MapEntry]


class EnumValue(ValueBase):
    """A bare enum member name."""

    kind: Literal["enum"] = "enum"
    enum: str
    member: str


class FieldValue(Node):
    """A field's value inside a record, variant or error value."""

    name: str
    value: Value
    explicit: bool = True
    """False when the value is the field's default."""


class RecordValue(ValueBase):
    """`{field: v}`, every field present, defaults filled in declaration order."""

    kind: Literal["record"] = "record"
    record: str
    fields: list[FieldValue]


class VariantValue(ValueBase):
    """`tag{field: v}`, every field of the tag present in declaration order."""

    kind: Literal["variant"] = "variant"
    variant: str
    tag: str
    fields: list[FieldValue]


Value = Annotated[
    BoolValue
    | IntValue
    | FloatValue
    | StringValue
    | BytesValue
    | NoneValue
    | ListValue
    | MapValue
    | EnumValue
    | RecordValue
    | VariantValue,
    records.Tagged("kind"),
]


# --- Examples and conversations -----------------------------------------------


class ExpectedError(Node):
    """The error an example expects: its name and the fields it pins down."""

    error: str
    fields: list[FieldValue] = []
    """Only the fields the example names; others are not checked."""


class Example(Node):
    """One line of an `examples` block, type-checked against its function."""

    rule: str | None
    """ID of the enclosing rule."""
    index: int
    """Position among the rule's examples, from 1."""
    text: str
    """The line as written, without its comment."""
    function: str
    """Name of the called function."""
    args: list[Value]
    """Arguments in parameter order."""
    expect: Literal["equals", "approx", "raises"]
    """`==`, `~=` or `raises`."""
    result: Value | None = None
    """Expected result for `equals` and `approx`."""
    tolerance: float | None = None
    """Relative tolerance for `approx`."""
    raises: ExpectedError | None = None
    """Expected error for `raises`."""
    span: Span


class CallTerm(Node):
    """A call inside a property: a function applied to terms."""

    kind: Literal["call"] = "call"
    function: str
    args: list[Term]
    """Arguments in parameter order."""
    type: TypeRef
    """What the function returns, aliases resolved."""


class VarTerm(Node):
    """A variable a property's `forall` binds."""

    kind: Literal["var"] = "var"
    name: str
    type: TypeRef


class ValueTerm(Node):
    """A literal value inside a property (it holds no variable)."""

    kind: Literal["value"] = "value"
    value: Value
    type: TypeRef


Term = Annotated[CallTerm | VarTerm | ValueTerm, records.Tagged("kind")]


class Check(Node):
    """`left == right` or `left != right`; both sides have the same type."""

    op: Literal["==", "!="]
    left: Term
    right: Term


class Binding(Node):
    """One variable of a `forall`: its name and the type its values are drawn from."""

    name: str
    type: TypeRef
    """The type as written, aliases resolved."""
    span: Span


class Property(Node):
    """A `forall` line of an `examples` block: a check that holds for every value."""

    rule: str | None
    """ID of the enclosing rule."""
    index: int
    """Position among the rule's examples and properties, from 1."""
    text: str
    """The line as written, without its comment."""
    bindings: list[Binding]
    where: list[Check] = []
    """Conditions a drawn case must meet to be checked; others are skipped."""
    check: Check
    span: Span


class Turn(Node):
    """One message of an example conversation."""

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str
    """The message text, inner markup kept as written."""
    attributes: dict[str, str] = {}
    """Tag attributes such as `recipient` or `name`."""
    span: Span


class Answer(Node):
    """A labelled candidate assistant answer inside a `<comparison>`."""

    label: Literal["GOOD", "BAD", "OK"] | None
    """The verdict, absent when the answer carries none."""
    reason: str | None = None
    """Why, when the label says (`BAD: lectures the user`)."""
    refs: list[str] = []
    """Rule IDs the label cites (`BAD[#chain_of_command]`)."""
    content: str
    attributes: dict[str, str] = {}
    span: Span


class Comparison(Node):
    """Candidate answers to the conversation as it stands after ``after`` turns."""

    after: int
    """How many turns of the conversation precede the answers."""
    answers: list[Answer]
    """Labelled candidate answers, in order."""
    span: Span


class Conversation(Node):
    """A behavioural example: `**Example**: title` and its `~~~xml` block."""

    rule: str | None
    """ID of the enclosing rule."""
    index: int
    """Position among the rule's conversations, from 1."""
    title: str
    turns: list[Turn]
    """The messages, in order, without the compared answers."""
    comparisons: list[Comparison] = []
    """Compared answers, each placed after a number of turns."""
    span: Span

    @property
    def answers(self) -> list[Answer]:
        """Return every compared answer, in order."""
        return [a for c in self.comparisons for a in c.answers]


# --- Sections and the spec -------------------------------------------------------


class Statement(Node):
    """One sentence of a section's prose, with its RFC 2119 strength."""

    text: str
    strength: Strength | None = None
    """The strongest capitalised keyword in the sentence, if any."""
    footnotes: list[str] = []
    """Footnote markers in the sentence, without `[^` and `]`."""
    span: Span


class Link(Node):
    """A `[text](#id)` cross-reference, or `[text](spec#id)` to another spec's rule."""

    target: str
    text: str
    span: Span
    spec: str | None = _only_with_uses(None)
    """The ID of the spec whose rule `target` names, when it is another."""


class Prose(Node):
    """A block of Markdown prose, kept as written."""

    kind: Literal["prose"] = "prose"
    markdown: str
    span: Span


class Commentary(Node):
    """A non-normative `!!! meta "Title"` block."""

    kind: Literal["commentary"] = "commentary"
    title: str
    markdown: str
    span: Span


class Code(Node):
    """A fenced or indented code block that is not a specc block."""

    kind: Literal["code"] = "code"
    lang: str
    code: str
    span: Span


class Declarations(Node):
    """A `specc` block; the declarations themselves live on the spec."""

    kind: Literal["declarations"] = "declarations"
    source: str
    names: list[str]
    """Names declared in this block, in order."""
    span: Span


class Examples(Node):
    """An `examples` block."""

    kind: Literal["examples"] = "examples"
    source: str
    examples: list[Example]
    properties: list[Property] = records.field(default=[], omit_empty=True)
    """The block's `forall` lines; left out of the JSON when there are none."""
    span: Span


class ConversationBlock(Node):
    """A behavioural example in the flow of the section."""

    kind: Literal["conversation"] = "conversation"
    conversation: Conversation
    span: Span


Block = Annotated[
    Prose | Commentary | Code | Declarations | Examples | ConversationBlock,
    records.Tagged("kind"),
]


class Section(Node):
    """A heading and what follows it; a rule when it has an ID."""

    id: str | None = None
    """Stable rule ID from `{#id}`; absent for ordinary headings."""
    title: str
    """Heading text without the attribute block."""
    level: int
    """Heading level, 1 to 6."""
    attributes: dict[str, str] = {}
    """Other `key=value` heading attributes, such as `authority`."""
    content: list[Block] = []
    """The section's own blocks, in source order."""
    statements: list[Statement] = []
    """Sentences of the section's own prose."""
    links: list[Link] = []
    """Cross-references in the section's own prose."""
    sections: list[Section] = []
    """Subsections."""
    span: Span

    @property
    def is_rule(self) -> bool:
        """Return whether the section is a rule (has an ID)."""
        return self.id is not None

    def walk(self) -> Iterator[Section]:
        """Yield this section and every subsection, depth first."""
        yield self
        for child in self.sections:
            yield from child.walk()

    @property
    def examples(self) -> list[Example]:
        """Return the section's own code examples."""
        return [e for b in self.content if isinstance(b, Examples) for e in b.examples]

    @property
    def properties(self) -> list[Property]:
        """Return the section's own properties."""
        return [
            p for b in self.content if isinstance(b, Examples) for p in b.properties
        ]

    @property
    def conversations(self) -> list[Conversation]:
        """Return the section's own behavioural examples."""
        return [
            b.conversation for b in self.content if isinstance(b, ConversationBlock)
        ]

    @property
    def commentary(self) -> list[Commentary]:
        """Return the section's own commentary blocks."""
        return [b for b in self.content if isinstance(b, Commentary)]

    @property
    def footnotes(self) -> list[str]:
        """Return footnote markers of the section's own statements, in order."""
        return [f for s in self.statements for f in s.footnotes]


class Footnote(Node):
    """A footnote definition `[^id]: text`."""

    id: str
    text: str
    span: Span


class Use(Node):
    """A spec this one builds on (front matter `uses`), as it was compiled against."""

    spec: str
    """The used spec's ID."""
    requirement: str | None = None
    """The version range asked for (npm syntax, such as `>=1.2`), as written."""
    version: str | None = None
    """The used spec's version."""
    names: list[str] = []
    """Names `use` brings into this spec's scope, in source order."""
    span: Span
    """The entry in front matter."""


class Interface(Node):
    """What other specs see of a spec: its types, the names of its functions, its rules.

    Every `named` type in it carries its spec, this one's included. A spec's
    build depends on the interfaces it uses less their spans, which therefore
    must not shape what is emitted for it.
    """

    id: str
    version: str | None = None
    types: list[TypeDecl] = []
    """Type declarations in source order."""
    functions: list[str] = []
    """Names of the functions, which other specs cannot use."""
    rules: list[str] = []
    """Rule IDs, for cross-references from other specs."""

    def type(self, name: str) -> TypeDecl | None:
        """Return the type declaration called ``name``."""
        return next((t for t in self.types if t.name == name), None)


class Spec(Node):
    """One compiled spec: front matter, section tree and declarations."""

    ir_version: str = IR_VERSION
    """Version of this IR format."""
    id: str
    """Spec identifier from front matter, else the file name."""
    title: str
    version: str | None = None
    """Semantic version from front matter."""
    summary: str = ""
    path: str
    """The source file as the user named it."""
    metadata: dict[str, str] = {}
    """Other front matter fields, as strings."""
    preamble: list[Block] = []
    """Blocks before the first heading."""
    sections: list[Section] = []
    """Top-level sections."""
    types: list[TypeDecl] = []
    """Type declarations in source order."""
    functions: list[Function] = []
    """Functions in source order."""
    footnotes: list[Footnote] = []
    """Footnote definitions."""
    uses: list[Use] = _only_with_uses([])
    """The specs this one builds on (front matter `uses`)."""
    interfaces: list[Interface] = _only_with_uses([])
    """The interfaces of every spec this one uses, directly or through another,
    each after those it uses."""

    def walk(self) -> Iterator[Section]:
        """Yield every section, depth first."""
        for section in self.sections:
            yield from section.walk()

    def rules(self) -> Iterator[Section]:
        """Yield every section that has an ID."""
        return (s for s in self.walk() if s.id is not None)

    def examples(self) -> Iterator[Example]:
        """Yield every code example in source order."""
        return (e for s in self.walk() for e in s.examples)

    def properties(self) -> Iterator[Property]:
        """Yield every property in source order."""
        return (p for s in self.walk() for p in s.properties)

    def conversations(self) -> Iterator[Conversation]:
        """Yield every behavioural example in source order."""
        return (c for s in self.walk() for c in s.conversations)

    def _index(
        self, kind: str, items: Sequence[Any], entries: Callable[[], Iterator[Any]]
    ) -> dict[str, Any]:
        """Return the (name, node) ``entries`` as a dict, first of a name wins, built once."""
        # kept in __dict__ beside the fields, as a cached_property would be: records
        # ignore it when comparing, and their JSON leaves it out
        lookup = self.__dict__.setdefault("_name_index", {})
        cached = lookup.get(kind)
        if cached is None or cached[0] is not items or cached[1] != len(items):
            index: dict[str, Any] = {}
            for name, node in entries():
                index.setdefault(name, node)
            cached = lookup[kind] = (items, len(items), index)
        index = cached[2]
        assert isinstance(index, dict)
        return index

    def type(self, name: str) -> TypeDecl | None:
        """Return the type declaration called ``name``."""
        types = self.types
        index = self._index("types", types, lambda: ((t.name, t) for t in types))
        return index.get(name)

    def function(self, name: str) -> Function | None:
        """Return the function called ``name``."""
        fns = self.functions
        index = self._index("functions", fns, lambda: ((f.name, f) for f in fns))
        return index.get(name)

    def rule(self, rule_id: str) -> Section | None:
        """Return the rule with ID ``rule_id``."""
        index = self._index(
            "rules", self.sections, lambda: ((s.id, s) for s in self.rules())
        )
        return index.get(rule_id)

    def interface(self, spec_id: str) -> Interface | None:
        """Return the interface of a spec this one uses, directly or not."""
        return next((i for i in self.interfaces if i.id == spec_id), None)

    def declaration(self, ref: TypeRef) -> TypeDecl | None:
        """Return the declaration a `named` type refers to, in this spec or another."""
        if ref.spec is None or ref.spec == self.id:
            return self.type(str(ref.name))
        used = self.used(ref.spec)
        return used.type(str(ref.name)) if used is not None else None

    def used(self, spec_id: str) -> Spec | None:
        """Return a spec this one uses as a spec of its types alone, seeing what this one sees.

        Its types name their own spec (`spec` set to its ID), which
        `declaration` takes as local.
        """
        cache = self.__dict__.setdefault(
            "_used_specs", {}
        )  # beside the fields, as `_index`
        if spec_id not in cache:
            found = self.interface(spec_id)
            others = [i for i in self.interfaces if i.id != spec_id]
            cache[spec_id] = (
                None
                if found is None
                else Spec(
                    id=found.id,
                    title=found.id,
                    version=found.version,
                    path="",
                    types=found.types,
                    interfaces=others,
                )
            )
        used = cache[spec_id]
        assert used is None or isinstance(used, Spec)
        return used


def json_schema() -> dict[str, object]:
    """Return the JSON Schema of a serialised `Spec`."""
    from specc.records.models import json_schema as schema_of

    schema = schema_of(Spec)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://specc.dev/schema/ir-{IR_VERSION}.json"
    return schema
