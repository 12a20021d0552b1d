"""Property lines: `forall` variables, their types, and each check typed like an example."""

from __future__ import annotations

from typing import Literal

from specc import ir
from specc.frontend.check.examples import callee
from specc.frontend.check.resolve import Resolver
from specc.frontend.check.scope import Scope, suggest
from specc.frontend.check.values import ValueChecker
from specc.frontend.idl import PRIMITIVES
from specc.frontend.values import RawCheck, RawProperty, RawTerm, RawType
from specc.source import Span

_ARITY = {"list": 1, "map": 2}


class PropertyChecker:
    """Types a property: its variables' types, the calls, the values and both sides."""

    def __init__(self, scope: Scope, resolver: Resolver, values: ValueChecker) -> None:
        self.scope = scope
        self.resolve = resolver.resolve
        self.values = values

    def property(
        self, raw: RawProperty, rule: str | None, index: int
    ) -> ir.Property | None:
        """Type-check one `forall` line; report each problem and return None on any."""
        bindings: dict[str, ir.Binding] = {}
        ok = True
        for name, line, col, written in raw.bindings:
            if name in bindings:
                self.scope.error(
                    "E065",
                    f"the variable `{name}` is bound twice",
                    line,
                    col,
                    "give each variable of a `forall` its own name",
                    len(name),
                )
                ok = False
                continue
            ref = self.type(written)
            if ref is None:
                ok = False
                continue
            span = Span(
                path=self.scope.path, line=line, col=col, end_line=line, end_col=None
            )
            bindings[name] = ir.Binding(name=name, type=ref, span=span)
        if not ok:
            return None
        checks = [self.check(c, bindings) for c in [*raw.where, raw.check]]
        typed = [c for c in checks if c is not None]
        if len(typed) != len(checks):
            return None
        span = Span(
            path=self.scope.path,
            line=raw.line,
            col=raw.col,
            end_line=raw.line,
            end_col=raw.end_col,
        )
        return ir.Property(
            rule=rule,
            index=index,
            text=raw.text,
            bindings=list(bindings.values()),
            where=typed[:-1],
            check=typed[-1],
            span=span,
        )

    def type(self, raw: RawType) -> ir.TypeRef | None:
        """Return a variable's type with its aliases resolved, or report why not."""
        ref = self._written(raw)
        if ref is None:
            return None
        resolved = self.resolve(ref)
        if resolved is None:  # too deep once aliases are expanded
            self.scope.error(
                "E064", f"the type `{ref}` cannot be generated", raw.line, raw.col
            )
        return resolved

    def _written(self, raw: RawType) -> ir.TypeRef | None:
        args = [self._written(a) for a in raw.args]
        if any(a is None for a in args):
            return None
        want = _ARITY.get(raw.name, 0)
        ref: ir.TypeRef
        if len(args) != want:
            self.scope.error(
                "E045",
                f"`{raw.name}` takes {want} type argument{'' if want == 1 else 's'}, "
                f"not {len(args)}",
                raw.line,
                raw.col,
                length=len(raw.name),
            )
            return None
        if raw.name in ("list", "map"):
            kind: Literal["list", "map"] = "list" if raw.name == "list" else "map"
            ref = ir.TypeRef(kind=kind, args=[a for a in args if a])
        elif raw.name in PRIMITIVES:
            ref = ir.TypeRef(kind="primitive", name=raw.name)
        else:
            decl = self.scope.types.get(raw.name)
            if decl is None or decl.kind == "error":
                message = (
                    f"unknown type `{raw.name}` in `forall`"
                    if decl is None
                    else f"`{raw.name}` is an error, not a type of values"
                )
                self.scope.error(
                    "E064",
                    message,
                    raw.line,
                    raw.col,
                    (
                        suggest(raw.name, self.scope.visible_names())
                        if decl is None
                        else None
                    ),
                    len(raw.name),
                )
                return None
            ref = ir.TypeRef(kind="named", name=decl.name, spec=decl.spec)
        if raw.optional:
            ref = ir.TypeRef(kind="optional", args=[ref])
        return ref

    def check(self, raw: RawCheck, bindings: dict[str, ir.Binding]) -> ir.Check | None:
        """Type both sides of `==` or `!=`: the side that is not a value sets the type."""
        if raw.left.kind == "value":
            right = self.term(raw.right, bindings, None)
            if right is None:
                return None
            left = self.term(raw.left, bindings, right.type)
        else:
            left = self.term(raw.left, bindings, None)
            if left is None:
                return None
            right = self.term(raw.right, bindings, left.type)
        if left is None or right is None:
            return None
        return ir.Check(op=raw.op, left=left, right=right)

    def term(
        self,
        raw: RawTerm,
        bindings: dict[str, ir.Binding],
        expected: ir.TypeRef | None,
    ) -> ir.CallTerm | ir.VarTerm | ir.ValueTerm | None:
        """Type one term; with ``expected``, it must have that type."""
        if raw.kind == "value":
            assert raw.value is not None
            if expected is None:
                self.scope.error(
                    "E066",
                    "both sides of the check are values",
                    raw.line,
                    raw.col,
                    "compare a call or a variable with a value",
                )
                return None
            value = self.values.value(raw.value, expected)
            if value is None:
                return None
            return ir.ValueTerm(value=value, type=expected)
        if raw.kind == "var":
            found: ir.CallTerm | ir.VarTerm | None = ir.VarTerm(
                name=raw.name, type=bindings[raw.name].type
            )
        else:
            found = self.call(raw, bindings)
        if found is None:
            return None
        if expected is not None and found.type != expected:
            what = f"`{raw.name}`" if raw.kind == "var" else f"`{raw.name}(…)`"
            self.scope.error(
                "E066",
                f"{what} is {found.type}, but {expected} is expected here",
                raw.line,
                raw.col,
                length=len(raw.name),
            )
            return None
        return found

    def call(self, raw: RawTerm, bindings: dict[str, ir.Binding]) -> ir.CallTerm | None:
        """Type a call against its function's signature."""
        fn = callee(self.scope, raw.name, len(raw.args), raw.line, raw.col)
        if fn is None:
            return None
        args = []
        for arg, param in zip(raw.args, fn.fields, strict=True):
            expected = self.resolve(param.type)
            args.append(
                self.term(arg, bindings, expected) if expected is not None else None
            )
        returns = self.resolve(fn.returns) if fn.returns is not None else None
        typed = [a for a in args if a is not None]
        if returns is None or len(typed) != len(args):
            return None
        return ir.CallTerm(function=fn.name, args=typed, type=returns)
