"""Typing values as read against their types, field values and defaults included."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from specc import ir, records
from specc.frontend.check.resolve import Resolver, type_key
from specc.frontend.check.scope import Scope, suggest
from specc.frontend.idl import DeclDraft, FieldDraft
from specc.frontend.values import RawValue

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_Node = TypeVar("_Node")


class Unusable:
    """Marks a default that was reported as wrong, so uses stay quiet."""


UNUSABLE = Unusable()


class ValueChecker:
    """Turns raw values into typed IR values, reporting each mismatch once."""

    def __init__(self, scope: Scope, resolver: Resolver) -> None:
        self.scope = scope
        self.types = scope.types
        self.resolve = resolver.resolve
        self.checked_defaults: dict[int, ir.Value | Unusable | None] = {}
        """Each field's default as `default` checked it, by the field's identity."""
        self.shared: dict[tuple[object, ...], Any] = {}
        """Scalar values, `none`s and their fields, made once each (see `share`)."""
        self.one: set[int] = set()
        """The identities of the nodes in `shared`: a list of them is shared too."""

    def share(self, key: tuple[object, ...], make: Callable[[], _Node]) -> _Node:
        """Return the one node of ``key``, made by ``make`` the first time.

        IR nodes are immutable, so the 3 in `f(3) == 3`, or every `none` of one
        optional type, can be one object: a spec of thousands of examples
        repeats its scalars, and their nodes are most of its IR. Keys name the
        expected type by identity; the node keeps it alive.
        """
        node = self.shared.get(key)
        if node is None:
            node = self.shared[key] = make()
            self.one.add(id(node))
        return node

    def value(self, raw: RawValue, expected: ir.TypeRef) -> ir.Value | None:
        """Type-check a raw value against an alias-free type; report and return None on error."""
        if expected.kind == "optional":
            if raw.kind == "none":
                return self.share(
                    ("none", id(expected)), lambda: ir.NoneValue(type=expected)
                )
            inner = self.value(raw, expected.args[0])
            if inner is None:
                return None
            if id(inner) not in self.one:
                return retyped(inner, expected)
            return self.share(
                ("optional", id(inner), id(expected)),
                lambda: retyped(inner, expected),
            )
        if raw.kind == "none":
            _mismatch(
                self.scope,
                raw,
                expected,
                "`none` is only allowed for an optional (`T?`)",
            )
            return None
        if expected.kind == "primitive":
            return _primitive(self, raw, expected)
        if expected.kind == "list":
            return _list(self, raw, expected)
        if expected.kind == "map":
            return self._map(raw, expected)
        decl = self.types[type_key(expected)]
        if decl.kind == "enum":
            return self._enum(raw, expected, decl)
        if decl.kind == "record":
            return self._record(raw, expected, decl)
        if decl.kind == "variant":
            return self._variant(raw, expected, decl)
        return self._error(raw, expected, decl)  # aliases are expanded: an error

    def _map(self, raw: RawValue, expected: ir.TypeRef) -> ir.Value | None:
        if raw.kind != "braces":
            _mismatch(self.scope, raw, expected)
            return None
        key_type, value_type = expected.args
        entries = list(raw.entries)
        if raw.keyed_by_name:
            if not (
                key_type.kind == "named"
                and self.types[type_key(key_type)].kind == "enum"
            ):
                _mismatch(
                    self.scope, raw, expected, 'map keys are literals such as "key"'
                )
                return None
            entries = [
                (RawValue("name", line, col, text=name), value)
                for name, value, line, col in raw.fields
            ]
        out, seen, ok = [], set(), True
        for key_raw, value_raw in entries:
            key = self.value(key_raw, key_type)
            value = self.value(value_raw, value_type)
            if key is None or value is None:
                ok = False
                continue
            marker = repr(key)  # not JSON: a key may hold a lone surrogate
            if marker in seen:
                self.scope.error(
                    "E062",
                    "this key appears twice in the map",
                    key_raw.line,
                    key_raw.col,
                )
                ok = False
            seen.add(marker)
            out.append(ir.MapEntry(key=key, value=value))
        return ir.MapValue(type=expected, entries=out) if ok else None

    def _enum(
        self, raw: RawValue, expected: ir.TypeRef, decl: DeclDraft
    ) -> ir.Value | None:
        names = [m.name for m in decl.members]
        if raw.kind != "name":
            _mismatch(self.scope, raw, expected, f"write one of: {', '.join(names)}")
            return None
        if raw.text not in names:
            self.scope.error(
                "E056",
                f"`{raw.text}` is not a member of enum `{decl.name}`",
                raw.line,
                raw.col,
                suggest(raw.text, names),
                len(raw.text),
            )
            return None
        return self.share(
            ("enum", id(expected), raw.text),
            lambda: ir.EnumValue(type=expected, enum=decl.name, member=raw.text),
        )

    def _record(
        self, raw: RawValue, expected: ir.TypeRef, decl: DeclDraft
    ) -> ir.Value | None:
        if raw.kind != "braces" or raw.entries:
            _mismatch(self.scope, raw, expected, "records are written {field: value}")
            return None
        fields = self.field_values(
            raw.fields, decl.fields, decl.name, raw, complete=True
        )
        if fields is None:
            return None
        return ir.RecordValue(type=expected, record=decl.name, fields=fields)

    def _variant(
        self, raw: RawValue, expected: ir.TypeRef, decl: DeclDraft
    ) -> ir.Value | None:
        tags = {t.name: t for t in decl.tags}
        if raw.kind not in ("tagged", "name"):
            _mismatch(self.scope, raw, expected, f"write a tag: {', '.join(tags)}")
            return None
        tag = tags.get(raw.text)
        if tag is None:
            self.scope.error(
                "E057",
                f"`{raw.text}` is not a tag of variant `{decl.name}`",
                raw.line,
                raw.col,
                suggest(raw.text, list(tags)),
                len(raw.text),
            )
            return None
        fields = self.field_values(
            raw.fields, tag.fields, f"{decl.name}.{tag.name}", raw, complete=True
        )
        if fields is None:
            return None
        return ir.VariantValue(
            type=expected, variant=decl.name, tag=tag.name, fields=fields
        )

    def _error(
        self, raw: RawValue, expected: ir.TypeRef, decl: DeclDraft
    ) -> ir.Value | None:
        _mismatch(self.scope, raw, expected, "errors appear only after `raises`")
        return None

    def field_values(
        self,
        given: Sequence[tuple[str, RawValue, int, int]],
        fields: list[FieldDraft],
        owner: str,
        at: RawValue | None,
        complete: bool,
    ) -> list[ir.FieldValue] | None:
        """Check named field values; with ``complete``, fill defaults in declaration order."""
        by_name = {f.name: f for f in fields}
        values: dict[str, ir.FieldValue] = {}
        ok = True
        for name, raw, line, col in given:
            draft = by_name.get(name)
            if draft is None:
                self.scope.error(
                    "E054",
                    f"`{owner}` has no field `{name}`",
                    line,
                    col,
                    suggest(name, list(by_name)),
                    len(name),
                )
                ok = False
                continue
            if name in values:
                self.scope.error(
                    "E062",
                    f"field `{name}` is given twice",
                    line,
                    col,
                    length=len(name),
                )
                ok = False
                continue
            expected = self.resolve(draft.type)
            value = self.value(raw, expected) if expected is not None else None
            if value is None:
                ok = False
                continue
            values[name] = self.field_value(draft.name, value, True)  # its text, once
        if not ok:
            return None
        if not complete:
            return list(values.values())
        out = []
        for draft in fields:
            if draft.name in values:
                out.append(values[draft.name])
                continue
            default = self.default(draft)
            if default is UNUSABLE:
                ok = False
                continue
            if default is None:
                assert at is not None
                self.scope.error(
                    "E055",
                    f"`{owner}` needs field `{draft.name}`",
                    at.line,
                    at.col,
                    f"`{draft.name}` has no default",
                )
                ok = False
                continue
            assert isinstance(default, ir.ValueBase)
            out.append(self.field_value(draft.name, default, False))
        return out if ok else None

    def field_value(self, name: str, value: ir.Value, explicit: bool) -> ir.FieldValue:
        """Return a field's value: shared when the value is (a scalar, a list of
        them, a default)."""
        if explicit and id(value) not in self.one:
            return ir.FieldValue(name=name, value=value)
        return self.share(
            ("field", name, id(value), explicit),
            lambda: ir.FieldValue(name=name, value=value, explicit=explicit),
        )

    def default(self, draft: FieldDraft) -> ir.Value | Unusable | None:
        """Return a field's default (implicit `none` for optionals), checked once.

        None means the field is required; `UNUSABLE` that its default or type
        is wrong, which was reported where it is written.
        """
        key = id(draft)
        if key not in self.checked_defaults:
            self.checked_defaults[key] = self._check_default(draft)
        return self.checked_defaults[key]

    def _check_default(self, draft: FieldDraft) -> ir.Value | Unusable | None:
        if draft.imported:  # checked by the spec that declares it
            return draft.checked
        expected = self.resolve(draft.type)
        if expected is None:
            return UNUSABLE if draft.default is not None else None
        if draft.default is None:
            return (
                self.share(("none", id(expected)), lambda: ir.NoneValue(type=expected))
                if expected.kind == "optional"
                else None
            )
        # One diagnostic at the default (E046) says why, instead of the value's own.
        with self.scope.captured() as found:
            value = self.value(draft.default, expected)
        if value is not None:
            return value
        inner = found[0] if found else None
        raw = draft.default
        self.scope.error(
            "E046",
            f"the default of `{draft.name}` does not fit `{draft.type}`"
            + (f": {inner.message}" if inner else ""),
            raw.line,
            raw.col,
            inner.hint if inner else None,
        )
        return UNUSABLE


def _mismatch(
    scope: Scope, raw: RawValue, expected: ir.TypeRef, hint: str | None = None
) -> None:
    """Report that a value is not of the expected type."""
    scope.error(
        "E053",
        f"expected {_describe(expected)}, found {_describe_raw(raw)}",
        raw.line,
        raw.col,
        hint,
    )


def _list(
    checker: ValueChecker, raw: RawValue, expected: ir.TypeRef
) -> ir.Value | None:
    """Type a list; one of values made once each (`[]`, `[1, 2]`) is made once too."""
    if raw.kind != "list":
        _mismatch(checker.scope, raw, expected)
        return None
    # Type every item, so each wrong one is reported, before giving up.
    items = [checker.value(item, expected.args[0]) for item in raw.items]
    typed = [i for i in items if i is not None]
    if len(typed) != len(items):
        return None
    if all(id(item) in checker.one for item in typed):
        return checker.share(
            ("list", id(expected), *map(id, typed)),
            lambda: ir.ListValue(type=expected, items=typed),
        )
    return ir.ListValue(type=expected, items=typed)


def _primitive(
    checker: ValueChecker, raw: RawValue, expected: ir.TypeRef
) -> ir.Value | None:
    """Type a value where a primitive (bool, string, int, float, bytes) is expected."""
    name, scope, kind = expected.name, checker.scope, raw.kind
    if name == "bool" and kind == "bool":
        value = bool(raw.value)
        return checker.share(
            ("bool", id(expected), value),
            lambda: ir.BoolValue(type=expected, value=value),
        )
    if name == "string" and kind == "string":
        text = str(raw.value)
        return checker.share(
            ("string", id(expected), text),
            lambda: ir.StringValue(type=expected, value=text),
        )
    if name == "int" and kind == "int":
        number = raw.value
        assert isinstance(number, int)  # the reader decodes every int literal
        if not INT_MIN <= number <= INT_MAX:
            scope.error(
                "E061",
                f"{number} does not fit in a 64-bit int",
                raw.line,
                raw.col,
                length=len(raw.text),
            )
            return None
        return checker.share(
            ("int", id(expected), number),
            lambda: ir.IntValue(type=expected, value=number),
        )
    if name == "float" and kind in ("int", "float"):
        assert isinstance(raw.value, (int, float))
        real = float(raw.value)
        if math.isinf(real):
            scope.error(
                "E061", f"{raw.text} is too large for a float", raw.line, raw.col
            )
            return None
        return checker.share(
            ("float", id(expected), raw.text),
            lambda: ir.FloatValue(type=expected, value=real, text=raw.text),
        )
    if name == "bytes" and kind == "list":
        octets = [
            i.value
            for i in raw.items
            if i.kind == "int" and isinstance(i.value, int) and 0 <= i.value <= 255
        ]
        if len(octets) == len(raw.items):
            return ir.BytesValue(type=expected, value=octets)
        _mismatch(scope, raw, expected, "bytes are written as a list of integers 0-255")
        return None
    hint = None
    if name == "int" and raw.kind == "float":
        hint = "an int cannot have a fractional part"
    _mismatch(scope, raw, expected, hint)
    return None


def _describe(ref: ir.TypeRef) -> str:
    return f"`{ref}`"


_RAW_NAMES = {
    "int": "an integer",
    "float": "a number",
    "string": "a string",
    "bool": "a boolean",
    "none": "`none`",
    "list": "a list",
    "braces": "a `{…}` value",
    "name": "a bare name",
    "tagged": "a tagged value",
}


def _describe_raw(raw: RawValue) -> str:
    text = _RAW_NAMES[raw.kind]
    if raw.kind in ("name", "tagged"):
        text += f" `{raw.text}`"
    elif raw.kind in ("int", "float", "string"):
        text += f" {raw.text}"
    return text


def retyped(value: ir.Value, expected: ir.TypeRef) -> ir.Value:
    """Return ``value`` where an optional ``expected`` stands (its type says so)."""
    fields = dict(zip(records.fields(value), records.field_values(value), strict=True))
    return type(value)(**{**fields, "type": expected})
