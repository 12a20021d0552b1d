"""The code and docs targets' shortcuts give what the long way gives.

Each shortcut here (a walk skipped, a result remembered by node, a Jinja filter
chain as one Python call) is compared with the way it replaced, on the example
specs, the multi-spec project and the hostile specs, and on nodes made afresh
so that a remembered identity cannot answer for another node.
"""

from __future__ import annotations

import copy
import gc
import random
from collections.abc import Iterable
from itertools import chain
from pathlib import Path
from typing import Any

import pytest
from spec_sets import every_spec, example_values, field_owners, fields_of

from specc import ir
from specc.emitters import code


@pytest.fixture(scope="module")
def specs(tmp_path_factory: pytest.TempPathFactory) -> list[ir.Spec]:
    """Every spec of the examples, the project (specs that use others) and hostile/."""
    return every_spec(tmp_path_factory.mktemp("out"))


# --- ts -------------------------------------------------------------------------


def _walked_imports(
    spec: ir.Spec, names: dict[str, str], refs: Iterable[ir.TypeRef]
) -> list[str]:
    """`namespace_imports` without its shortcut: every ref walked."""
    from specc.emitters.ts.emitter import ts_namespace

    return [
        f"import type * as {ts_namespace(used.id)} from "
        f"{code.string_literal(names[used.id])};"
        for used in code.used_in_order(spec, code.specs_named(refs))
    ]


def test_ts_namespace_imports_match_the_full_walk(specs: list[ir.Spec]) -> None:
    """A spec that uses none has no imports; one that does gets those its
    examples' values name (checkout's tests import billing for a value)."""
    from specc.emitters.ts.emitter import namespace_imports

    seen_with_imports = set()
    for spec in specs:
        names = {i.id: f"pkg-{i.id}" for i in spec.interfaces}

        def refs(spec: ir.Spec = spec) -> Iterable[ir.TypeRef]:
            return chain(code.signature_types(spec), code.example_types(spec))

        made = namespace_imports(spec, names, refs())
        assert made == _walked_imports(spec, names, refs()), spec.id
        if made:
            seen_with_imports.add(spec.id)
    assert "checkout" in seen_with_imports


def test_ts_types_and_optionals_are_remembered_by_node_not_by_id(
    specs: list[ir.Spec],
) -> None:
    """Remembered by identity, checked: types made afresh (whose ids a freed node's
    may take) map as a fresh mapper maps them."""
    from specc.emitters.ts.emitter import TsTypes, optional_types, ts_name

    for spec in specs:
        refs = [f.type for f in fields_of(spec)] + list(code.signature_types(spec))
        remembering, optional = TsTypes(spec, ts_name), optional_types(spec)
        for _ in range(3):
            copies = [copy.deepcopy(r) for r in refs]
            for ref in copies:
                assert remembering(ref) == TsTypes(spec, ts_name)(ref)
                assert optional(ref) == code.is_optional(spec, ref)
            del copies
            gc.collect()


def test_ts_defaults_test_is_jinjas_selectattr(specs: list[ir.Spec]) -> None:
    """`defaults(t.fields)` is what `t.fields | selectattr("default") | list` was."""
    from specc.emitters.ts.emitter import has_defaults
    from specc.templating import environment

    filtered = environment().from_string(
        '{{ "yes" if fields | selectattr("default") | list else "no" }}'
    )
    seen = set()
    for spec in specs:
        for owner in field_owners(spec):
            jinja = filtered.render(fields=owner.fields) == "yes"
            assert has_defaults(owner.fields) is jinja
            seen.add(jinja)
    assert seen == {True, False}


# --- python ---------------------------------------------------------------------


def test_python_values_remember_each_types_class_as_made_afresh(
    specs: list[ir.Spec],
) -> None:
    """One renderer for every value (classes and field names remembered per type)
    writes each value, and collects the classes and imports, as a renderer made
    for that value alone does; another spec's types too (checkout's billing)."""
    from specc.emitters.python.model import Names, PyValues

    foreign = set()
    for spec in specs:
        names = Names(spec)
        shared = PyValues(spec, names)
        used: set[str] = set()
        imported: set[tuple[str, str]] = set()
        for value in example_values(spec):
            alone = PyValues(spec, names)
            assert str(shared.expr(value)) == str(alone.expr(value))
            used |= alone.used
            imported |= alone.imported
        assert (shared.used, shared.imported) == (used, imported), spec.id
        foreign |= {s for s, _ in imported}
    assert "billing" in foreign


def test_python_values_dispatch_each_kind_to_its_render_method(
    specs: list[ir.Spec],
) -> None:
    """`PyValues.expr` calls `render_<kind>` for every kind of value, nested ones too."""
    from specc.emitters.python.model import Names, PyValues

    kinds = set()
    for spec in specs:
        names = Names(spec)
        values, stack = PyValues(spec, names), example_values(spec)
        while stack:
            value = stack.pop()
            kinds.add(value.kind)
            render = getattr(PyValues(spec, names), f"render_{value.kind}")
            assert str(values.expr(value)) == str(render(value))
            stack += getattr(value, "items", [])
            stack += [f.value for f in getattr(value, "fields", [])]
            stack += [
                x for e in getattr(value, "entries", []) for x in (e.key, e.value)
            ]
    assert kinds >= {"int", "string", "list", "record", "variant", "enum", "none"}


def test_python_types_remembered_by_node_as_made_afresh(specs: list[ir.Spec]) -> None:
    """Annotations remembered by type node are what a fresh mapper makes of each
    node, copies made afresh too (whose ids a freed node's may take), and name
    the same other specs' classes (checkout's billing)."""
    from specc.emitters.python.model import Names, PyTypes

    foreign = set()
    for spec in specs:
        names = Names(spec)
        refs = [f.type for f in fields_of(spec)] + list(code.signature_types(spec))
        remembering = PyTypes(spec, names.types.__getitem__, names)
        imported: set[tuple[str, str]] = set()
        for _ in range(3):
            copies = [copy.deepcopy(r) for r in [*refs, *refs]]
            for ref in copies:
                fresh = PyTypes(spec, names.types.__getitem__, names)
                assert remembering(ref) == fresh(ref)
                imported |= fresh.imported
            del copies
            gc.collect()
        assert remembering.imported == imported, spec.id
        foreign |= {s for s, _ in imported}
    assert "billing" in foreign


def test_python_mutability_remembered_by_type_node(specs: list[ir.Spec]) -> None:
    """Whether an argument can change, remembered per type node, is what the same
    questions asked in the same order without the memo answer."""
    from specc.emitters.python.testsuite import Mutability

    answers = set()
    for spec in specs:
        remembering, asking = Mutability(spec), Mutability(spec)
        for example in spec.examples():
            for value in example.args:
                if isinstance(value, ir.VariantValue):
                    continue  # by its case's fields, not by its type
                expected = value.kind != "none" and asking(value.type)
                assert remembering.value(value) is expected
                answers.add(expected)
    assert answers == {True, False}


def test_python_test_arguments_are_named_per_function_as_per_test(
    specs: list[ir.Spec],
) -> None:
    """The variables and annotations worked out once per function are those each
    test of it worked out for itself."""
    from specc.emitters.python.model import Names, PyTypes, PyValues, members
    from specc.emitters.python.testsuite import TEST_NAMES, TestsModel

    checked = 0
    for spec in specs:
        names = Names(spec)
        model = TestsModel(spec, names, PyValues(spec, names))
        for test, case in zip(model.tests(), code.cases(spec), strict=True):
            fn = spec.function(case.example.function)
            assert fn is not None
            local = members([p.name for p in fn.params], TEST_NAMES)
            types = PyTypes(spec, names.types.__getitem__, names)
            for argument, param, value in zip(
                test.arguments, fn.params, case.example.args, strict=True
            ):
                assert argument.annotation == types(param.type)
                assert argument.name in ("", local[param.name])
                assert bool(argument.name) is model.mutable.value(value)
            checked += 1
    assert checked > 20


# --- docs -----------------------------------------------------------------------


def _declaration_blocks(spec: ir.Spec) -> list[ir.Declarations]:
    blocks = [*spec.preamble, *(b for s in spec.walk() for b in s.content)]
    return [b for b in blocks if isinstance(b, ir.Declarations)]


def test_docs_declarations_remember_tokens_and_gaps_by_text(
    specs: list[ir.Spec],
) -> None:
    """A page that has rendered every block renders each as a fresh page does: a
    token's HTML depends on its text alone (its kind too), as does a gap's."""
    from specc.emitters.docs.page import _DECL_TOKEN, SpecPage

    kinds: dict[str, str | None] = {}
    for spec in specs:
        page = SpecPage(spec)
        for block in _declaration_blocks(spec):
            assert page.declarations(block) == SpecPage(spec).declarations(block)
            for match in _DECL_TOKEN.finditer(block.source):
                assert (
                    kinds.setdefault(match.group(), match.lastgroup) == match.lastgroup
                )
    assert {"doc", "word", "string"} <= set(kinds.values())


def test_docs_documented_fields_are_jinjas_selectattr(specs: list[ir.Spec]) -> None:
    """`documented(fields)` is what `fields | selectattr("doc") | list` was."""
    from specc.emitters.docs.page import documented
    from specc.templating import environment

    filtered = environment().from_string(
        '{{ fields | selectattr("doc") | map(attribute="name") | join(",") }}'
    )
    seen = set()
    for spec in specs:
        for owner in field_owners(spec):
            names = ",".join(f.name for f in documented(owner.fields))
            assert names == filtered.render(fields=owner.fields)
            seen.add(bool(names))
    assert seen == {True, False}


_ODD = [
    *["MUST", "SHOULD NOT", "MAY", "MUST  NOT", " ", "\t", "'", '"', ".", ",", "?"],
    *["(", ")", "..", "(c)", "(Tm)", ",,", "????", "\u00a0", "é", "→", "`", "``"],
    *["*", "_", "<", ">", "&", "\x00", "\r", "\n", "#", "-", "|", "1.", "~", "[^1]"],
    *["[", "]", "\\", "!", "+", "=", ":", "@", "\u2028", "\x0b", "\u3000", "/"],
]


def _paragraph_like(rng: random.Random) -> str:
    """Return text near the fast path's edge: words, spans, odd characters."""

    def word() -> str:
        plain = ["a", "Rec0", "tags", "keep", "MUST", "NOT", "x1", "SHOULD"]
        return rng.choice(plain) if rng.random() < 0.6 else rng.choice(_ODD)

    parts = [rng.choice("AbZq")]
    for _ in range(rng.randint(0, 8)):
        roll = rng.random()
        if roll < 0.5:
            parts.append(" " + word())
        elif roll < 0.8:
            span = "".join(word() for _ in range(rng.randint(1, 3)))
            parts.append(" `" + span + "`")
        else:
            parts.append(word())
    return "".join(parts) + rng.choice(["", "\n", "\n", " \n", "\n\n", "`"])


def test_docs_simple_paragraphs_render_as_the_parser_renders_them(
    specs: list[ir.Spec],
) -> None:
    """Prose the fast path takes renders, as HTML and as search text, exactly as
    markdown-it's tokens do: the corpora's prose and 20 000 made-up lines at the
    edge (spans side by side, unclosed, with spaces; replacements; odd spaces)."""
    from specc.emitters.docs import markdown as md

    env = md.PageEnv()
    rng = random.Random(23)
    texts = [_paragraph_like(rng) for _ in range(20_000)]
    for spec in specs:
        texts += [
            b.markdown
            for s in spec.walk()
            for b in s.content
            if isinstance(b, (ir.Prose, ir.Commentary))
        ]
    taken = 0
    for text in texts:
        runs = md.simple_paragraph(text)
        if runs is None:
            continue
        taken += 1
        tokens = md.parse(text, env)
        assert md.paragraph_html(runs) == md.render_tokens(tokens, env), text
        assert md.paragraph_text(runs) == md.plain_tokens(tokens), text
    assert taken > 4000


@pytest.mark.parametrize(
    "text",
    [
        "A `x``y` z\n",  # a run of two backticks inside: one span, `x``y`
        "A `x` `y`\n" "next line\n",  # two lines
        "A `x `\n",  # a span ending in a space
        "A b  \n",  # trailing spaces
        "A... b\n",  # a typographic replacement
        "A b\n\nC d\n",  # two paragraphs
        "# A\n",
        "1. A\n",
        "A *b*\n",
        "A\x00b\n",
    ],
)
def test_docs_fast_path_leaves_other_markdown_to_the_parser(text: str) -> None:
    from specc.emitters.docs.markdown import simple_paragraph

    assert simple_paragraph(text) is None


def test_docs_fast_path_takes_a_rule_paragraph() -> None:
    from specc.emitters.docs.markdown import simple_paragraph

    text = "A `Rec0` MUST keep its fields, and SHOULD NOT reorder `tags`.\n"
    assert simple_paragraph(text) == [
        ("text", "A "),
        ("code", "Rec0"),
        ("text", " MUST keep its fields, and SHOULD NOT reorder "),
        ("code", "tags"),
        ("text", "."),
    ]


def test_python_wrap_fills_as_textwrap_does() -> None:
    """The docstrings' greedy fill is `textwrap.fill` with the options it replaced,
    on 30 000 made-up texts: long words (alone on a line), words of exactly the
    width, hyphens, bullets, odd whitespace squeezed."""
    import textwrap

    from specc.emitters.python.layout import wrap

    rng = random.Random(41)
    words = ["a", "MUST", "keep", "x" * 30, "y" * 80, "-", "a-b", "é", "\u00a0"]
    words += ["\t", "\n", " ", "Rec0`", "--", "e.g.", "\u3000", "z" * 75, "w" * 74]
    for _ in range(30_000):
        text = "".join(
            rng.choice(words) + rng.choice(["", " ", "  ", "\n"])
            for _ in range(rng.randint(0, 30))
        )
        bullet = rng.choice(["", "- ", "   "])
        width = rng.choice([76, 20, 5, 88])
        expected = textwrap.fill(
            " ".join(text.split()),
            width=width,
            initial_indent=bullet,
            subsequent_indent=" " * len(bullet),
            break_long_words=False,
            break_on_hyphens=False,
        )
        assert wrap(text, bullet, width) == expected, (text, bullet, width)


def test_python_plain_docstrings_are_laid_out_as_the_long_way_lays_them(
    specs: list[ir.Spec],
) -> None:
    """A plain one-line docstring (a test's title) skips escaping and black's
    docstring rules: the same text, and the layout stays sure, for the corpora's
    titles and 50 000 made-up texts (quotes at either end, three in a row,
    backslashes, tabs, newlines, non-ASCII and control characters)."""
    from specc.emitters.python import layout
    from specc.emitters.python.emitter import _PLAIN_DOC, layout_helpers
    from specc.emitters.python.model import docstring_body

    rng = random.Random(7)
    chars = [*'ab "\\ \t\n', '"""', '""', "x" * 90, "é", "\x0b", "]", "#1:", "\x7f"]
    texts = [
        "".join(rng.choice(chars) for _ in range(rng.randint(0, 8)))
        for _ in range(50_000)
    ]
    texts += [c.title for spec in specs for c in code.all_cases(spec)]
    taken = 0
    for text in texts:
        depth = rng.choice([0, 1, 2])
        fast, slow = layout.Layout(), layout.Layout()
        made = layout_helpers(fast)["docstring"]
        expected = slow.docstring(docstring_body(text), depth)
        assert made(text, depth) == expected, text  # type: ignore[operator]
        assert fast.unsure == slow.unsure, text
        taken += _PLAIN_DOC.fullmatch(text) is not None
    assert taken > 5000


def test_python_statements_that_fit_are_laid_out_as_the_long_way_lays_them() -> None:
    """`Layout.statement` returns a statement that fits as it is, before the full
    layout: the same text and sureness as `layout.statement` gives, on made-up
    statements at and around the line length (non-ASCII ones are unsure)."""
    from specc.emitters.python import layout

    rng = random.Random(11)
    atoms = ["x", "_IMPL.f", '"é"', "y" * 40, "1", "'→'", "z" * 85]
    for _ in range(20_000):
        args = [layout.Atom(rng.choice(atoms)) for _ in range(rng.randint(0, 4))]
        expr: layout.Expr = layout.call(rng.choice(atoms), args)
        if rng.random() < 0.3:
            expr = layout.Atom(rng.choice(atoms))
        head, depth = rng.choice(["", "result = ", "with "]), rng.randint(0, 3)
        tail = rng.choice(["", ":"])
        fast, slow = layout.Layout(), layout.Layout()
        made = fast.statement(head, expr, tail, depth)
        try:
            lines = layout.statement(head, expr, tail, depth)
            expected = "\n".join(
                line if i == 0 else layout.INDENT * d + line
                for i, (d, line) in enumerate(lines)
            )
        except layout.Unsure:
            slow.unsure, expected = True, head + expr.text + tail
        assert (made, fast.unsure) == (expected, slow.unsure)


# --- rust -----------------------------------------------------------------------

_RUST_TREES = """\
---
spec: trees
title: Trees
version: 1.0.0
---

# Trees {#trees}

```specc
enum Colour { red, green }
record Tree { label: string, left: Tree?, right: Tree?, kids: list<Tree> = [] }
record Pair { a: int = 0, b: string?, c: Colour = red }
record Mixed { id: int, name: string = "x", note: string?, pair: Pair?, tree: Tree? }
variant Expr { lit { value: int }, add { left: Expr, right: Expr }, neg { inner: Expr? } }
```

## Walk {#walk}

`walk` MUST return its input.

```specc
fn walk(tree: Tree, mixed: Mixed, pair: Pair, expr: Expr) -> map<string, Pair?>
```

```examples
walk({label: "a", left: {label: "b"}, kids: [{label: "c", right: {label: "d"}}]}, {id: 1}, {}, lit{value: 1}) == {}
walk({label: "a", left: none}, {id: 1, name: "y", pair: {b: "q"}}, {a: 2, c: green}, add{left: lit{value: 1}, right: neg{inner: lit{value: 2}}}) == {"k": {a: 1}, "n": none}
walk({label: "a"}, {id: 2, note: "n", tree: {label: "t", kids: []}}, {b: none}, neg{inner: none}) == {"k": {}}
walk({label: "a", kids: [{label: "b", left: {label: "\\ud800"}}]}, {id: 3}, {}, lit{value: 0}) == {}
walk({label: "a"}, {id: 4}, {}, lit{value: 0}) == {"j": {b: "\\udc00"}, "k": {b: "\\ud83d\\ude00"}}
walk({label: "a"}, {id: 5, pair: {b: "\\udfff"}}, {}, lit{value: 0}) == {"k": {b: "é\\ud801é"}}
```
"""


def _trees(tmp_path: Path) -> ir.Spec:
    """The spec above, compiled (its lone surrogates are its own E084 to report)."""
    from specc.frontend.compile import compile_file

    path = tmp_path / "trees.spec.md"
    path.write_text(_RUST_TREES, encoding="utf-8")
    compiled = compile_file(path)
    assert compiled.spec is not None, [d.message for d in compiled.diagnostics]
    return compiled.spec


class _OldRsValues:
    """The Rust value renderer before its shortcuts (issue 23): each kind found by
    name, each field through `RsValues.field`'s rules, its declaration looked up
    anew, every node rendered afresh."""

    def __init__(self, values: Any) -> None:
        self.new, self.spec, self.names = values, values.spec, values.names
        self.facts, self.prefix = values.facts, values.prefix

    def __call__(self, value: ir.Value) -> Any:
        from specc.emitters.rust import layout

        if value.type.kind == "optional" and value.kind != "none":
            return layout.Call("Some", (self.plain(value),))
        return self.plain(value)

    def plain(self, value: ir.Value) -> Any:
        from specc.emitters.rust import layout

        if value.kind in ("enum", "record", "variant"):
            named = value.type.args[0] if value.type.kind == "optional" else value.type
            other = code.foreign(self.spec, named)
            if other is not None:
                return _OldRsValues(self.new.of(other)).plain(value)
        if isinstance(value, ir.ListValue):
            return layout.Array(tuple(self(i) for i in value.items), "vec!")
        if isinstance(value, ir.MapValue) and value.entries:
            pairs = [layout.Tuple((self(e.key), self(e.value))) for e in value.entries]
            return layout.Call("BTreeMap::from", (layout.Array(tuple(pairs)),))
        if isinstance(value, ir.EnumValue):
            member = self.names.members[value.enum][value.member]
            path = f"{self.prefix}{self.names.types[value.enum]}::{member}"
            return layout.Atom(path, simple=False)
        if isinstance(value, ir.RecordValue):
            return self.record(value)
        if isinstance(value, ir.VariantValue):
            decl = self.spec.type(value.variant)
            assert isinstance(decl, ir.Variant)
            tag = next(t for t in decl.tags if t.name == value.tag)
            variant = self.prefix + self.names.types[value.variant]
            path = f"{variant}::{self.names.tags[value.variant][value.tag]}"
            if not tag.fields:
                return layout.Atom(path, simple=False)
            names = self.names.tag_fields[(value.variant, value.tag)]
            by_name = {f.name: f for f in tag.fields}
            return layout.Struct(
                path,
                tuple(
                    (
                        names[f.name],
                        self.field(value.variant, by_name[f.name], f.value, value.tag),
                    )
                    for f in value.fields
                ),
            )
        return getattr(self.new, f"render_{value.kind}")(value)  # scalars

    def field(self, owner: str, f: ir.Field, value: ir.Value, tag: str = "") -> Any:
        from specc.emitters.rust import layout

        if not self.facts.boxed(owner, f, tag):
            return self(value)
        if f.type.kind == "optional":
            if value.kind == "none":
                return layout.Atom("None")
            return layout.Call("Some", (layout.Call("Box::new", (self.plain(value),)),))
        return layout.Call("Box::new", (self(value),))

    def record(self, v: ir.RecordValue) -> Any:
        from specc.emitters.rust import layout

        decl = self.spec.type(v.record)
        assert isinstance(decl, ir.Record)
        by_name = {f.name: f for f in decl.fields}
        required = [f for f in decl.fields if self.facts.required(f)]
        name, names = (
            self.prefix + self.names.types[v.record],
            self.names.fields[v.record],
        )

        def pairs(keep: Any) -> tuple[tuple[str, Any], ...]:
            return tuple(
                (names[f.name], self.field(v.record, by_name[f.name], f.value))
                for f in v.fields
                if keep(f)
            )

        if len(required) == len(decl.fields) or all(f.explicit for f in v.fields):
            return layout.Struct(name, pairs(lambda f: True))
        if not required:
            if not any(f.explicit for f in v.fields):
                return layout.Atom(f"{name}::default()", simple=False)
            base = layout.Atom("Default::default()", simple=False)
            return layout.Struct(name, pairs(lambda f: f.explicit), base)
        given = {f.name: f for f in v.fields}
        new = layout.Call(
            f"{name}::new",
            tuple(self.field(v.record, f, given[f.name].value) for f in required),
        )
        others = pairs(
            lambda f: f.explicit and self.facts.required(by_name[f.name]) is False
        )
        return layout.Struct(name, others, new) if others else new


def test_rust_values_are_what_the_plain_renderer_made(
    specs: list[ir.Spec], tmp_path: Path
) -> None:
    """`RsValues` (its kinds dispatched by a table, scalars remembered inline, each
    record's names, required and boxed fields found once, enum paths made once)
    makes the same expression of every value, nested ones too, as the plain
    renderer it replaced: boxed fields, `Rec::new` with fields set after it,
    `Default::default()`, another spec's types (the project's checkout)."""
    from specc.emitters.rust.model import Names, TypeFacts
    from specc.emitters.rust.values import RsValues

    made: set[str] = set()
    for spec in [*specs, _trees(tmp_path)]:
        names = Names(spec)
        values = RsValues(spec, names, TypeFacts(spec, names), [])
        old = _OldRsValues(values)
        stack = example_values(spec)
        while stack:
            value = stack.pop()
            assert values(value) == old(value), spec.id
            assert values(value) == old(value), spec.id  # remembered, not changed
            made.add(layout_flat(values(value)))
            stack += getattr(value, "items", [])
            stack += [f.value for f in getattr(value, "fields", [])]
            stack += [
                x for e in getattr(value, "entries", []) for x in (e.key, e.value)
            ]
    assert any("Box::new(" in m for m in made)
    assert any("Some(Box::new(" in m for m in made)
    assert any("::new(" in m and ".." in m for m in made)
    assert any("..Default::default()" in m for m in made)
    assert any(m.endswith("::default()") for m in made)
    assert any(m.startswith("billing::") for m in made)


def layout_flat(expr: Any) -> str:
    from specc.emitters.rust import layout

    return layout.flat(expr)


def _old_surrogates(value: ir.Value) -> bool:
    """Whether a value holds a lone surrogate: each code point looked at, recursively."""
    if isinstance(value, ir.StringValue):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value.value)
    if isinstance(value, ir.ListValue):
        return any(_old_surrogates(v) for v in value.items)
    if isinstance(value, ir.MapValue):
        return any(
            _old_surrogates(e.key) or _old_surrogates(e.value) for e in value.entries
        )
    if isinstance(value, (ir.RecordValue, ir.VariantValue)):
        return any(_old_surrogates(f.value) for f in value.fields)
    return False


def test_rust_surrogates_walk_finds_what_the_recursive_walk_finds(
    specs: list[ir.Spec], tmp_path: Path
) -> None:
    """`_surrogates` (a loop over each node's kind) answers as the plain recursive
    walk does for every example value and every value inside it: lone surrogates
    in nested records, list items and map values; paired ones are none."""
    from specc.emitters.rust.surrogates import _surrogates

    found = {True: 0, False: 0}
    for spec in [*specs, _trees(tmp_path)]:
        stack = example_values(spec)
        while stack:
            value = stack.pop()
            expected = _old_surrogates(value)
            assert _surrogates(value) == expected, spec.id
            found[expected] += 1
            stack += getattr(value, "items", [])
            stack += [f.value for f in getattr(value, "fields", [])]
            stack += [
                x for e in getattr(value, "entries", []) for x in (e.key, e.value)
            ]
    assert found[True] >= 10 and found[False] > 500, found
