"""Names and types of the Rust target, and the facts about types it derives from
(its values are `values`)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from specc import ir
from specc.emitters import code
from specc.naming import identifier, pascal, screaming, snake, words

KEYWORDS = frozenset(
    """as async await break const continue crate dyn else enum extern false fn for if
    impl in let loop match mod move mut pub ref return self Self static struct super
    trait true type unsafe use where while abstract become box do final macro override
    priv try typeof unsized virtual yield gen union macro_rules""".split()
)
#: Names the generated code uses unqualified (the prelude and what it imports): a
#: spec type of the same name would shadow them.
RESERVED_TYPES = KEYWORDS | frozenset(
    """String Vec Option Some None Result Ok Err Box BTreeMap Default Debug Clone Copy
    PartialEq Eq PartialOrd Ord Hash Send Sync Sized Unpin Drop Fn FnMut FnOnce From
    Into TryFrom TryInto AsRef AsMut Iterator IntoIterator DoubleEndedIterator
    ExactSizeIterator Extend FromIterator ToString ToOwned""".split()
)
#: Crate names Cargo or rustc refuse or that shadow the standard crates.
RESERVED_CRATES = frozenset("std core alloc proc_macro test self super crate".split())
#: Functions of the conformance tests; an operation's wrapper never takes their names.
TEST_HELPERS = frozenset(
    """expect_eq expect_ok expect_close expect_close_ok expect_error check_field
    wrong_outcome close_debug close_float tokens string_len within_time in_time
    time_limit""".split()
)


def _unique(name: str, taken: set[str]) -> str:
    """Return ``name``, suffixed with `_` until it is not taken, and take it."""
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def type_name(name: str) -> str:
    """Return a declaration name as an UpperCamelCase identifier clippy accepts."""
    found = identifier(pascal(name), RESERVED_TYPES)
    if len(found) > 1 and found.isalpha() and found.isupper():
        found = found[0] + found[1:].lower()  # clippy::upper_case_acronyms
    return found


@functools.lru_cache(maxsize=4096)
def member_name(name: str) -> str:
    """Return a field, parameter or method name in snake_case (never a keyword).

    Remembered: a spec's records write the same field names over and over (9 500
    fields of a dozen names at N = 1000)."""
    return identifier(snake(name), KEYWORDS)


def members(names: Iterable[str], taken: Iterable[str] = ()) -> dict[str, str]:
    """Return unique snake_case names for one scope."""
    used = set(taken)
    return {n: _unique(member_name(n), used) for n in names}


def cases_of(names: Iterable[str]) -> dict[str, str]:
    """Return unique UpperCamelCase names for the members of one enum."""
    used: set[str] = set()
    return {n: _unique(type_name(n), used) for n in names}


def crate_name(spec_id: str) -> str:
    """Return the crate's (and library's) name: a snake_case identifier."""
    name = member_name(spec_id).lstrip("_")
    if not name or name[0].isdigit():
        name = "spec_" + name if name else "spec"
    return name + "_spec" if name in RESERVED_CRATES else name


class Names:
    """Every Rust name of one spec's crate, unique where they share a scope."""

    def __init__(
        self, spec: ir.Spec, crate: str | None = None, used: Any = None
    ) -> None:
        self.spec = spec
        self._used: dict[str, Names] = {} if used is None else used
        self.crate = crate or crate_name(spec.id)
        taken = set(RESERVED_TYPES)
        self.types = {
            t.name: _unique(type_name(t.name), taken)
            for t in spec.types
            if not isinstance(t, ir.Error)
        }
        base = type_name(spec.id)
        self.api = _unique(base + "Api", taken)
        self.impl = _unique(base if base not in taken else base + "Impl", taken)
        self.error_enum = _unique(base + "Error", taken)
        errors = [t for t in spec.types if isinstance(t, ir.Error)]
        self.errors = cases_of(e.name for e in errors)
        used_consts: set[str] = set()
        self.messages = {
            e.name: _unique(identifier(screaming(e.name)) + "_MESSAGE", used_consts)
            for e in errors
        }
        self.error_fields = {e.name: members(f.name for f in e.fields) for e in errors}
        records = [t for t in spec.types if isinstance(t, ir.Record)]
        self.fields = {r.name: members(f.name for f in r.fields) for r in records}
        variants = [t for t in spec.types if isinstance(t, ir.Variant)]
        self.tags = {v.name: cases_of(tag.name for tag in v.tags) for v in variants}
        self.tag_fields = {
            (v.name, tag.name): members(f.name for f in tag.fields)
            for v in variants
            for tag in v.tags
        }
        enums = [t for t in spec.types if isinstance(t, ir.Enum)]
        self.members = {e.name: cases_of(m.name for m in e.members) for e in enums}
        self.methods = members(f.name for f in spec.functions)
        self.params = {
            f.name: members((p.name for p in f.params), {"self"})
            for f in spec.functions
        }
        functions: set[str] = set(TEST_HELPERS)
        self.wrappers = {
            f.name: _unique(self.methods[f.name], functions) for f in spec.functions
        }
        self.tests = {
            c.title: _unique(
                identifier(f"{'_'.join(words(c.rule)) or 'example'}_{c.index}"),
                functions,
            )
            for c in code.all_cases(spec)
        }

    def of(self, spec_id: str) -> Names:
        """Return the names of a spec this one uses, as its crate has them (each made
        once: one registry for all, as a registry each remade them per path)."""
        if spec_id not in self._used:
            used = self.spec.used(spec_id)
            assert used is not None, f"{self.spec.id} does not use {spec_id}"
            self._used[spec_id] = Names(used, used=self._used)
        return self._used[spec_id]

    def type_path(self, ref: ir.TypeRef) -> str:
        """Return how this crate writes a named type: `Money`, or `common::Money`."""
        other = code.foreign(self.spec, ref)
        if other is None:
            return self.types[str(ref.name)]
        names = self.of(other)
        return f"{names.crate}::{names.types[str(ref.name)]}"


def test_names(spec: ir.Spec) -> dict[str, str]:
    """Return the `#[test]` function name of every example, by test title."""
    return Names(spec).tests


def rust_string(text: str) -> str:
    """Return a Rust string literal (controls escaped; lone surrogates replaced)."""
    return code.string_literal(text, braced_unicode=True)


# --- Facts about types -----------------------------------------------------------------

#: Rough sizes in bytes, for the clippy size lints (String, Vec, BTreeMap: 24).
_SIZES = {"bool": 1, "int": 8, "float": 8, "string": 24, "bytes": 24}
RESULT_LARGE_ERR = 96
"""clippy's `result_large_err` fires from 128 bytes; allow it from this estimate."""
LARGE_ENUM_VARIANT = 150
"""clippy's `large_enum_variant` fires from 200 bytes of difference."""


class TypeFacts:
    """What the emitter must know about types: floats, boxing, defaults and sizes."""

    def __init__(self, spec: ir.Spec, names: Names, used: Any = None) -> None:
        self.spec, self.names = spec, names
        self._used: dict[str, TypeFacts] = {} if used is None else used  # as Names'
        self._optional: dict[int, tuple[ir.TypeRef, bool]] = {}
        """Whether a type is optional, by the type's identity (see `required`)."""
        self._float = self._floats()
        self._boxed = self._cycles()

    def of(self, spec_id: str) -> TypeFacts:
        """Return the facts of a spec this one uses."""
        if spec_id not in self._used:
            names = self.names.of(spec_id)
            self._used[spec_id] = TypeFacts(names.spec, names, self._used)
        return self._used[spec_id]

    def _floats(self) -> set[str]:
        """Return the declarations that hold a float somewhere inside."""
        found: set[str] = set()
        changed = True
        while changed:
            changed = False
            for t in self.spec.types:
                if t.name not in found and any(
                    self._ref_float(f.type, found) for f in _fields_of(t)
                ):
                    found.add(t.name)
                    changed = True
        return found

    def _ref_float(self, ref: ir.TypeRef, found: set[str]) -> bool:
        # Resolved in a loop: a chain of a thousand aliases must not recurse.
        ref = code.resolve_alias(self.spec, ref)
        if ref.kind == "primitive":
            return ref.name == "float"
        if ref.kind == "named":
            other = code.foreign(self.spec, ref)
            if other is not None:
                return self.of(other).has_float(str(ref.name))
            return str(ref.name) in found
        return any(self._ref_float(a, found) for a in ref.args)

    def has_float(self, name: str) -> bool:
        return name in self._float

    def ref_has_float(self, ref: ir.TypeRef) -> bool:
        return self._ref_float(ref, self._float)

    def _direct(self, ref: ir.TypeRef) -> set[str]:
        """Return the records and variants a type holds inline (not behind Vec or map)."""
        ref = code.resolve_alias(self.spec, ref)
        if ref.kind == "optional":
            return self._direct(ref.args[0])
        if ref.kind == "named" and code.foreign(self.spec, ref) is None:
            return {str(ref.name)}
        return set()  # another spec's types cannot hold this spec's

    def _cycles(self) -> set[tuple[str, str, str]]:
        """Return (type, tag, field) of fields that must be boxed to give a finite size.

        A field of type T holding D inline must be boxed when D leads back to T:
        as T holds D, that is when D and T are in one strongly connected part of
        the graph of what holds what inline, found once for all fields.
        """
        held = [
            (
                t.name,
                [(tag, f.name, self._direct(f.type)) for tag, f in _tagged_fields(t)],
            )
            for t in self.spec.types
        ]
        edges = {
            name: {n for *_, inline in fields for n in inline} for name, fields in held
        }
        part = strong_parts(edges)
        return {
            (name, tag, field)
            for name, fields in held
            for tag, field, inline in fields
            if any(part.get(n) == part[name] for n in inline)
        }

    def boxed(self, owner: str, field: ir.Field, tag: str = "") -> bool:
        return (owner, tag, field.name) in self._boxed

    def required(self, field: ir.Field) -> bool:
        if field.default is not None:
            return False
        known = self._optional.get(id(field.type))
        if known is None or known[0] is not field.type:
            known = (field.type, code.is_optional(self.spec, field.type))
            self._optional[id(field.type)] = known
        return not known[1]

    def zero_default(self, field: ir.Field) -> bool:
        """Return whether a field's default is what `#[derive(Default)]` gives."""
        value = field.default
        if value is None or value.kind == "none":
            return True
        if isinstance(value, (ir.BoolValue, ir.IntValue)):
            return not value.value
        if isinstance(value, ir.StringValue):
            return value.value == ""
        if isinstance(value, (ir.ListValue, ir.BytesValue)):
            return not (value.items if isinstance(value, ir.ListValue) else value.value)
        if isinstance(value, ir.MapValue):
            return not value.entries
        return False

    def size(self, ref: ir.TypeRef, depth: int = 0) -> int:
        """Return a rough size of a type in bytes."""
        ref = code.resolve_alias(self.spec, ref)
        if ref.kind == "primitive":
            return _SIZES[str(ref.name)]
        if ref.kind in ("list", "map"):
            return 24
        if ref.kind == "optional":
            return self.size(ref.args[0], depth) + 8
        decl = self.spec.declaration(ref)
        if isinstance(decl, ir.Enum) or depth > 8:
            return 8
        if isinstance(decl, ir.Record):
            return sum(self._field_size(decl.name, f, "", depth) for f in decl.fields)
        if isinstance(decl, ir.Variant):
            return 8 + max(
                (self._tag_size(decl, t, depth) for t in decl.tags), default=0
            )
        return 8

    def _field_size(self, owner: str, f: ir.Field, tag: str, depth: int) -> int:
        return 8 if self.boxed(owner, f, tag) else self.size(f.type, depth + 1)

    def _tag_size(self, decl: ir.Variant, tag: ir.VariantTag, depth: int) -> int:
        return sum(self._field_size(decl.name, f, tag.name, depth) for f in tag.fields)

    def large_variant(self, name: str) -> bool:
        decl = self.spec.type(name)
        assert isinstance(decl, ir.Variant)
        sizes = sorted(self._tag_size(decl, t, 0) for t in decl.tags)
        return len(sizes) > 1 and sizes[-1] - sizes[-2] >= LARGE_ENUM_VARIANT

    def _error_sizes(self) -> list[int]:
        return sorted(
            sum(self.size(f.type) for f in t.fields)
            for t in self.spec.types
            if isinstance(t, ir.Error)
        )

    def large_error_variant(self) -> bool:
        sizes = self._error_sizes()
        return len(sizes) > 1 and sizes[-1] - sizes[-2] >= LARGE_ENUM_VARIANT

    def error_size(self) -> int:
        sizes = self._error_sizes()
        return 8 + sizes[-1] if sizes else 0

    def variant_names_clash(self, owner: str | None, cases: list[str]) -> list[str]:
        """Return `clippy::enum_variant_names` when the cases share a word clippy minds."""
        split = [words(c) or [c.lower()] for c in cases]
        enum = words(self.names.types[owner]) if owner else []
        if enum and any(
            s[: len(enum)] == enum or s[-len(enum) :] == enum for s in split
        ):
            return ["clippy::enum_variant_names"]
        if len(cases) >= 3 and (
            len({s[0] for s in split}) == 1 or len({s[-1] for s in split}) == 1
        ):
            return ["clippy::enum_variant_names"]
        return []


def strong_parts(edges: dict[str, set[str]]) -> dict[str, int]:
    """Return the strongly connected part of each node of a graph, as a number
    (its root's index; Tarjan's algorithm, in a loop: a chain of a thousand types must not recurse).
    Edges to nodes the graph does not hold are left out."""
    part: dict[str, int] = {}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, todo = work[-1]
            for nxt in todo:
                if nxt not in edges:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    work.append((nxt, iter(edges[nxt])))
                    break
                if nxt not in part:  # on the stack: in the part being found
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:  # the root of a part: number it
                    while True:
                        member = stack.pop()
                        part[member] = index[node]
                        if member == node:
                            break
    return part


def _fields_of(decl: ir.TypeDecl) -> list[ir.Field]:
    return [f for _, f in _tagged_fields(decl)]


def _tagged_fields(decl: ir.TypeDecl) -> list[tuple[str, ir.Field]]:
    if isinstance(decl, (ir.Record, ir.Error)):
        return [("", f) for f in decl.fields]
    if isinstance(decl, ir.Variant):
        return [(t.name, f) for t in decl.tags for f in t.fields]
    if isinstance(decl, ir.Alias):
        return [("", ir.Field(name="", type=decl.target, span=decl.span))]
    return []


# --- Types and values -----------------------------------------------------------------


class RsTypes(code.TypeMapper):
    """IR types as Rust types."""

    primitives = {
        "bool": "bool",
        "int": "i64",
        "float": "f64",
        "string": "String",
        "bytes": "Vec<u8>",
    }

    def __init__(self, spec: ir.Spec, names: Names, facts: TypeFacts) -> None:
        super().__init__(spec, names.types.__getitem__)
        self.names, self.facts = names, facts

    def __call__(self, ref: ir.TypeRef) -> str:
        if ref.kind == "named":
            return self.names.type_path(ref)
        return super().__call__(ref)

    def list(self, item: str) -> str:
        return f"Vec<{item}>"

    def map(self, key: str, value: str) -> str:
        return f"BTreeMap<{key}, {value}>"

    def optional(self, inner: str) -> str:
        return f"Option<{inner}>"

    def field(self, owner: str, f: ir.Field, tag: ir.VariantTag | None = None) -> str:
        """Return a field's type, boxed where the type would otherwise be infinite."""
        if not self.facts.boxed(owner, f, tag.name if tag else ""):
            return self(f.type)
        if f.type.kind == "optional":
            return f"Option<Box<{self(f.type.args[0])}>>"
        return f"Box<{self(f.type)}>"

    def returns(self, fn: ir.Function) -> str:
        """Return an operation's result type: `Result<T, E>` when it raises."""
        result = self(fn.returns)
        return f"Result<{result}, {self.names.error_enum}>" if fn.raises else result
