"""The body of a crate's tests/conformance.rs: wrappers, helpers and one test per example."""

from __future__ import annotations

from functools import cached_property

from specc import ir
from specc.emitters import code
from specc.emitters.properties import terms
from specc.emitters.rust import layout
from specc.emitters.rust.comments import allow, comment_text
from specc.emitters.rust.model import (
    RESULT_LARGE_ERR,
    rust_string,
)
from specc.emitters.rust.ownership import Parameters, passing
from specc.emitters.rust.part import CratePart
from specc.emitters.rust.properties import RustProperties
from specc.emitters.rust.signature import Signature


class TestsFile(CratePart):
    """Builds the body of tests/conformance.rs: wrappers, helpers and one test per example."""

    @cached_property
    def parameters(self) -> Parameters:
        """Return how each function's parameters are passed (by value or reference)."""
        return Parameters(self.spec, self.type)

    def wrapper(self, fn: ir.Function) -> str:
        """Return the free function a test calls: the operation of a fresh implementation."""
        params = self.names.params[fn.name]
        typed = [f"{params[p.name]}: {self.type(p.type)}" for p in fn.params]
        name = self.names.wrappers[fn.name]
        lints = ["clippy::too_many_arguments"] if len(typed) > 7 else []
        if fn.raises and self.facts.error_size() >= RESULT_LARGE_ERR:
            lints.append("clippy::result_large_err")
        sig = Signature(f"fn {name}", typed, self.type.returns(fn), " {")
        how = passing(self.spec, fn)
        args = [
            self.parameters.argument(params[p.name], p.type, how[p.name])
            for p in fn.params
        ]
        call = layout.Call(
            f"{self.names.api}::{self.names.methods[fn.name]}",
            (
                layout.Atom(f"&{self.names.impl}::default()", simple=False),
                *(layout.Atom(a, simple="." not in a) for a in args),
            ),
        )
        timed = layout.Call("within_time!", (call,), macro=True)
        return f"{allow(lints)}{sig.render(0)}\n{layout.statement(timed, 4, '')}\n}}\n"

    def test(self, case: code.Case) -> tuple[str, str]:
        """Return the helper the test uses and the text of the test."""
        e = case.example
        fn = self.spec.function(e.function)
        assert fn is not None
        case_title = case.title  # a property: made anew on each use
        title = layout.Atom(rust_string(case_title))
        call = layout.Call(
            self.names.wrappers[fn.name], tuple(self.value(a) for a in e.args)
        )
        lines = [layout.assign("let got =", call, 4)]
        got = layout.Atom("got")
        if e.raises is not None:
            helper = "expect_error"
            check = layout.Call(
                "expect_error!", (got, self.value.error(e.raises), title), macro=True
            )
        else:
            assert e.result is not None
            lines.append(layout.assign("let want =", self.value(e.result), 4))
            want = layout.Atom("want")
            if e.expect == "approx":
                helper = "expect_close_ok" if fn.raises else "expect_close"
                tolerance = layout.Atom(code.float_literal(e.tolerance or 1e-6))
                check = layout.Call(helper, (got, want, tolerance, title))
            else:
                helper = "expect_ok" if fn.raises else "expect_eq"
                check = layout.Call(helper, (got, want, title))
        lines.append(layout.statement(check, 4))
        name = self.names.tests[case_title]
        text = (
            f"// {comment_text(case_title)}\n#[test]\nfn {name}() {{\n"
            + "\n".join(lines)
            + "\n}\n"
        )
        return helper, text

    def render(self) -> dict[str, object]:
        """Return what the template needs: wrappers, tests and the helpers they use."""
        built = [self.test(c) for c in code.cases(self.spec)]
        used = {h for h, _ in built}
        called = {e.function for e in self.spec.examples()}
        called |= {
            t.function
            for p in self.spec.properties()
            for check in [*p.where, p.check]
            for t in terms(check)
            if isinstance(t, ir.CallTerm)
        }
        properties = RustProperties(
            self.spec, self.names, self.facts, self.type, self.value
        ).render()
        return dict(
            **properties,
            wrappers=[self.wrapper(f) for f in self.spec.functions if f.name in called],
            tests=[t for _, t in built],
            helpers=used,
            close="expect_close" in used or "expect_close_ok" in used,
        )
