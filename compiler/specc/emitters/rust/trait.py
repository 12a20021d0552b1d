"""The operations of a crate's trait (api.rs) and its scaffold (implementation.rs)."""

from __future__ import annotations

import re

from specc import ir
from specc.emitters import code
from specc.emitters.rust.comments import allow, bullet, comment_text
from specc.emitters.rust.model import (
    RESULT_LARGE_ERR,
    Names,
    RsTypes,
    TypeFacts,
    rust_string,
)
from specc.emitters.rust.ownership import Parameters, passing
from specc.emitters.rust.signature import Signature


def methods(
    spec: ir.Spec, names: Names, facts: TypeFacts, types: RsTypes
) -> list[dict[str, object]]:
    """Return each operation's docs and its signature in the trait and the scaffold."""
    found = []
    large = facts.error_size() >= RESULT_LARGE_ERR
    parameters = Parameters(spec, types)
    for fn in spec.functions:
        params, how = names.params[fn.name], passing(spec, fn)
        typed = [
            f"{params[p.name]}: {parameters.type(p.type, how[p.name])}"
            for p in fn.params
        ]
        lints = []
        if len(typed) + 1 > 7:
            lints.append("clippy::too_many_arguments")
        if fn.raises and large:
            lints.append("clippy::result_large_err")
        method = names.methods[fn.name]
        if re.match(r"(into|from)_|(is|to|as)_", method):
            lints.append("clippy::wrong_self_convention")
        if method in ("new", "len", "is_empty"):
            lints += [
                "clippy::new_ret_no_self",
                "clippy::len_without_is_empty",
                "clippy::wrong_self_convention",
            ]
        returns = types.returns(fn)
        head = f"fn {method}"
        found.append(
            dict(
                fn=fn,
                rule=fn.rule or spec.id,
                name=method,
                bullets=[
                    line for s in code.normative(spec, fn.rule) for line in bullet(s, 4)
                ],
                raises=[
                    (names.error_enum, names.errors[e], _error_doc(spec, e))
                    for e in fn.raises
                ],
                allow=allow(sorted(set(lints)), 4),
                trait=Signature(head, ["&self", *typed], returns).render(4),
                scaffold=Signature(
                    head, ["&self", *("_" + t for t in typed)], returns, " {"
                ).render(4),
                todo=rust_string("not implemented: rule " + (fn.rule or spec.id))
                .replace("{", "{{")
                .replace("}", "}}"),
            )
        )
    return found


def _error_doc(spec: ir.Spec, name: str) -> str:
    """Return an error's doc on one line, for the `# Errors` list of an operation."""
    decl = spec.type(name)
    text = decl.doc if decl is not None else ""
    return comment_text(" ".join(text.split())) if text else ""
