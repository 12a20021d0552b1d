"""The Python target: a package with dataclass types, a Protocol, a scaffold and pytest tests."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from specc import ir
from specc.emitters import code, packages
from specc.emitters.base import (
    EmitContext,
    OutputFile,
    Pieces,
    Streamed,
    drain,
    header,
    spec_source_name,
)
from specc.emitters.properties import CASES
from specc.emitters.python import layout
from specc.emitters.python.model import (
    KEYWORDS,
    PYTHON,
    Names,
    PyTypes,
    PyValues,
    TypesModel,
    distribution,
    docstring_body,
    members,
    named_in,
    pep440,
    py_string,
    toml_string,
)
from specc.emitters.python.properties import PropertiesModel
from specc.emitters.python.testsuite import PyTest, TestsModel, test_function


class PythonEmitter(code.CodeEmitter):
    """Emit one installable, black-formatted Python package per spec that declares types or functions."""

    name = "python"
    description = (
        "Python package: dataclasses, a Protocol, a scaffold, pytest conformance tests"
    )

    class Options(packages.PackageOptions):
        """Options of the Python target."""

        pytest: str = ">=8"
        """Version range of pytest in the package's `test` extra."""
        python: str | None = None
        """The interpreter (or virtual environment) `specc test` runs the tests
        in, after installing the package and its dependencies there; default:
        specc's own."""

    def package(self, ctx: EmitContext, spec: ir.Spec) -> Iterable[OutputFile]:
        """Return the files of one spec's package."""
        root = code.package_dir(spec)
        module = packages.checked_name(
            ctx, spec, "python", _is_module, "a Python module name"
        )
        names = Names(
            spec,
            module,
            packages.used_names(ctx.options, spec, _is_module),
            ctx.used.setdefault("python.names", {}),
        )
        deps = packages.declared(ctx.options, spec, "python", ctx.diagnostics)
        dist = distribution(names.module)
        ctx.diagnostics += packages.clash(
            spec, "python", {names.module, dist}, deps, "python.package"
        )
        model = TypesModel(spec, names)
        decls = model.decls()
        test_values = PyValues(spec, names)
        tests_model = TestsModel(spec, names, test_values)
        tests = tests_model.tests()
        properties_model = PropertiesModel(spec, names, test_values)
        properties = properties_model.properties()
        declared = properties_model.declared()
        used = [names.of(i.id) for i in spec.interfaces]
        context = dict(
            spec=spec,
            header=header(spec),
            scaffold_header=header(spec, "scaffold"),
            source=spec_source_name(spec),
            names=names,
            decls=decls,
            signature_types=signature_types(spec, names),
            signature_imports=names.foreign_imports(foreign_classes(spec, names)),
            declared_imports=names.foreign_imports(
                model.type.imported | model.value.imported
            ),
            test_foreign_imports=names.foreign_imports(
                test_values.imported | tests_model.type.imported
            ),
            dependencies=[distribution(u.module) for u in used]
            + [packages.requirement(n, str(v)) for n, v in deps.items()],
            source_paths=["src"]
            + [f"../{code.package_dir(i)}/src" for i in spec.interfaces],
            raised=sorted({names.types[e] for f in spec.functions for e in f.raises}),
            test_imports=sorted(test_values.used),
            tests=tests,
            properties=properties,
            declared=declared,
            cases=CASES,
            type=model.type,
            options=ctx.options,
            distribution=dist,
            version=pep440(spec.version),
            python=PYTHON,
            normative=lambda rule: code.normative(spec, rule),
            literal=py_string,
            toml=toml_string,
            wrap=layout.wrap,
            parameters=lambda fn: parameters(fn, model.type),
        )
        src = f"{root}/src/{names.module}"
        pyproject = f"{root}/pyproject.toml"
        manifest = packages.table("python", spec)
        for path, template in FILES if spec.functions else FILES[:3]:
            path = path.format(root=root, src=src)
            render = partial(self.render, ctx, template, path, context)
            if path == pyproject:  # read whole when compared: it may be edited
                yield OutputFile(path, _joined(render()), settings=manifest)
            else:
                yield Streamed(path, render=render)
        yield OutputFile(f"{src}/py.typed", "")
        if not spec.functions:  # a data model: its types, no API to implement
            return
        impl = f"{src}/implementation.py"
        yield OutputFile(
            impl,
            _joined(self.render(ctx, "implementation.py.jinja", impl, context)),
            kind="scaffold",
            symbols=tuple(
                (spec.path, f.name, f"def {names.methods[f.name]}(")
                for f in spec.functions
            ),
        )

    def render(
        self, ctx: EmitContext, template: str, path: str, context: dict[str, object]
    ) -> Pieces:
        """Render one file laid out as black would, part by part (`Streamed`: the
        tests of 10 000 records are 27 MB); run black where the layout is unsure.

        The built-in templates lay out every statement through `python_layout`,
        so black runs only on what it cannot vouch for (the whole text goes
        through black once its layout turns out unsure: the `Fix` returned), and
        on files a user's template override renders.
        """
        name = f"python/{template}"
        lines = layout.Layout()
        parts = ctx.stream(name, **context, **layout_helpers(lines))
        python = path.endswith(".py")
        if python and not _is_builtin(ctx, name):
            yield black("".join(parts), path)
            return None
        yield from parts
        return partial(black, path=path) if python and lines.unsure else None


def _joined(pieces: Pieces) -> str:
    """Return a file's text whole (black applied if its layout asks)."""
    parts: list[str] = []
    fix = drain(pieces, parts.append)
    text = "".join(parts)
    return text if fix is None else fix(text)


def _is_module(name: str) -> bool:
    return name.isidentifier() and name not in KEYWORDS


#: A docstring's text that black and `docstring_body` leave as it is, stripped:
#: one line of printable ASCII without backslashes or three quotes in a row,
#: neither starting nor ending with a quote (an example's test title, mostly).
_PLAIN_DOC = re.compile(r'(?!\s*")(?!.*"""|.*"\s*$)[ -\[\]-~]*')


def layout_helpers(lines: layout.Layout) -> dict[str, object]:
    """Return the template functions that lay out one file's statements."""

    def doc(text: str, depth: int | None = None) -> str:
        if depth is not None and _PLAIN_DOC.fullmatch(text):
            return f'"""{text.strip()}"""'  # what the long way makes of it
        body = docstring_body(text)
        if depth is None:  # not in a docstring's place: black leaves it as it is
            return f'"""{body}"""'
        return lines.docstring(body, depth)

    def test_functions(tests: Iterable[PyTest]) -> str:
        """Return the test functions of the tests template's `tests` block."""
        return "".join([test_function(test, lines, doc) for test in tests])

    return dict(
        test_functions=test_functions,
        docstring=doc,
        fit=lines.statement,
        line=lines.line,
        imports=lines.imports,
        signature=lines.signature,
        call=layout.call,
        atom=layout.Atom,
        item=layout.Item,
    )


def _is_builtin(ctx: EmitContext, name: str) -> bool:
    """Return whether a template is specc's own (not a user's override of it)."""
    from specc.templating import builtin_templates

    filename = ctx.env.get_template(name).filename or ""
    return Path(filename).resolve().is_relative_to(builtin_templates().resolve())


#: The generated files of a package and their templates (under `python/`).
FILES = (
    ("{root}/pyproject.toml", "pyproject.toml.jinja"),
    ("{src}/__init__.py", "__init__.py.jinja"),
    ("{src}/types.py", "types.py.jinja"),
    ("{src}/api.py", "api.py.jinja"),
    ("{root}/tests/test_conformance.py", "test_conformance.py.jinja"),
)


def parameters(fn: ir.Function, type: PyTypes) -> list[str]:
    """Return a method's parameters after `self`: `name: annotation`."""
    names = members([p.name for p in fn.params])
    return [f"{names[p.name]}: {type(p.type)}" for p in fn.params]


def signature_types(spec: ir.Spec, names: Names) -> list[str]:
    """Return the types and aliases the functions' signatures name, sorted."""
    refs = [p.type for f in spec.functions for p in f.params]
    refs += [f.returns for f in spec.functions]
    return sorted({names.types[n] for ref in refs for n in named_in(ref)})


def foreign_classes(spec: ir.Spec, names: Names) -> set[tuple[str, str]]:
    """Return (spec ID, class) of the other specs' types the functions' signatures name."""
    found = set()
    stack = list(code.signature_types(spec))
    while stack:
        ref = stack.pop()
        other = code.foreign(spec, ref) if ref.kind == "named" else None
        if other is not None:
            found.add((other, names.of(other).types[str(ref.name)]))
        stack.extend(ref.args)
    return found


def black(source: str, path: str) -> str:
    """Return Python source formatted as `black --check` expects (black loads lazily)."""
    import black as formatter
    from black.mode import TargetVersion
    from black.parsing import InvalidInput

    mode = formatter.Mode(
        target_versions={TargetVersion[PYTHON.upper()]}, line_length=88
    )
    try:
        return formatter.format_str(source, mode=mode)
    except InvalidInput as error:  # only a broken template override
        raise ValueError(f"{path} is not valid Python: {error}") from error
