"""The Rust target: a Cargo crate with types, a trait, a scaffold and `#[test]` conformance tests.

Operations borrow what they only read (`&str`, `&[T]`, `&[u8]`, `&T`, `Option<&T>`),
take `Copy` scalars and enums by value, and move in only the first argument whose
type is the result's, which they return changed; so an implementation that edits
an argument in place does not compile. `ownership` holds the rule and why.

The emitter only gathers the crate's parts: `crate` (the files, the manifest),
`types_file` (types.rs), `trait` (api.rs and the scaffold), `tests_file`
(tests/conformance.rs); `model` names and types things, `values` makes
values into expressions, `layout` prints them as rustfmt would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from specc import ir
from specc.diagnostics import Diagnostic
from specc.emitters import code, packages
from specc.emitters.base import EmitContext, OutputFile, header, spec_source_name
from specc.emitters.rust.comments import comment_text, doc
from specc.emitters.rust.crate import (
    DATA_MODEL_FILES,
    FILES,
    all_refs,
    cargo_dependency,
    cargo_version,
    has_float_default,
    toml_string,
    uses_types,
)
from specc.emitters.rust.model import (
    Names,
    RsTypes,
    TypeFacts,
    rust_string,
)
from specc.emitters.rust.surrogates import surrogate_problems
from specc.emitters.rust.tests_file import TestsFile
from specc.emitters.rust.trait import methods
from specc.emitters.rust.types_file import TypesFile
from specc.emitters.rust.values import RsValues

_CRATE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class RustEmitter(code.CodeEmitter):
    """Emit one Cargo crate per spec that declares types or functions."""

    name = "rust"
    description = "Rust crate: types, a trait, a scaffold, #[test] conformance tests"

    class Options(packages.PackageOptions):
        """Options of the Rust target."""

    def package(self, ctx: EmitContext, spec: ir.Spec) -> Iterable[OutputFile]:
        """Return the files of one spec's crate."""
        root = code.package_dir(spec)
        crate = packages.checked_name(
            ctx, spec, "rust", _CRATE_NAME.fullmatch, "a crate name"
        )
        names = Names(spec, crate, ctx.used.setdefault("rust.names", {}))
        renamed = packages.used_names(ctx.options, spec, _CRATE_NAME.fullmatch)
        deps = packages.declared(ctx.options, spec, "rust", ctx.diagnostics)
        ctx.diagnostics += packages.clash(
            spec, "rust", {names.crate}, deps, "rust.package"
        )
        facts = TypeFacts(spec, names, ctx.used.setdefault("rust.facts", {}))
        types = RsTypes(spec, names, facts)
        problems: list[Diagnostic] = surrogate_problems(spec)
        values = RsValues(spec, names, facts, problems)
        context = dict(
            spec=spec,
            header=header(spec),
            scaffold_header=header(spec, "scaffold"),
            source=spec_source_name(spec),
            names=names,
            version=cargo_version(spec.version),
            dependencies=[
                (names.of(i.id).crate, code.package_dir(i), renamed.get(i.id))
                for i in spec.interfaces
            ],
            description=toml_string(comment_text(spec.summary or spec.title)),
            decls=TypesFile(spec, names, facts, types, values).decls(),
            methods=methods(spec, names, facts, types),
            uses_types=uses_types(spec),
            btreemap=any(r.kind == "map" for r in all_refs(spec)),
            float_defaults=has_float_default(spec),
            tests=TestsFile(spec, names, facts, types, values).render(),
            doc=doc,
            comment=comment_text,
            literal=rust_string,
            declared=[cargo_dependency(n, v) for n, v in deps.items()],
        )
        render = ctx.render
        operations = code.has_operations(spec)
        for path, template in FILES if operations else DATA_MODEL_FILES:
            text = render(f"rust/{template}", **context)
            manifest = packages.table("rust", spec) if path == "Cargo.toml" else None
            yield OutputFile(f"{root}/{path}", text, settings=manifest)
        ctx.diagnostics.extend(dict.fromkeys(problems))
        if not operations:  # a data model: its types, no trait to implement
            return
        yield OutputFile(
            f"{root}/src/implementation.rs",
            render("rust/implementation.rs.jinja", **context),
            kind="scaffold",
            symbols=tuple(
                (spec.path, f.name, f"fn {names.methods[f.name]}(")
                for f in spec.functions
            ),
        )
