"""Name resolution, declaration checks and example type-checking."""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable

from specc import ir
from specc.diagnostics import Diagnostic
from specc.frontend.idl import DeclDraft, FieldDraft
from specc.frontend.lexer import MAX_NESTING
from specc.frontend.values import RawExample, RawValue
from specc.source import Span

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MAP_KEY_PRIMITIVES = frozenset({"string", "int", "bool"})
DEFAULT_TOLERANCE = 1e-6


class Unusable:
    """Marks a default that was reported as wrong, so uses stay quiet."""


UNUSABLE = Unusable()


def _suggest(name: str, choices: list[str]) -> str | None:
    close = difflib.get_close_matches(name, choices, n=1)
    return f"did you mean `{close[0]}`?" if close else None


class Checker:
    """Resolves names across one spec and turns raw values into typed IR values."""

    def __init__(self, path: str, report: Callable[[Diagnostic], None]) -> None:
        self.path = path
        self.report = report
        self.types: dict[str, DeclDraft] = {}
        self.functions: dict[str, DeclDraft] = {}
        self._resolved: dict[str, ir.TypeRef | None] = {}
        self._defaults: dict[int, ir.Value | Unusable | None] = {}

    # --- helpers ---------------------------------------------------------------

    def error(
        self,
        code: str,
        message: str,
        line: int,
        col: int,
        hint: str | None = None,
        length: int | None = None,
    ) -> None:
        """Report a diagnostic at a position of this spec."""
        end = col + length if length else None
        span = Span(path=self.path, line=line, col=col, end_line=line, end_col=end)
        self.report(Diagnostic(code, message, span, hint))

    def error_at(
        self, code: str, message: str, span: Span, hint: str | None = None
    ) -> None:
        """Report a diagnostic at a span."""
        self.report(Diagnostic(code, message, span, hint))

    # --- declarations ----------------------------------------------------------

    def declare(self, decls: list[DeclDraft]) -> None:
        """Enter every declaration in the symbol tables, reporting duplicates."""
        for decl in decls:
            table = self.functions if decl.kind == "function" else self.types
            first = table.get(decl.name)
            if first is not None:
                self.error_at(
                    "E041",
                    f"`{decl.name}` is declared twice",
                    decl.span,
                    f"first declared at line {first.span.line}",
                )
                continue
            table[decl.name] = decl

    def check_declarations(self, decls: list[DeclDraft]) -> None:
        """Check type uses, member uniqueness, map keys, alias cycles and raises."""
        for decl in decls:
            for use in decl.type_uses:
                if use.name not in self.types:
                    self.error_at(
                        "E042",
                        f"unknown type `{use.name}`",
                        use.span,
                        _suggest(use.name, list(self.types)),
                    )
            members = (
                [(m.name, m.span) for m in decl.members]
                + [(f.name, f.span) for f in decl.fields]
                + [(t.name, t.span) for t in decl.tags]
            )
            self._unique(members, decl.name)
            for tag in decl.tags:
                self._unique([(f.name, f.span) for f in tag.fields], tag.name)
            for ref, span in self._type_refs(decl):
                self._check_map_keys(ref, span)
            if decl.kind == "alias" and self._alias_cycle(decl.name):
                self.error_at(
                    "E047", f"type alias `{decl.name}` refers to itself", decl.span
                )
            elif self.too_deep(decl):
                self.error_at(
                    "E049",
                    f"type `{decl.name}` nests deeper than {MAX_NESTING} levels "
                    "once its aliases are expanded",
                    decl.span,
                )
            for use in decl.raises:
                target = self.types.get(use.name)
                if target is None:
                    self.error_at(
                        "E042",
                        f"unknown error `{use.name}`",
                        use.span,
                        _suggest(use.name, self._errors()),
                    )
                elif target.kind != "error":
                    self.error_at(
                        "E044",
                        f"`{use.name}` is a {target.kind}, not an error",
                        use.span,
                    )

    def _alias_cycle(self, name: str) -> bool:
        """Return whether an alias reaches itself through alias targets."""
        stack, seen = [name], set()
        while stack:
            decl = self.types.get(stack.pop())
            if decl is None or decl.kind != "alias" or decl.target is None:
                continue
            for used in _names(decl.target):
                if used == name:
                    return True
                if used not in seen:
                    seen.add(used)
                    stack.append(used)
        return False

    def _unique(self, names: list[tuple[str, Span]], owner: str) -> None:
        seen: dict[str, Span] = {}
        for name, span in names:
            if name in seen:
                self.error_at(
                    "E043",
                    f"`{owner}` has two members named `{name}`",
                    span,
                    f"the first is at line {seen[name].line}",
                )
            else:
                seen[name] = span

    def _type_refs(self, decl: DeclDraft) -> list[tuple[ir.TypeRef, Span]]:
        refs = [(f.type, f.span) for f in decl.fields]
        refs += [(f.type, f.span) for t in decl.tags for f in t.fields]
        for ref in (decl.target, decl.returns):
            if ref is not None:
                refs.append((ref, decl.span))
        return refs

    def _check_map_keys(self, ref: ir.TypeRef, span: Span) -> None:
        for arg in ref.args:
            self._check_map_keys(arg, span)
        if ref.kind != "map":
            return
        key = self.resolve(ref.args[0])
        if key is None:
            return
        ok = (key.kind == "primitive" and key.name in MAP_KEY_PRIMITIVES) or (
            key.kind == "named" and self.types[str(key.name)].kind == "enum"
        )
        if not ok:
            self.error_at(
                "E048",
                f"`{ref.args[0]}` cannot be a map key",
                span,
                "use string, int, bool or an enum",
            )

    def _errors(self) -> list[str]:
        return [n for n, d in self.types.items() if d.kind == "error"]

    # --- types -------------------------------------------------------------------

    def resolve_name(
        self, name: str, seen: frozenset[str] = frozenset()
    ) -> ir.TypeRef | None:
        """Return the alias-free type a name stands for; None if unknown, cyclic or too deep."""
        try:
            return self._expand_name(name, seen, 1)
        except _TooDeep:
            return None

    def resolve(
        self, ref: ir.TypeRef, seen: frozenset[str] = frozenset()
    ) -> ir.TypeRef | None:
        """Return ``ref`` with every alias expanded; None if a name is unknown (or too deep)."""
        try:
            return self._expand(ref, seen, 1)
        except _TooDeep:
            return None

    def _expand_name(
        self, name: str, seen: frozenset[str], depth: int
    ) -> ir.TypeRef | None:
        """Expand a name at nesting ``depth``; raise `_TooDeep` past `MAX_NESTING`."""
        chain: list[str] = []
        while name not in self._resolved:  # follow plain aliases without recursing
            decl = self.types.get(name)
            if decl is None or name in seen or name in chain:
                result: ir.TypeRef | None = None
            elif decl.kind != "alias":
                result = ir.TypeRef(kind="named", name=name)
            else:
                assert decl.target is not None
                if decl.target.kind == "named":
                    chain.append(name)
                    name = str(decl.target.name)
                    continue
                result = self._expand(decl.target, seen | {name, *chain}, depth)
            self._resolved[name] = result
            break
        result = self._resolved[name]
        for alias in chain:
            self._resolved[alias] = result
        if result is not None and depth - 1 + _height(result) > MAX_NESTING:
            raise _TooDeep()
        return result

    def _expand(
        self, ref: ir.TypeRef, seen: frozenset[str], depth: int
    ) -> ir.TypeRef | None:
        if depth > MAX_NESTING:
            raise _TooDeep()
        if ref.kind == "primitive":
            return ref
        if ref.kind == "named":
            return self._expand_name(str(ref.name), seen, depth)
        args = [self._expand(a, seen, depth + 1) for a in ref.args]
        if any(a is None for a in args):
            return None
        return ir.TypeRef(kind=ref.kind, args=args)  # type: ignore[arg-type]

    def too_deep(self, decl: DeclDraft) -> bool:
        """Return whether an alias is the first on its path to nest past the limit."""
        if decl.kind != "alias" or decl.target is None:
            return False
        return self._past_limit(decl.name) and not any(
            self._past_limit(n) for n in _names(decl.target)
        )

    def _past_limit(self, name: str) -> bool:
        try:
            self._expand_name(name, frozenset(), 1)
        except _TooDeep:
            return True
        return False

    # --- values ----------------------------------------------------------------

    def value(self, raw: RawValue, expected: ir.TypeRef) -> ir.Value | None:
        """Type-check a raw value against an alias-free type; report and return None on error."""
        if expected.kind == "optional":
            if raw.kind == "none":
                return ir.NoneValue(type=expected)
            inner = self.value(raw, expected.args[0])
            return (
                None if inner is None else inner.model_copy(update={"type": expected})
            )
        if raw.kind == "none":
            return self._mismatch(
                raw, expected, "`none` is only allowed for an optional (`T?`)"
            )
        if expected.kind == "primitive":
            return self._primitive(raw, expected)
        if expected.kind == "list":
            if raw.kind != "list":
                return self._mismatch(raw, expected)
            items = [self.value(item, expected.args[0]) for item in raw.items]
            if any(i is None for i in items):
                return None
            return ir.ListValue(type=expected, items=items)  # type: ignore[arg-type]
        if expected.kind == "map":
            return self._map(raw, expected)
        decl = self.types[str(expected.name)]
        return getattr(self, f"_{decl.kind}")(raw, expected, decl)

    def _mismatch(
        self, raw: RawValue, expected: ir.TypeRef, hint: str | None = None
    ) -> None:
        self.error(
            "E053",
            f"expected {_describe(expected)}, found {_describe_raw(raw)}",
            raw.line,
            raw.col,
            hint,
        )
        return None

    def _primitive(self, raw: RawValue, expected: ir.TypeRef) -> ir.Value | None:
        name = expected.name
        if name == "bool" and raw.kind == "bool":
            return ir.BoolValue(type=expected, value=bool(raw.value))
        if name == "string" and raw.kind == "string":
            return ir.StringValue(type=expected, value=str(raw.value))
        if name == "int" and raw.kind == "int":
            number = int(raw.value)  # type: ignore[call-overload]
            if not INT_MIN <= number <= INT_MAX:
                self.error(
                    "E061",
                    f"{number} does not fit in a 64-bit int",
                    raw.line,
                    raw.col,
                    length=len(raw.text),
                )
                return None
            return ir.IntValue(type=expected, value=number)
        if name == "float" and raw.kind in ("int", "float"):
            number = float(raw.value)  # type: ignore[arg-type]
            if math.isinf(number):
                self.error(
                    "E061", f"{raw.text} is too large for a float", raw.line, raw.col
                )
                return None
            return ir.FloatValue(type=expected, value=number, text=raw.text)
        if name == "bytes" and raw.kind == "list":
            if all(i.kind == "int" and 0 <= int(i.value) <= 255 for i in raw.items):  # type: ignore[call-overload]
                return ir.BytesValue(type=expected, value=[int(i.value) for i in raw.items])  # type: ignore[call-overload]
            return self._mismatch(
                raw, expected, "bytes are written as a list of integers 0-255"
            )
        hint = None
        if name == "int" and raw.kind == "float":
            hint = "an int cannot have a fractional part"
        return self._mismatch(raw, expected, hint)

    def _map(self, raw: RawValue, expected: ir.TypeRef) -> ir.Value | None:
        if raw.kind != "braces":
            return self._mismatch(raw, expected)
        key_type, value_type = expected.args
        entries = list(raw.entries)
        if raw.keyed_by_name:
            if not (
                key_type.kind == "named"
                and self.types[str(key_type.name)].kind == "enum"
            ):
                return self._mismatch(
                    raw, expected, 'map keys are literals such as "key"'
                )
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
            marker = key.model_dump_json()
            if marker in seen:
                self.error(
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
            return self._mismatch(raw, expected, f"write one of: {', '.join(names)}")
        if raw.text not in names:
            self.error(
                "E056",
                f"`{raw.text}` is not a member of enum `{decl.name}`",
                raw.line,
                raw.col,
                _suggest(raw.text, names),
                len(raw.text),
            )
            return None
        return ir.EnumValue(type=expected, enum=decl.name, member=raw.text)

    def _record(
        self, raw: RawValue, expected: ir.TypeRef, decl: DeclDraft
    ) -> ir.Value | None:
        if raw.kind != "braces" or raw.entries:
            return self._mismatch(raw, expected, "records are written {field: value}")
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
            return self._mismatch(raw, expected, f"write a tag: {', '.join(tags)}")
        tag = tags.get(raw.text)
        if tag is None:
            self.error(
                "E057",
                f"`{raw.text}` is not a tag of variant `{decl.name}`",
                raw.line,
                raw.col,
                _suggest(raw.text, list(tags)),
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
        return self._mismatch(raw, expected, "errors appear only after `raises`")

    def field_values(
        self,
        given: list[tuple[str, RawValue, int, int]],
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
                self.error(
                    "E054",
                    f"`{owner}` has no field `{name}`",
                    line,
                    col,
                    _suggest(name, list(by_name)),
                    len(name),
                )
                ok = False
                continue
            if name in values:
                self.error(
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
            values[name] = ir.FieldValue(name=name, value=value)
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
                self.error(
                    "E055",
                    f"`{owner}` needs field `{draft.name}`",
                    at.line,
                    at.col,
                    f"`{draft.name}` has no default",
                )
                ok = False
                continue
            assert isinstance(default, ir.ValueBase)
            out.append(ir.FieldValue(name=draft.name, value=default, explicit=False))  # type: ignore[arg-type]
        return out if ok else None

    def default(self, draft: FieldDraft) -> ir.Value | Unusable | None:
        """Return a field's default (implicit `none` for optionals), checked once.

        None means the field is required; `UNUSABLE` that its default or type
        is wrong, which was reported where it is written.
        """
        key = id(draft)
        if key not in self._defaults:
            self._defaults[key] = self._check_default(draft)
        return self._defaults[key]

    def _check_default(self, draft: FieldDraft) -> ir.Value | Unusable | None:
        expected = self.resolve(draft.type)
        if expected is None:
            return UNUSABLE if draft.default is not None else None
        if draft.default is None:
            return ir.NoneValue(type=expected) if expected.kind == "optional" else None
        found: list[Diagnostic] = []
        report, self.report = self.report, found.append
        try:
            value = self.value(draft.default, expected)
        finally:
            self.report = report
        if value is not None:
            return value
        inner = found[0] if found else None
        raw = draft.default
        self.error(
            "E046",
            f"the default of `{draft.name}` does not fit `{draft.type}`"
            + (f": {inner.message}" if inner else ""),
            raw.line,
            raw.col,
            inner.hint if inner else None,
        )
        return UNUSABLE

    # --- examples ------------------------------------------------------------

    def example(
        self, raw: RawExample, rule: str | None, index: int
    ) -> ir.Example | None:
        """Type-check one example line against its function's signature."""
        fn = self.functions.get(raw.function)
        if fn is None:
            self.error(
                "E051",
                f"unknown function `{raw.function}`",
                raw.line,
                raw.function_col,
                _suggest(raw.function, list(self.functions)),
                len(raw.function),
            )
            return None
        if len(raw.args) != len(fn.fields):
            self.error(
                "E052",
                f"`{fn.name}` takes {len(fn.fields)} argument"
                f"{'' if len(fn.fields) == 1 else 's'}, this call gives {len(raw.args)}",
                raw.line,
                raw.function_col,
                f"signature: {_signature(fn)}",
                len(raw.function),
            )
            return None
        args = []
        for arg, param in zip(raw.args, fn.fields, strict=False):
            expected = self.resolve(param.type)
            args.append(self.value(arg, expected) if expected is not None else None)
        span = Span(
            path=self.path,
            line=raw.line,
            col=raw.col,
            end_line=raw.line,
            end_col=raw.end_col,
        )
        fields: dict[str, object] = dict(
            rule=rule,
            index=index,
            text=raw.text,
            function=fn.name,
            expect=raw.expect,
            span=span,
        )
        if raw.expect == "raises":
            fields["raises"] = self._expected_error(raw, fn)
            ok = fields["raises"] is not None
        else:
            assert raw.result is not None and fn.returns is not None
            returns = self.resolve(fn.returns)
            result = self.value(raw.result, returns) if returns is not None else None
            fields["result"] = result
            ok = result is not None
            if raw.expect == "approx":
                fields["tolerance"] = DEFAULT_TOLERANCE
                base = (
                    returns.args[0]
                    if returns and returns.kind == "optional"
                    else returns
                )
                if ok and not self.has_float(base):
                    self.error(
                        "E060",
                        f"`~=` compares floats, but `{fn.name}` returns "
                        f"{fn.returns}",
                        raw.result.line,
                        raw.result.col,
                        "use `==`",
                    )
                    ok = False
        if not ok or any(a is None for a in args):
            return None
        return ir.Example(args=args, **fields)  # type: ignore[arg-type]

    def has_float(
        self, ref: ir.TypeRef | None, seen: frozenset[str] = frozenset()
    ) -> bool:
        """Return whether a float appears anywhere inside an alias-free type."""
        if ref is None:
            return False
        if ref.kind == "primitive":
            return ref.name == "float"
        if ref.kind != "named":
            return any(self.has_float(a, seen) for a in ref.args)
        name = str(ref.name)
        decl = self.types.get(name)
        if decl is None or name in seen:
            return False
        fields = decl.fields + [f for t in decl.tags for f in t.fields]
        return any(self.has_float(self.resolve(f.type), seen | {name}) for f in fields)

    def _expected_error(
        self, raw: RawExample, fn: DeclDraft
    ) -> ir.ExpectedError | None:
        name = str(raw.error)
        decl = self.types.get(name)
        if decl is None or decl.kind != "error":
            self.error(
                "E059",
                f"unknown error `{name}`",
                raw.line,
                raw.error_col,
                _suggest(name, self._errors()),
                len(name),
            )
            return None
        if name not in [u.name for u in fn.raises]:
            declared = ", ".join(u.name for u in fn.raises) or "nothing"
            self.error(
                "E058",
                f"`{fn.name}` does not declare `raises {name}`",
                raw.line,
                raw.error_col,
                f"it raises {declared}",
                len(name),
            )
            return None
        fields = self.field_values(
            raw.error_fields, decl.fields, name, None, complete=False
        )
        if fields is None:
            return None
        return ir.ExpectedError(error=name, fields=fields)


def _names(ref: ir.TypeRef) -> list[str]:
    """Return every declaration name a type mentions."""
    if ref.kind == "named":
        return [str(ref.name)]
    return [n for a in ref.args for n in _names(a)]


def _signature(fn: DeclDraft) -> str:
    params = ", ".join(f"{f.name}: {f.type}" for f in fn.fields)
    return f"fn {fn.name}({params}) -> {fn.returns}"


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


class _TooDeep(Exception):
    """Raised when expanding aliases nests a type deeper than `MAX_NESTING`."""


def _height(ref: ir.TypeRef) -> int:
    """Return how many levels a type nests (a primitive or a name is one)."""
    return 1 + max((_height(a) for a in ref.args), default=0)
