"""The `specc` declaration language: parse fenced blocks into declaration drafts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from specc.frontend.lexer import MAX_NESTING, LexError, Token, TokenStream, tokenize
from specc.frontend.values import RawValue, parse_value
from specc.ir import EnumMember, TypeRef, Value
from specc.source import Span

PRIMITIVES = frozenset({"bool", "int", "float", "string", "bytes"})
KEYWORDS = frozenset({"type", "enum", "record", "variant", "error", "fn", "use"})
DeclKind = Literal["alias", "enum", "record", "variant", "error", "function"]


@dataclass(eq=False, repr=False)
class TypeUse:
    """A named type as written, kept for resolution with its position."""

    name: str
    span: Span
    spec: str | None = None
    """The spec named before it (`billing.Money`), if any."""
    spec_span: Span | None = None
    """Where that spec's ID is written."""


@dataclass(eq=False, repr=False)
class UseDraft:
    """`use billing.{Money, Currency}`: names of another spec brought into scope."""

    spec: str
    span: Span
    """Where the spec's ID is written."""
    names: list[TypeUse] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class FieldDraft:
    """A field before its default is type-checked."""

    name: str
    type: TypeRef
    span: Span
    doc: str = ""
    default: RawValue | None = None
    imported: bool = False
    """Whether the field is another spec's, its default already checked there."""
    checked: Value | None = None
    """An imported field's default, as its spec checked it."""


@dataclass(eq=False, repr=False)
class TagDraft:
    """A variant case before its fields' defaults are checked."""

    name: str
    span: Span
    doc: str = ""
    fields: list[FieldDraft] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class DeclDraft:
    """A declaration as parsed, before names are resolved."""

    kind: DeclKind
    name: str
    span: Span
    doc: str = ""
    rule: str | None = None
    target: TypeRef | None = None
    members: list[EnumMember] = field(default_factory=list)
    fields: list[FieldDraft] = field(default_factory=list)
    tags: list[TagDraft] = field(default_factory=list)
    message: str | None = None
    returns: TypeRef | None = None
    raises: list[TypeUse] = field(default_factory=list)
    type_uses: list[TypeUse] = field(default_factory=list)
    spec: str | None = None
    """The spec that declares it, when it is another (`billing` of `billing.Money`)."""


TypeRefs = dict[tuple[object, ...], TypeRef]
"""Types already made, by what they are: a spec's `int` or `list<Item>` is one
object however often it is written (type references are immutable)."""


class _Parser:
    def __init__(
        self, path: str, tokens: list[Token], imports: list[UseDraft], refs: TypeRefs
    ) -> None:
        self.path = path
        self.stream = TokenStream(tokens)
        self.uses: list[TypeUse] = []
        self.imports = imports
        self.refs = refs

    def ref(
        self,
        kind: Literal["primitive", "named", "list", "map", "optional"],
        name: str | None = None,
        args: tuple[TypeRef, ...] = (),
        spec: str | None = None,
    ) -> TypeRef:
        """Return the one type reference of its kind, name, arguments and spec."""
        key = (kind, name, spec, *map(id, args))
        ref = self.refs.get(key)
        if ref is None:
            ref = TypeRef(kind=kind, name=name, args=list(args), spec=spec)
            self.refs[key] = ref
        return ref

    def span(self, token: Token) -> Span:
        return Span(
            path=self.path,
            line=token.line,
            col=token.col,
            end_line=token.line,
            end_col=token.col + len(token.text),
        )

    def docs(self) -> str:
        stream = self.stream
        tokens = stream.tokens
        if tokens[stream.pos].kind != "doc":
            return ""  # most fields have none
        lines = []
        while tokens[stream.pos].kind == "doc":
            lines.append(str(stream.next().value))
        return "\n".join(lines)

    def declarations(self, decls: list[DeclDraft]) -> None:
        while True:
            doc = self.docs()
            token = self.stream.current
            if token.kind == "eof":
                return
            if token.kind != "name" or token.text not in KEYWORDS:
                raise self.stream.error(
                    "expected a declaration (type, enum, record, variant, error, fn)"
                    " or `use`"
                )
            self.stream.next()
            if token.text == "use":
                self.imports.append(self.use())
                continue
            self.uses = []
            decl = getattr(self, f"decl_{token.text}")()
            decl.doc = doc
            decl.type_uses = self.uses
            decls.append(decl)

    def use(self) -> UseDraft:
        """Read `use spec.Name` or `use spec.{Name, …}` (after `use`)."""
        spec = self.stream.expect_name("a spec ID after `use`")
        self.stream.expect(".", "'.' and a name or '{' after the spec ID")
        draft = UseDraft(spec.text, self.span(spec))
        braced = self.stream.accept("{") is not None
        while True:
            if braced and self.stream.at("}"):
                break
            name = self.stream.expect_name(f"a name of `{spec.text}`")
            draft.names.append(
                TypeUse(name.text, self.span(name), spec.text, self.span(spec))
            )
            if not braced or not self.stream.accept(","):
                break
        if braced:
            self.stream.expect("}", "',' or '}'")
        return draft

    def qualified(self, what: str) -> tuple[Token | None, Token]:
        """Read `Name` or `spec.Name`; return the spec's token (if any) and the name's."""
        name = self.stream.expect_name(what)
        if not self.stream.accept("."):
            return None, name
        return name, self.stream.expect_name(f"a name of `{name.text}`")

    def type_use(self, spec: Token | None, name: Token) -> TypeUse:
        """Return a use of a type, remembering the spec it is qualified with."""
        if spec is None:
            return TypeUse(name.text, self.span(name))
        return TypeUse(name.text, self.span(name), spec.text, self.span(spec))

    def named(self, kind: DeclKind, what: str) -> DeclDraft:
        name = self.stream.expect_name(f"a {what} name")
        return DeclDraft(kind, name.text, self.span(name))

    def decl_type(self) -> DeclDraft:
        decl = self.named("alias", "type")
        self.stream.expect("=", "'=' after the alias name")
        decl.target = self.type()
        return decl

    def decl_enum(self) -> DeclDraft:
        decl = self.named("enum", "enum")
        self.stream.expect("{", "'{' to open the enum")
        while not self.stream.at("}"):
            doc = self.docs()
            if self.stream.at("}"):
                break
            member = self.stream.expect_name("an enum member")
            decl.members.append(
                EnumMember(name=member.text, doc=doc, span=self.span(member))
            )
            self.stream.accept(",")
        self.stream.expect("}")
        return decl

    def decl_record(self) -> DeclDraft:
        decl = self.named("record", "record")
        decl.fields = self.fields()
        return decl

    def decl_variant(self) -> DeclDraft:
        decl = self.named("variant", "variant")
        self.stream.expect("{", "'{' to open the variant")
        while not self.stream.at("}"):
            doc = self.docs()
            if self.stream.at("}"):
                break
            tag = self.stream.expect_name("a variant tag")
            draft = TagDraft(tag.text, self.span(tag), doc)
            if self.stream.at("{"):
                draft.fields = self.fields()
            decl.tags.append(draft)
            self.stream.accept(",")
        self.stream.expect("}")
        return decl

    def decl_error(self) -> DeclDraft:
        decl = self.named("error", "error")
        if self.stream.current.kind == "string":
            decl.message = str(self.stream.next().value)
        if self.stream.at("{"):
            decl.fields = self.fields()
        return decl

    def decl_fn(self) -> DeclDraft:
        decl = self.named("function", "function")
        self.stream.expect("(", "'(' to open the parameter list")
        while not self.stream.at(")"):
            name = self.stream.expect_name("a parameter name")
            self.stream.expect(":", "':' after the parameter name")
            decl.fields.append(FieldDraft(name.text, self.type(), self.span(name)))
            if not self.stream.accept(","):
                break
        self.stream.expect(")", "',' or ')'")
        self.stream.expect("->", "'->' and a result type")
        decl.returns = self.type()
        if self.stream.accept("raises"):
            while True:
                decl.raises.append(self.type_use(*self.qualified("an error name")))
                if not self.stream.accept(","):
                    break
        return decl

    def fields(self) -> list[FieldDraft]:
        self.stream.expect("{", "'{'")
        fields = []
        while not self.stream.at("}"):
            doc = self.docs()
            if self.stream.at("}"):
                break
            name = self.stream.expect_name("a field name")
            self.stream.expect(":", "':' after the field name")
            draft = FieldDraft(name.text, self.type(), self.span(name), doc)
            if self.stream.accept("="):
                draft.default = parse_value(self.stream)
            fields.append(draft)
            self.stream.accept(",")
        self.stream.expect("}", "a field or '}'")
        return fields

    def type(self, depth: int = 1) -> TypeRef:
        spec, name = self.qualified("a type")
        if depth > MAX_NESTING:
            raise LexError(
                f"the type nests deeper than {MAX_NESTING} levels",
                name.line,
                name.col,
                "E049",
            )
        if spec is not None:
            self.uses.append(self.type_use(spec, name))
            ref = self.ref("named", name.text, spec=spec.text)
        elif name.text in ("list", "map") and self.stream.at("<"):
            self.stream.next()
            args = [self.type(depth + 1)]
            while self.stream.accept(","):
                args.append(self.type(depth + 1))
            self.stream.expect(">", "'>' to close the type arguments")
            kind: Literal["list", "map"] = "list" if name.text == "list" else "map"
            want = 1 if kind == "list" else 2
            if len(args) != want:
                raise LexError(
                    f"{name.text} takes {want} type argument"
                    f"{'s' if want > 1 else ''}, not {len(args)}",
                    name.line,
                    name.col,
                    "E045",
                )
            ref = self.ref(kind, args=tuple(args))
        elif name.text in PRIMITIVES:
            ref = self.ref("primitive", name.text)
        else:
            self.uses.append(TypeUse(name.text, self.span(name)))
            ref = self.ref("named", name.text)
        while self.stream.accept("?"):
            if ref.kind != "optional":
                ref = self.ref("optional", args=(ref,))
        return ref


def parse_declarations(
    path: str,
    text: str,
    line: int,
    col: int,
    imports: list[UseDraft] | None = None,
    refs: TypeRefs | None = None,
) -> tuple[list[DeclDraft], LexError | None]:
    """Parse a `specc` block: the declarations before any syntax error, and the error.

    Its `use` statements are appended to ``imports``; the types it writes are
    taken from and added to ``refs`` (the blocks of one spec share theirs).
    """
    decls: list[DeclDraft] = []
    found = imports if imports is not None else []
    try:
        parser = _Parser(
            path, tokenize(text, line, col), found, {} if refs is None else refs
        )
        parser.declarations(decls)
    except LexError as error:
        return decls, error
    return decls, None
