"""Example calls: arguments against the signature, results, `raises`, tolerance."""

from __future__ import annotations

from specc import ir
from specc.frontend.check.resolve import Resolver, type_key
from specc.frontend.check.scope import Scope, suggest
from specc.frontend.check.values import ValueChecker
from specc.frontend.idl import DeclDraft
from specc.frontend.values import RawExample
from specc.source import Span

DEFAULT_TOLERANCE = 1e-6


class ExampleChecker:
    """Type-checks example lines against the functions and errors a spec declares."""

    def __init__(self, scope: Scope, resolver: Resolver, values: ValueChecker) -> None:
        self.scope = scope
        self.resolve = resolver.resolve
        self.values = values
        self._float_names: set[str] | None = None
        """The declared types holding a float (see `has_float`), once asked."""

    def example(
        self, raw: RawExample, rule: str | None, index: int
    ) -> ir.Example | None:
        """Type-check one example line against its function's signature."""
        fn = callee(self.scope, raw.function, len(raw.args), raw.line, raw.function_col)
        if fn is None:
            return None
        args = []
        for arg, param in zip(raw.args, fn.fields, strict=False):
            expected = self.resolve(param.type)
            args.append(
                self.values.value(arg, expected) if expected is not None else None
            )
        span = Span(
            path=self.scope.path,
            line=raw.line,
            col=raw.col,
            end_line=raw.line,
            end_col=raw.end_col,
        )
        raises: ir.ExpectedError | None = None
        result: ir.Value | None = None
        tolerance: float | None = None
        if raw.expect == "raises":
            raises = self._expected_error(raw, fn)
            ok = raises is not None
        else:
            assert raw.result is not None and fn.returns is not None
            returns = self.resolve(fn.returns)
            result = (
                self.values.value(raw.result, returns) if returns is not None else None
            )
            ok = result is not None
            if raw.expect == "approx":
                tolerance = DEFAULT_TOLERANCE
                base = (
                    returns.args[0]
                    if returns and returns.kind == "optional"
                    else returns
                )
                if ok and not self.has_float(base):
                    self.scope.error(
                        "E060",
                        f"`~=` compares floats, but `{fn.name}` returns "
                        f"{fn.returns}",
                        raw.result.line,
                        raw.result.col,
                        "use `==`",
                    )
                    ok = False
        typed_args = [a for a in args if a is not None]
        if not ok or len(typed_args) != len(args):
            return None
        return ir.Example(
            rule=rule,
            index=index,
            text=raw.text,
            function=fn.name,
            args=typed_args,
            expect=raw.expect,
            result=result,
            tolerance=tolerance,
            raises=raises,
            span=span,
        )

    def has_float(self, ref: ir.TypeRef | None) -> bool:
        """Return whether a float appears anywhere inside an alias-free type."""
        if ref is None:
            return False
        if self._float_names is None:
            self._float_names = self._names_holding_floats()
        floats = self._float_names
        return any(
            _is_float(n) or (n.kind == "named" and type_key(n) in floats)
            for n in _parts(ref)
        )

    def _names_holding_floats(self) -> set[str]:
        """Return the declared types that hold a float, however deep, all at once."""
        users: dict[str, set[str]] = {}
        found: list[str] = []
        for name, decl in self.scope.types.items():
            fields = decl.fields + [f for t in decl.tags for f in t.fields]
            parts = [p for f in fields for p in _parts(self.resolve(f.type))]
            if any(_is_float(p) for p in parts):
                found.append(name)
            for used in {type_key(p) for p in parts if p.kind == "named"}:
                users.setdefault(used, set()).add(name)
        holding = set(found)
        while found:  # whoever uses a type holding a float holds one too
            for user in users.get(found.pop(), ()):
                if user not in holding:
                    holding.add(user)
                    found.append(user)
        return holding

    def _expected_error(
        self, raw: RawExample, fn: DeclDraft
    ) -> ir.ExpectedError | None:
        """Check a `raises` error: declared, raised by ``fn``, its fields typed."""
        name = str(raw.error)
        decl = self.scope.types.get(name)
        if decl is None or decl.kind != "error":
            self.scope.error(
                "E059",
                f"unknown error `{name}`",
                raw.line,
                raw.error_col,
                suggest(name, self.scope.error_names()),
                len(name),
            )
            return None
        if name not in [u.name for u in fn.raises]:
            declared = ", ".join(u.name for u in fn.raises) or "nothing"
            self.scope.error(
                "E058",
                f"`{fn.name}` does not declare `raises {name}`",
                raw.line,
                raw.error_col,
                f"it raises {declared}",
                len(name),
            )
            return None
        fields = self.values.field_values(
            raw.error_fields, decl.fields, name, None, complete=False
        )
        if fields is None:
            return None
        return ir.ExpectedError(error=name, fields=fields)


def callee(
    scope: Scope, name: str, given: int, line: int, col: int
) -> DeclDraft | None:
    """Return the function a call names, if it takes ``given`` arguments.

    Otherwise report E051 (no such function, with a suggestion) or E052 (the
    count differs, with the signature) at the name, and return None.
    """
    fn = scope.functions.get(name)
    if fn is None:
        scope.error(
            "E051",
            f"unknown function `{name}`",
            line,
            col,
            suggest(name, list(scope.functions)),
            len(name),
        )
        return None
    if given != len(fn.fields):
        scope.error(
            "E052",
            f"`{fn.name}` takes {len(fn.fields)} argument"
            f"{'' if len(fn.fields) == 1 else 's'}, this call gives {given}",
            line,
            col,
            f"signature: {signature(fn)}",
            len(name),
        )
        return None
    return fn


def signature(fn: DeclDraft) -> str:
    params = ", ".join(f"{f.name}: {f.type}" for f in fn.fields)
    return f"fn {fn.name}({params}) -> {fn.returns}"


def _parts(ref: ir.TypeRef | None) -> list[ir.TypeRef]:
    """Return every node of a type once (expanded aliases share their parts)."""
    parts: dict[int, ir.TypeRef] = {}
    stack = [ref] if ref is not None else []
    while stack:
        node = stack.pop()
        if id(node) not in parts:
            parts[id(node)] = node
            stack.extend(node.args)
    return list(parts.values())


def _is_float(ref: ir.TypeRef) -> bool:
    return ref.kind == "primitive" and ref.name == "float"
