"""How a Rust operation takes each argument: copied, moved in, or borrowed.

A spec's functions work on values, so an implementation must never change
what its caller passed. The Rust target makes that a type error rather than
a test: read-only arguments are borrowed, and nothing borrowed can be edited.

- `bool`, `int`, `float` and enums are `Copy`: taken by value (`i64`, `Priority`),
  as are optionals of them (`Option<i64>`).
- The first argument of exactly the type the operation returns is moved in
  (`tasks: Vec<Task>` for `-> list<Task>`): the operation returns a changed copy
  of it, and owning it lets the implementation change it in place and hand it
  back without a clone. The caller gave it away, so no one else sees the change.
- Every other argument is borrowed, in the form clippy and the standard library
  favour: `&str` for strings, `&[T]` for lists, `&[u8]` for bytes, `&T` for records,
  variants and maps, and `Option<&str>`, `Option<&[T]>` or `Option<&T>` for
  optionals (clippy's `ref_option` prefers these to `&Option<T>`: the caller
  keeps any `Option` it holds, and `None` costs nothing to pass).

Aliases are looked through: an argument of `type Label = string` is a `&str`.
"""

from __future__ import annotations

from typing import Literal

from specc import ir
from specc.emitters.code import TypeMapper, resolve_alias

Passing = Literal["copy", "move", "borrow"]


def _slice_like(ref: ir.TypeRef) -> bool:
    """Return whether a type is borrowed as a slice (`&str`, `&[u8]`, `&[T]`)."""
    return (ref.kind == "primitive" and ref.name in ("string", "bytes")) or (
        ref.kind == "list"
    )


def is_copy(spec: ir.Spec, ref: ir.TypeRef) -> bool:
    """Return whether a type is `Copy` in Rust: a scalar, an enum, or an optional of one."""
    ref = resolve_alias(spec, ref)
    if ref.kind == "primitive":
        return ref.name in ("bool", "int", "float")
    if ref.kind == "optional":
        return is_copy(spec, ref.args[0])
    if ref.kind == "named":
        return isinstance(spec.declaration(ref), ir.Enum)
    return False


def canonical(spec: ir.Spec, ref: ir.TypeRef) -> str:
    """Return a type's structure with every alias resolved, to compare two types."""
    ref = resolve_alias(spec, ref)
    if ref.kind in ("primitive", "named"):
        return f"{ref.kind}:{ref}"
    return f"{ref.kind}<{','.join(canonical(spec, a) for a in ref.args)}>"


def passing(spec: ir.Spec, fn: ir.Function) -> dict[str, Passing]:
    """Return how the operation takes each parameter, by parameter name."""
    found: dict[str, Passing] = {}
    result = canonical(spec, fn.returns)
    moved = False
    for param in fn.params:
        if is_copy(spec, param.type):
            found[param.name] = "copy"
        elif not moved and canonical(spec, param.type) == result:
            found[param.name], moved = "move", True
        else:
            found[param.name] = "borrow"
    return found


class Parameters:
    """The Rust types of an operation's parameters and the expressions that pass them."""

    def __init__(self, spec: ir.Spec, types: TypeMapper) -> None:
        self.spec, self.types = spec, types

    def type(self, ref: ir.TypeRef, how: Passing) -> str:
        """Return the parameter's type as the trait declares it."""
        if how != "borrow":
            return self.types(ref)
        resolved = resolve_alias(self.spec, ref)
        if resolved.kind == "optional":
            inner = resolved.args[0]
            if _slice_like(resolve_alias(self.spec, inner)):
                return f"Option<{self.type(inner, 'borrow')}>"
            return f"Option<&{self.types(inner)}>"
        if resolved.kind == "primitive":
            return "&str" if resolved.name == "string" else "&[u8]"
        if resolved.kind == "list":
            return f"&[{self.types(resolved.args[0])}]"
        return f"&{self.types(ref)}"

    def argument(self, name: str, ref: ir.TypeRef, how: Passing) -> str:
        """Return the expression that passes an owned local ``name`` as the parameter."""
        if how != "borrow":
            return name
        resolved = resolve_alias(self.spec, ref)
        if resolved.kind == "optional":
            inner = resolve_alias(self.spec, resolved.args[0])
            return f"{name}.as_deref()" if _slice_like(inner) else f"{name}.as_ref()"
        return f"&{name}"
