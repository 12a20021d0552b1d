"""Example lines typed as they are read: one walk, no tokens, no values as read.

`TypedReader.example` reads a line of an `examples` block with a few compiled
patterns, each taking a token with the blanks after it (a field's name with
its `:`), and types each value against the type its place expects as it goes,
building the IR node `ExampleReader` and `ValueChecker` would build together,
shared the same way (`ValueChecker.share`). It takes only what it can type
without a word to say: a call `f(args…) == value` whose values all fit, with
nothing but blanks between tokens. At anything else (an unknown name, a value
that does not fit, a comment, a character no token starts with, `~=`,
`raises`, `forall`, maps, bytes, a default not checked yet) it gives up,
having reported nothing, and the line is read and checked the usual way, which
says what is wrong exactly as before.

Each pattern below takes a token only where the lexer would take the same one
(`values._TOKEN`): names and numbers are matched as long as they go, and a
token must be followed by blanks, punctuation or the end of the line, where
no name, number or string could go on. `tests/test_typed_examples.py`
compares the two ways.
"""

# size: TypedReader one cursor reads and types a line, every kind of value it takes, in one walk

from __future__ import annotations

import json
import math
import re
from typing import NamedTuple, cast

from specc import ir
from specc.frontend.check.resolve import Resolver, type_key
from specc.frontend.check.scope import Scope
from specc.frontend.check.values import INT_MAX, INT_MIN, ValueChecker, retyped
from specc.frontend.idl import DeclDraft, FieldDraft, TagDraft
from specc.frontend.lexer import MAX_NESTING
from specc.source import Span

#: A value's first token and the blanks after it, by group: 1 a float, 2 an
#: int, 3 a string, 4 a name, 5 an opening bracket, 6 a closing one (the end of
#: a list, record or argument list that a trailing comma leaves empty).
_VALUE_PATTERN = r"""[ \t\r]*(?:
        (-?\d+(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+))
      | (-?\d+)
      | ("(?:[^"\\\n]|\\.)*")
      | ([A-Za-z_][A-Za-z0-9_]*)
      | ([\[{])
      | ([\]})])
    )[ \t\r]*"""
_FLOAT, _INT, _STRING, _NAME, _OPEN, _CLOSE = range(1, 7)
_BRACE = 8
"""`_FIELD`'s group of the `}` closing the braces."""
_VALUE: re.Pattern[str]
#: A field's name and its `:` (group 1) with the first token of its value and
#: the blanks after it (groups 2 to 7: `_VALUE`'s 1 to 6, one more), or the `}`
#: closing the braces (group 8).
_FIELD: re.Pattern[str]
_CALL: re.Pattern[str]
_EQUALS: re.Pattern[str]
_BLANKS: re.Pattern[str]
_compiled = False
"""Whether the patterns above are compiled (`_compile`, on the first example
read: a spec without examples never needs them)."""


def _compile() -> None:
    """Compile the reader's patterns, once."""
    global _VALUE, _FIELD, _CALL, _EQUALS, _BLANKS, _compiled
    _VALUE = re.compile(_VALUE_PATTERN, re.X)
    _FIELD = re.compile(
        r"[ \t\r]*(?:([A-Za-z_][A-Za-z0-9_]*)[ \t\r]*:" + _VALUE_PATTERN + r"|(\}))",
        re.X,
    )
    _CALL = re.compile(r"[ \t\r]*([A-Za-z_][A-Za-z0-9_]*)[ \t\r]*\(")
    _EQUALS = re.compile(r"[ \t\r]*==")
    _BLANKS = re.compile(r"[ \t\r]*")
    _compiled = True


_WORDS = frozenset({"true", "false", "none", "null"})
"""Names the reader takes for literals, never for fields, members or tags."""


class TypedExample(NamedTuple):
    """An example line read and typed in one walk, waiting for its rule and number."""

    function: str
    args: list[ir.Value]
    result: ir.Value
    text: str
    span: Span

    def node(self, rule: str | None, index: int) -> ir.Example:
        """Return the example's IR, numbered ``index`` under ``rule``."""
        return ir.Example(
            rule=rule,
            index=index,
            text=self.text,
            function=self.function,
            args=self.args,
            expect="equals",
            result=self.result,
            tolerance=None,
            raises=None,
            span=self.span,
        )


_Fields = dict[str, tuple[FieldDraft, "ir.TypeRef | None", dict[str, ir.FieldValue]]]
"""A record's or tag's fields by name: each with its type resolved and the
fields of its name and type given one-token values so far, by token
(`TypedReader._memo`)."""


class _GiveUp(Exception):
    """The line is not one the typed walk takes; it is read the usual way."""


_GIVE_UP = _GiveUp()
_NOT_CHECKED = object()


class TypedReader:
    """Reads example lines and types their values in the same walk."""

    def __init__(self, scope: Scope, resolver: Resolver, values: ValueChecker) -> None:
        self.scope = scope
        self.types = scope.types
        self.resolve = resolver.resolve
        self.values = values
        self.shared = values.shared
        self.one = values.one
        self.line = ""
        """The line being read, with a newline after it (no pattern takes one)."""
        self.pos = 0
        """Where the next token starts in ``line`` (blanks before it taken)."""
        self._fields: dict[int, tuple[object, _Fields]] = {}
        """Each record's (or tag's) fields by name, by the owner's identity."""
        self._memos: dict[
            tuple[str, int], tuple[ir.TypeRef, dict[str, ir.FieldValue]]
        ] = {}
        """The fields of each name and type made so far, by token (`_memo`)."""
        self._items: dict[int, tuple[ir.TypeRef, dict[str, ir.Value]]] = {}
        """Each list type's items of one token made so far, by token (`_list`)."""
        self._members: dict[int, tuple[DeclDraft, frozenset[str]]] = {}
        """Each enum's member names, by the declaration's identity."""
        self._tags: dict[int, tuple[DeclDraft, dict[str, TagDraft]]] = {}
        """Each variant's tags by name, by the declaration's identity."""

    def example(
        self, text: str, start: int, end: int, line: int, col: int
    ) -> TypedExample | None:
        """Return ``text[start:end]``, line ``line`` starting at column ``col``,
        typed; or None to read it the usual way."""
        if not _compiled:
            _compile()
        self.line = text[start:end] + "\n"
        try:
            return self._example(line, col)
        except _GiveUp:
            # Raising the one instance again would add to its traceback, and keep
            # every frame it went through alive (with this reader, its scope, …).
            _GIVE_UP.__traceback__ = None
            return None  # the usual reading says what is wrong
        except (ValueError, OverflowError):
            return None  # the usual reading fails the same way

    def _example(self, number: int, col: int) -> TypedExample:
        s = self.line
        call = _CALL.match(s)
        if call is None:
            raise _GIVE_UP
        fn = self.scope.functions.get(call.group(1))
        if fn is None or fn.returns is None:
            raise _GIVE_UP
        pos = call.end()
        params = fn.fields
        args: list[ir.Value] = []
        resolve = self.resolve
        while True:
            m = _VALUE.match(s, pos)
            if m is None:
                raise _GIVE_UP
            kind = m.lastindex
            pos = m.end()
            if kind == _CLOSE:
                if m.group(kind) != ")":
                    raise _GIVE_UP
                break
            if len(args) == len(params):
                raise _GIVE_UP
            expected = resolve(params[len(args)].type)
            if expected is None:
                raise _GIVE_UP
            self.pos = pos
            args.append(self.typed(expected, kind, m.group(kind), 1))  # type: ignore[arg-type]
            pos = self.pos
            if s[pos] == ",":
                pos += 1
                continue
            if s[pos] != ")":
                raise _GIVE_UP
            pos = self._after(pos)
            break
        if len(args) != len(params):
            raise _GIVE_UP
        equals = _EQUALS.match(s, pos)
        returns = resolve(fn.returns)
        if equals is None or returns is None:
            raise _GIVE_UP
        self.pos = equals.end()
        result = self.read(returns, 1)
        if self.pos != len(s) - 1:
            raise _GIVE_UP  # more than blanks after the value
        stripped = s[:-1].rstrip(" \t\r")
        span = Span(
            path=self.scope.path,
            line=number,
            col=col + call.start(1),
            end_line=number,
            end_col=col + len(stripped),
        )
        return TypedExample(fn.name, args, result, stripped.strip(), span)

    def _after(self, pos: int) -> int:
        """Return where the next token starts after the bracket at ``pos``."""
        pos += 1
        if self.line[pos] in " \t\r":
            return _BLANKS.match(self.line, pos).end()  # type: ignore[union-attr]
        return pos

    def read(self, expected: ir.TypeRef, depth: int) -> ir.Value:
        """Read the value at the cursor as ``expected`` (alias-free) or give up."""
        m = _VALUE.match(self.line, self.pos)
        if m is None:
            raise _GIVE_UP
        kind = m.lastindex
        self.pos = m.end()
        return self.typed(expected, kind, m.group(kind), depth)  # type: ignore[arg-type]

    def typed(
        self, expected: ir.TypeRef, kind: int, token: str, depth: int
    ) -> ir.Value:
        """Type a value whose first token was just read, reading the rest of it."""
        if depth > MAX_NESTING:
            raise _GIVE_UP
        shape = expected.kind
        shared = self.shared
        if shape == "optional":
            if token == "none" or token == "null":
                key: tuple[object, ...] = ("none", id(expected))
                node = shared.get(key)
                if node is None:
                    node = self._keep(key, ir.NoneValue(type=expected))
                return node
            inner = self.typed(expected.args[0], kind, token, depth)
            if id(inner) not in self.one:
                return retyped(inner, expected)
            key = ("optional", id(inner), id(expected))
            node = shared.get(key)
            if node is None:
                node = self._keep(key, retyped(inner, expected))
            return node
        if shape == "primitive":
            return self._primitive(expected, kind, token)
        if shape == "list":
            if token != "[":
                raise _GIVE_UP
            return self._list(expected, depth)
        if shape != "named" or kind != _OPEN and (kind != _NAME or token in _WORDS):
            raise _GIVE_UP  # maps; or a literal where a member, tag or record goes
        decl = self.types[type_key(expected)]
        if decl.kind == "record":
            if token != "{":
                raise _GIVE_UP
            fields = self._fields_of(decl, decl.fields)
            return ir.RecordValue(
                type=expected,
                record=decl.name,
                fields=self._braces(decl.fields, fields, depth),
            )
        if kind != _NAME:
            raise _GIVE_UP
        if decl.kind == "enum":
            members = self._members.get(id(decl))
            if members is None:
                names = frozenset(m.name for m in decl.members)
                self._members[id(decl)] = members = (decl, names)
            if token not in members[1] or self.line[self.pos] == "{":
                raise _GIVE_UP  # not a member, or a tagged value
            key = ("enum", id(expected), token)
            node = shared.get(key)
            if node is None:
                made = ir.EnumValue(type=expected, enum=decl.name, member=token)
                node = self._keep(key, made)
            return node
        if decl.kind == "variant":
            return self._variant(expected, decl, token, depth)
        raise _GIVE_UP  # errors are not values

    def _keep(self, key: tuple[object, ...], node: ir.Value) -> ir.Value:
        """Share ``node`` under ``key`` as `ValueChecker.share` does."""
        self.shared[key] = node
        self.one.add(id(node))
        return node

    def _primitive(self, expected: ir.TypeRef, kind: int, token: str) -> ir.Value:
        name = expected.name
        key: tuple[object, ...]
        made: ir.Value
        if name == "string" and kind == _STRING:
            if "\\" not in token and token.isprintable():
                text = token[1:-1]  # nothing to decode (as the reader does)
            else:
                text = json.loads(token)  # a bad escape gives up (ValueError)
            key = ("string", id(expected), text)
            node = self.shared.get(key)
            if node is None:
                made = ir.StringValue(type=expected, value=text)
                node = self._keep(key, made)
            return node
        if name == "int" and kind == _INT:
            number = int(token)
            if not INT_MIN <= number <= INT_MAX:
                raise _GIVE_UP
            key = ("int", id(expected), number)
            node = self.shared.get(key)
            if node is None:
                made = ir.IntValue(type=expected, value=number)
                node = self._keep(key, made)
            return node
        if name == "bool" and (token == "true" or token == "false"):
            truth = token == "true"
            key = ("bool", id(expected), truth)
            node = self.shared.get(key)
            if node is None:
                made = ir.BoolValue(type=expected, value=truth)
                node = self._keep(key, made)
            return node
        if name == "float" and (kind == _INT or kind == _FLOAT):
            real = float(int(token)) if kind == _INT else float(token)
            if math.isinf(real):
                raise _GIVE_UP
            key = ("float", id(expected), token)
            node = self.shared.get(key)
            if node is None:
                made = ir.FloatValue(type=expected, value=real, text=token)
                node = self._keep(key, made)
            return node
        raise _GIVE_UP  # bytes, or a value of another kind

    def _list(self, expected: ir.TypeRef, depth: int) -> ir.Value:
        """Read a list's items after its `[`, and its `]`.

        Items of one token that gave shared nodes are kept by token, for every
        list of the type, as `_braces` keeps fields.
        """
        s = self.line
        item_type = expected.args[0]
        kept = self._items.get(id(expected))
        if kept is None:
            self._items[id(expected)] = kept = (expected, {})
        memo = kept[1]
        items: list[ir.Value] = []
        one, typed = self.one, self.typed
        depth += 1
        shallow = depth <= MAX_NESTING
        pos = self.pos
        while True:
            m = _VALUE.match(s, pos)
            if m is None:
                raise _GIVE_UP
            kind: int = m.lastindex  # type: ignore[assignment]
            token = m.group(kind)
            if kind == _CLOSE:
                if token != "]":
                    raise _GIVE_UP
                self.pos = m.end()
                break
            item = memo.get(token)
            if item is not None and shallow:
                pos = m.end()
            else:
                self.pos = m.end()
                item = typed(item_type, kind, token, depth)
                pos = self.pos
                if kind < _OPEN and id(item) in one:
                    memo[token] = item
            items.append(item)
            c = s[pos]
            if c == ",":
                pos += 1
                continue
            if c != "]":
                raise _GIVE_UP
            self.pos = self._after(pos)
            break
        for item in items:
            if id(item) not in one:
                return ir.ListValue(type=expected, items=items)
        key = ("list", id(expected), *map(id, items))
        node = self.shared.get(key)
        if node is None:
            node = self._keep(key, ir.ListValue(type=expected, items=items))
        return node

    def _variant(
        self, expected: ir.TypeRef, decl: DeclDraft, token: str, depth: int
    ) -> ir.Value:
        tags = self._tags.get(id(decl))
        if tags is None:
            self._tags[id(decl)] = tags = (decl, {t.name: t for t in decl.tags})
        tag = tags[1].get(token)
        if tag is None:
            raise _GIVE_UP
        drafts = tag.fields
        fields = self._fields_of(tag, drafts)
        if self.line[self.pos] == "{":
            self.pos += 1
            values = self._braces(drafts, fields, depth)
        else:
            values = self._complete(drafts, {})
        return ir.VariantValue(
            type=expected, variant=decl.name, tag=tag.name, fields=values
        )

    def _fields_of(self, owner: object, drafts: list[FieldDraft]) -> _Fields:
        """Return each field of ``owner`` by name (fields named like literals left
        out), with its type resolved (None if it does not resolve) and its memo."""
        found = self._fields.get(id(owner))
        if found is None:
            by_name: _Fields = {}
            for f in drafts:
                if f.name not in _WORDS:
                    expected = self.resolve(f.type)
                    by_name[f.name] = (f, expected, self._memo(f.name, expected))
            self._fields[id(owner)] = found = (owner, by_name)
        return found[1]

    def _memo(self, name: str, expected: ir.TypeRef | None) -> dict[str, ir.FieldValue]:
        """Return the fields named ``name`` of type ``expected`` made so far, by
        token: every record's or tag's field of that name and type shares them."""
        if expected is None:
            return {}
        kept = self._memos.get((name, id(expected)))
        if kept is None:
            self._memos[(name, id(expected))] = kept = (expected, {})
        return kept[1]

    def _braces(
        self, drafts: list[FieldDraft], by_name: _Fields, depth: int
    ) -> list[ir.FieldValue]:
        """Read `field: v, …}` after a `{` and fill in the defaults.

        A field given a one-token value that gave a shared node (`_keep`) gives
        the same node for the same token every time, in any record with a field
        of its name and type: it is kept (`_memo`), and the token is not typed
        again (if it is not too deep to read).
        """
        s = self.line
        given: dict[str, ir.FieldValue] = {}
        one, shared, typed = self.one, self.shared, self.typed
        depth += 1
        shallow = depth <= MAX_NESTING
        pos = self.pos
        while True:
            m = _FIELD.match(s, pos)
            if m is None:
                raise _GIVE_UP
            kind: int = m.lastindex  # type: ignore[assignment]
            if kind == _BRACE:  # the `}` after a trailing comma, or of `{}`
                self.pos = self._after(m.end() - 1)
                break
            name = m.group(1)
            entry = by_name.get(name)
            if entry is None or name in given:
                raise _GIVE_UP
            token = m.group(kind)
            field = entry[2].get(token)
            if field is not None and shallow:
                pos = m.end()
            else:
                expected = entry[1]
                if expected is None:
                    raise _GIVE_UP
                self.pos = m.end()
                value = typed(expected, kind - 1, token, depth)
                pos = self.pos
                # `ValueChecker.field_value` for a value given: the field's own text.
                if id(value) not in one:
                    field = ir.FieldValue(name=name, value=value)
                else:
                    key = ("field", name, id(value), True)
                    field = shared.get(key)
                    if field is None:
                        field = ir.FieldValue(name=name, value=value, explicit=True)
                        shared[key] = field
                        one.add(id(field))
                    if kind - 1 < _OPEN:
                        entry[2][token] = field
            given[name] = field
            c = s[pos]
            if c == ",":
                pos += 1
                continue
            if c != "}":
                raise _GIVE_UP
            self.pos = self._after(pos)
            break
        if len(given) == len(drafts):
            return [given[d.name] for d in drafts]
        return self._complete(drafts, given)

    def _complete(
        self, drafts: list[FieldDraft], given: dict[str, ir.FieldValue]
    ) -> list[ir.FieldValue]:
        """Return the fields in declaration order, defaults where none is given."""
        out = []
        checked = self.values.checked_defaults
        for draft in drafts:
            value = given.get(draft.name)
            if value is not None:
                out.append(value)
                continue
            default = checked.get(id(draft), _NOT_CHECKED)
            if default is _NOT_CHECKED and draft.imported:
                default = self.values.default(draft)  # reports nothing
            if not isinstance(default, ir.ValueBase):
                raise _GIVE_UP  # required, wrong, or not checked yet
            out.append(
                self.values.field_value(draft.name, cast(ir.Value, default), False)
            )
        return out
