"""The Python target's conformance tests: one pytest function per example, as a model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, NamedTuple

from specc import ir
from specc.emitters import code
from specc.emitters.python import layout
from specc.emitters.python.model import (
    RESERVED_MEMBERS,
    Names,
    PyTypes,
    PyValues,
    fields_of,
    members,
    py_string,
)

#: Names the generated test module defines or imports: an argument variable of
#: the same name would shadow them.
TEST_NAMES = RESERVED_MEMBERS | frozenset(
    """result raised pytest contextlib copy dataclasses enum math os signal types
    typing""".split()
)


class PyArgument(NamedTuple):
    """One argument of a test's call, bound to a variable when the call could change it."""

    name: str
    """The variable, or empty when the value is passed inline (it cannot change)."""
    annotation: str
    value: layout.Expr


class PyTest(NamedTuple):
    """One example as a pytest function."""

    name: str
    title: str
    rule: str
    method: str
    arguments: tuple[PyArgument, ...]
    check: Literal["equals", "raises"]
    """Whether the result is compared, or an error is expected."""
    expected: layout.Expr | None = None
    tolerance: str = ""
    """For `~=`: the tolerance of every float in the result."""
    error: str = ""
    fields: tuple[tuple[str, layout.Expr], ...] = ()
    """Fields of a raised error to check: (attribute, value)."""

    @property
    def call(self) -> layout.Expr:
        """Return the call of the implementation, such as `_IMPL.area(shape)`."""
        args = [layout.Atom(a.name) if a.name else a.value for a in self.arguments]
        return layout.call(f"_IMPL.{self.method}", args)

    @property
    def calling(self) -> layout.Expr:
        """Return the context of the call: `_calling("rule", shape=shape)`, with the
        error an example expects after the rule: `_calling("rule", Error)`."""
        watched = [layout.Item(f"{a.name}=", layout.Atom(a.name)) for a in self.watched]
        expected = [layout.Atom(self.error)] if self.check == "raises" else []
        return layout.call(
            "_calling", [layout.Atom(py_string(self.rule)), *expected, *watched]
        )

    def expect(self, actual: str, expected: layout.Expr, path: str = "") -> layout.Expr:
        """Return the check of a result or error field: `_expect(result, 3)`."""
        args: list[layout.Expr | layout.Item] = [layout.Atom(actual), expected]
        if path:
            args.append(layout.Atom(py_string(path)))
        if self.tolerance and not path:
            args.append(layout.Item("tolerance=", layout.Atom(self.tolerance)))
        return layout.call("_expect", args)

    @property
    def watched(self) -> tuple[PyArgument, ...]:
        """Return the arguments the test checks are unchanged after the call."""
        return tuple(a for a in self.arguments if a.name)


def test_function(
    test: PyTest, lines: layout.Layout, doc: Callable[[str, int], str]
) -> str:
    """Return one test function as the tests template's `tests` block writes it,
    two blank lines first: built here, one call a test, where the template's
    loop made a dozen calls from Jinja for each."""
    fit, line = lines.statement, lines.line
    out = ["\n\n", line(f"def {test.name}() -> None:"), "\n    ", doc(test.title, 1)]
    for arg in test.watched:
        out += ["\n    ", fit(f"{arg.name}: {arg.annotation} = ", arg.value, "", 1)]
    if test.check == "raises":
        raised = " as raised" if test.fields else ""
        out += [
            "\n    ",
            line(f"with pytest.raises({test.error}){raised}:", 1),
            "\n        ",
            fit("with ", test.calling, ":", 2),
            "\n            ",
            fit("result = ", test.call, "", 3),
            "\n        ",
            line(f"_not_raised({test.error}, result)", 2),
        ]
        for attr, value in test.fields:
            check = test.expect(f"raised.value.{attr}", value, f"error.{attr}")
            out += ["\n    ", fit("", check, "", 1)]
    else:
        assert test.expected is not None  # a compared result
        out += [
            "\n    ",
            fit("with ", test.calling, ":", 1),
            "\n        ",
            fit("result = ", test.call, "", 2),
            "\n    ",
            fit("", test.expect("result", test.expected), "", 1),
        ]
    out.append("\n")
    return "".join(out)


class Mutability:
    """Answers whether a value can be changed in place: whether it can hold a list or map."""

    def __init__(self, spec: ir.Spec) -> None:
        self.spec = spec
        self.known: dict[str, bool] = {}
        self.by_type: dict[int, tuple[ir.TypeRef, bool]] = {}

    def __call__(self, ref: ir.TypeRef) -> bool:
        if ref.kind in ("list", "map"):
            return True
        if ref.kind == "optional":
            return self(ref.args[0])
        if ref.kind == "named":
            return self.named(ref)
        return False

    def value(self, value: ir.Value) -> bool:
        """Return whether an argument's value can change (a circle of a shape cannot)."""
        if isinstance(value, ir.VariantValue):
            named = value.type.args[0] if value.type.kind == "optional" else value.type
            decl = self.spec.declaration(named)
            assert isinstance(decl, ir.Variant)
            tag = next(t for t in decl.tags if t.name == value.tag)
            return any(self(f.type) for f in tag.fields)
        if value.kind == "none":
            return False
        # by type node (shared among values): what `named` knows never changes
        # once a call has returned, so neither does the answer
        found = self.by_type.get(id(value.type))
        if found is None or found[0] is not value.type:
            found = self.by_type[id(value.type)] = (value.type, self(value.type))
        return found[1]

    def named(self, ref: ir.TypeRef) -> bool:
        """Return whether a declaration's values can change (cycles count as no)."""
        name = str(ref) if code.foreign(self.spec, ref) else str(ref.name)
        if name not in self.known:
            self.known[name] = False
            decl = self.spec.declaration(ref)
            refs: list[ir.TypeRef] = []
            if isinstance(decl, ir.Alias):
                refs = [decl.target]
            elif isinstance(decl, ir.Record):
                refs = [f.type for f in decl.fields]
            elif isinstance(decl, ir.Variant):
                refs = [f.type for tag in decl.tags for f in tag.fields]
            self.known[name] = any(self(r) for r in refs)
        return self.known[name]


class TestsModel:
    """Builds the test of every example of one spec."""

    def __init__(self, spec: ir.Spec, names: Names, value: PyValues) -> None:
        self.spec = spec
        self.names = names
        self.value = value
        self.type = PyTypes(spec, lambda name: value._use(names.types[name]), names)
        self.mutable = Mutability(spec)
        self.functions = {f.name: f for f in spec.functions}
        self.decls = {t.name: t for t in spec.types}
        self.parameters: dict[str, list[tuple[str, str]]] = {}
        """The argument variable and annotation of each function's parameters."""

    def tests(self) -> list[PyTest]:
        """Return the test of every example, in source order."""
        return [self.test(case) for case in code.cases(self.spec)]

    def arguments(
        self, fn: ir.Function, args: list[ir.Value]
    ) -> tuple[PyArgument, ...]:
        """Return the call's arguments; those a call could change get a variable."""
        params = self.parameters.get(fn.name)
        if params is None:
            local = members([p.name for p in fn.params], TEST_NAMES)
            params = self.parameters[fn.name] = [
                (local[p.name], self.type(p.type)) for p in fn.params
            ]
        return tuple(
            PyArgument(
                name if self.mutable.value(a) else "", annotation, self.value.expr(a)
            )
            for (name, annotation), a in zip(params, args, strict=True)
        )

    def test(self, case: code.Case) -> PyTest:
        """Return the test of one example."""
        e = case.example
        fn = self.functions[e.function]
        name, title = self.names.tests[case.title], case.title
        method, arguments = self.names.methods[fn.name], self.arguments(fn, e.args)
        if e.raises is not None:
            decl = self.decls[e.raises.error]
            assert isinstance(decl, ir.Error)
            attrs = fields_of(decl)
            checks = tuple(
                (attrs[f.name], self.value.expr(f.value)) for f in e.raises.fields
            )
            error = self.value._use(self.names.types[e.raises.error])
            return PyTest(
                name,
                title,
                case.rule,
                method,
                arguments,
                "raises",
                error=error,
                fields=checks,
            )
        assert e.result is not None
        expected = self.value.expr(e.result)
        tolerance = ""
        if e.expect == "approx":
            tolerance = layout.number(code.float_literal(e.tolerance or 1e-6))
        return PyTest(
            name, title, case.rule, method, arguments, "equals", expected, tolerance
        )
