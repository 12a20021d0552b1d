"""Completion: types in declarations, calls and typed values in examples, rule IDs after `(#`.

Which block the cursor is in comes from the fences above it; what an example
expects at the cursor comes from the function's signature, followed through
the example's tokens (the front end's tokenizer) as far as the cursor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lsprotocol import types

from specc import ir
from specc.frontend.idl import KEYWORDS, PRIMITIVES
from specc.frontend.lexer import LexError, Token, tokenize

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)")
_RULE_REF = re.compile(r"\(#([A-Za-z0-9_.:-]*)$")
_RAISES = re.compile(r"\braises\s+(?:\w+\s*,\s*)*(\w*)$")
_TYPE_AT = re.compile(r"(?:[:<]|->|^\s*type\s+\w+\s*=)\s*(\w*)$")
_AFTER_COMMA = re.compile(r",\s*(\w*)$")
_LINE_START = re.compile(r"^\s*(\w*)$")
_WORD = re.compile(r"\w*$")

Kind = types.CompletionItemKind


def complete(
    spec: ir.Spec, lines: list[str], line: int, char: int
) -> list[types.CompletionItem]:
    """Return what may be typed at a 0-based line and character."""
    if line >= len(lines):
        return []
    prefix = lines[line][:char]
    fence = _fence_at(lines, line)
    if fence is None:
        match = _RULE_REF.search(prefix)
        return _rules(spec) if match else []
    if fence == "specc":
        return _in_declarations(spec, prefix)
    if fence == "examples":
        return _in_example(spec, prefix)
    return []


def _fence_at(lines: list[str], line: int) -> str | None:
    """Return the info string of the fenced block holding ``line``, or None outside one."""
    marker: str | None = None
    info = ""
    for text in lines[:line]:
        match = _FENCE.match(text)
        if marker is None and match:
            marker, info = match.group(1), match.group(2)
        elif (
            marker is not None
            and match
            and match.group(1).startswith(marker)
            and not match.group(2)
        ):
            marker = None
    return info if marker is not None else None


def _item(
    label: str, kind: Kind, detail: str | None = None, insert: str | None = None
) -> types.CompletionItem:
    return types.CompletionItem(
        label=label, kind=kind, detail=detail, insert_text=insert
    )


def _rules(spec: ir.Spec) -> list[types.CompletionItem]:
    return [_item(r.id or "", Kind.Reference, r.title) for r in spec.rules()]


def _in_declarations(spec: ir.Spec, prefix: str) -> list[types.CompletionItem]:
    """Complete a type where one is expected, an error after `raises`, a keyword first."""
    if _RAISES.search(prefix):
        return [
            _item(t.name, Kind.Event, t.doc or None)
            for t in spec.types
            if t.kind == "error"
        ]
    typed = _TYPE_AT.search(prefix) or (
        _AFTER_COMMA.search(prefix) and prefix.count("<") > prefix.count(">")
    )
    if typed:
        items = [_item(p, Kind.Keyword) for p in sorted(PRIMITIVES)]
        items += [
            _item("list", Kind.Keyword, "list<T>"),
            _item("map", Kind.Keyword, "map<K, V>"),
        ]
        items += [
            _item(t.name, Kind.Class, t.kind) for t in spec.types if t.kind != "error"
        ]
        return items
    if _LINE_START.match(prefix):
        return [_item(k, Kind.Keyword) for k in sorted(KEYWORDS)]
    return []


def _in_example(spec: ir.Spec, prefix: str) -> list[types.CompletionItem]:
    """Complete a call at the start of a line, else what the signature expects here."""
    if _LINE_START.match(prefix):
        return [
            _item(f.name, Kind.Function, _signature(f), f"{f.name}(")
            for f in spec.functions
        ]
    partial = _WORD.search(prefix)
    head = prefix[: partial.start()] if partial else prefix
    try:
        tokens = tokenize(head, hash_comments=True)[:-1]
    except LexError:
        return []
    last_end = tokens[-1].col - 1 + len(tokens[-1].text) if tokens else 0
    if "#" in head[last_end:]:
        return []  # the cursor is in a comment
    expected = _Walk(spec).run(tokens)
    return expected.items(spec) if expected is not None else []


def _signature(fn: ir.Function) -> str:
    params = ", ".join(f"{p.name}: {p.type}" for p in fn.params)
    raises = f" raises {', '.join(fn.raises)}" if fn.raises else ""
    return f"({params}) -> {fn.returns}{raises}"


@dataclass
class _Expected:
    """What may stand at the cursor: a value of ``type``, a field name, or an error name."""

    type: ir.TypeRef | None = None
    fields: list[ir.Field] = field(default_factory=list)
    """Field names that may come next (their values not yet given)."""
    errors: list[str] = field(default_factory=list)

    def items(self, spec: ir.Spec) -> list[types.CompletionItem]:
        """Return the completion items."""
        if self.errors:
            return [_item(e, Kind.Event) for e in self.errors]
        if self.fields:
            return [
                _item(f.name, Kind.Field, str(f.type), f"{f.name}: ")
                for f in self.fields
            ]
        found: list[types.CompletionItem] = []
        ref = self.type
        while ref is not None:
            if ref.kind == "optional":
                found.append(_item("none", Kind.Constant))
                ref = ref.args[0]
                continue
            if ref.kind == "primitive" and ref.name == "bool":
                found += [_item("true", Kind.Constant), _item("false", Kind.Constant)]
            decl = spec.type(ref.name or "") if ref.kind == "named" else None
            if isinstance(decl, ir.Alias):
                ref = decl.target
                continue
            if isinstance(decl, ir.Enum):
                found += [
                    _item(m.name, Kind.EnumMember, decl.name) for m in decl.members
                ]
            if isinstance(decl, ir.Variant):
                found += [
                    _item(
                        t.name,
                        Kind.EnumMember,
                        decl.name,
                        f"{t.name}{{}}" if t.fields else t.name,
                    )
                    for t in decl.tags
                ]
            break
        return found


@dataclass
class _Frame:
    """One open bracket of an example, and what its next item is."""

    kind: str
    """`args`, `list`, `fields` (a record, tag or error), `map`, `result` or `error`."""
    types: list[ir.TypeRef] = field(default_factory=list)
    fields: list[ir.Field] = field(default_factory=list)
    index: int = 0
    at_key: bool = True
    given: set[str] = field(default_factory=set)
    current: ir.TypeRef | None = None


class _Walk:
    """Follows an example's tokens from its call to the cursor."""

    def __init__(self, spec: ir.Spec) -> None:
        self.spec = spec
        self.fn: ir.Function | None = None

    def resolve(self, ref: ir.TypeRef | None) -> ir.TypeRef | None:
        """Follow aliases and optionals to the type a value must have."""
        seen = 0
        while ref is not None and seen < 50:
            seen += 1
            if ref.kind == "optional":
                ref = ref.args[0]
                continue
            decl = self.spec.type(ref.name or "") if ref.kind == "named" else None
            if isinstance(decl, ir.Alias):
                ref = decl.target
                continue
            return ref
        return None

    def expected(self, frame: _Frame) -> ir.TypeRef | None:
        """Return the type of the value the frame takes next."""
        if frame.kind == "args":
            return frame.types[frame.index] if frame.index < len(frame.types) else None
        if frame.kind in ("list", "result"):
            return frame.types[0] if frame.types else None
        if frame.kind == "map":
            return frame.types[0 if frame.at_key else 1]
        return frame.current

    def run(self, tokens: list[Token]) -> _Expected | None:
        """Return what the example expects after ``tokens``."""
        if len(tokens) < 2 or tokens[1].text != "(":
            return None
        self.fn = self.spec.function(tokens[0].text)
        if self.fn is None:
            return None
        stack = [_Frame("args", [p.type for p in self.fn.params])]
        pending_tag: str | None = None
        for token in tokens[2:]:
            if not stack:
                stack = self.after_call(token)
                continue
            frame = stack[-1]
            text = token.text if token.kind == "punct" else None
            if text in ("{", "["):
                pushed = self.open(frame, text, pending_tag)
                if pushed is None:
                    return None
                stack.append(pushed)
            elif text in ("}", "]", ")"):
                stack.pop()
            elif text == ",":
                frame.index += 1
                frame.at_key = frame.kind in ("fields", "map")
            elif text == ":" and frame.kind in ("fields", "map"):
                frame.at_key = False
            elif frame.kind == "fields" and frame.at_key and token.kind == "name":
                found = next((f for f in frame.fields if f.name == token.text), None)
                frame.current = found.type if found else None
                frame.given.add(token.text)
            elif frame.kind == "error" and token.kind == "name":
                frame.current = None
                pending_tag = token.text
                continue
            pending_tag = token.text if token.kind == "name" else None
        if not stack:
            return None
        frame = stack[-1]
        if frame.kind == "error":
            return _Expected(errors=list(self.fn.raises))
        if frame.kind == "fields" and frame.at_key:
            return _Expected(
                fields=[f for f in frame.fields if f.name not in frame.given]
            )
        return _Expected(type=self.expected(frame))

    def after_call(self, token: Token) -> list[_Frame]:
        """Return the frames after the call's `)`: its result, or the error it raises."""
        assert self.fn is not None
        if token.text in ("==", "~="):
            return [_Frame("result", [self.fn.returns])]
        if token.text == "raises":
            return [_Frame("error")]
        return []

    def open(self, frame: _Frame, bracket: str, tag: str | None) -> _Frame | None:
        """Return the frame a `{` or `[` opens where ``frame`` expects its next value."""
        if frame.kind == "error" and bracket == "{" and tag:
            decl = self.spec.type(tag)
            return (
                _Frame("fields", fields=decl.fields)
                if isinstance(decl, ir.Error)
                else None
            )
        ref = self.resolve(self.expected(frame))
        if ref is None:
            return None
        if bracket == "[":
            element = (
                ref.args[0]
                if ref.kind == "list"
                else ir.TypeRef(kind="primitive", name="int")
            )
            return _Frame("list", [element])
        if ref.kind == "map":
            return _Frame("map", list(ref.args))
        decl = self.spec.type(ref.name or "") if ref.kind == "named" else None
        if isinstance(decl, ir.Record):
            return _Frame("fields", fields=decl.fields)
        if isinstance(decl, ir.Variant) and tag:
            found = next((t for t in decl.tags if t.name == tag), None)
            return _Frame("fields", fields=found.fields) if found else None
        return None
