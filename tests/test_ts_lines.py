"""The TypeScript target's shortcuts give what the long way gives.

`TsValues` dispatches each value to its `render_<kind>` without the shared
renderer's wrappers, and `specc.emitters.ts.lines` makes in one call what the
templates spelt as a Jinja loop or several expressions: each is compared here
with the way it replaced (the wrappers; the old template spelling, rendered by
Jinja), on the example specs, the multi-spec project and the hostile specs.
"""

from __future__ import annotations

import copy
import gc
from pathlib import Path

import pytest
from spec_sets import compiled, every_spec, example_values, field_owners, fields_of

from conftest import ROOT
from specc import ir
from specc.emitters import code
from specc.emitters.ts.emitter import (
    TsTypes,
    TsValues,
    optional_types,
    ts_access,
    ts_name,
    ts_property,
)
from specc.emitters.ts.lines import Lines


@pytest.fixture(scope="module")
def specs(tmp_path_factory: pytest.TempPathFactory) -> list[ir.Spec]:
    """Every spec of the examples, the project (specs that use others) and hostile/."""
    return every_spec(tmp_path_factory.mktemp("out"))


class _Wrapped(TsValues):
    """`TsValues` the long way: every value, nested ones too, through the shared
    renderer's `remembered` wrapper, `plain` and a `getattr` of its method; enum
    members each made afresh."""

    __call__ = code.ValueRenderer.__call__  # type: ignore[assignment]

    def render_enum(self, v: ir.EnumValue) -> str:
        return code.string_literal(v.member)  # not remembered by member


def _renderers(spec: ir.Spec, kind: type[TsValues], int_type: str) -> TsValues:
    tags: dict[str | None, str] = {i.id: code.tag_field(i) for i in spec.interfaces}
    return kind(TsTypes(spec, ts_name, int_type), {**tags, None: code.tag_field(spec)})


def _defaults(spec: ir.Spec) -> list[ir.Value]:
    return [f.default for f in fields_of(spec) if f.default is not None]


@pytest.mark.parametrize("int_type", ["number", "bigint"])
def test_ts_values_dispatch_as_the_shared_renderer_does(
    specs: list[ir.Spec], int_type: str
) -> None:
    """One renderer for every value writes each as the wrapped way does; scalars are
    remembered by node, so values made afresh (whose ids a freed node's may take)
    are written as a fresh renderer writes them."""
    kinds = set()
    for spec in specs:
        shared = _renderers(spec, TsValues, int_type)
        values = example_values(spec) + _defaults(spec)
        for value in values:
            assert shared(value) == _renderers(spec, _Wrapped, int_type)(value)
            kinds.add(value.kind)
        for _ in range(2):
            copies = [copy.deepcopy(v) for v in values]
            for value in copies:
                assert shared(value) == _renderers(spec, _Wrapped, int_type)(value)
            del copies
            gc.collect()
    assert kinds >= {"int", "string", "list", "record", "variant", "enum", "none"}


#: Each helper's call, and what the templates wrote in its place before it.
SPELLED = {
    "member": (
        "{{ member(f) }}",
        '{{ prop(f.name) }}{{ "?" if optional(f.type) }}: {{ type(f.type.args[0]) '
        'if f.type.kind == "optional" else type(f.type) }}',
    ),
    "filled": (
        "{{ filled(f) }}",
        '{% if f.default is not none and f.default.kind != "none" %}'
        "{{ prop(f.name) }}: fields{{ access(prop(f.name)) }} ?? {{ value(f.default) }}"
        "{% else %}{{ prop(f.name) }}: fields{{ access(prop(f.name)) }}{% endif %}",
    ),
    "make_params": (
        "{{ make_params(fields) }}",
        '{% for f in fields %}{{ prop(f.name) }}{{ "?" if not f.required or '
        'optional(f.type) }}: {{ type(f.type) }}{{ "; " if not loop.last }}{% endfor %}',
    ),
    "enum": (
        '{{ literals(t.members, " | ") }}|{{ literals(t.members, ", ") }}',
        '{% for m in t.members %}{{ literal(m.name) }}{{ " | " if not loop.last }}'
        "{% endfor %}|"
        '{% for m in t.members %}{{ literal(m.name) }}{{ ", " if not loop.last }}'
        "{% endfor %}",
    ),
    "values": (
        "{{ values(e.args) }}",
        '{% for a in e.args %}{{ value(a) }}{{ ", " if not loop.last }}{% endfor %}',
    ),
}


def test_ts_lines_render_what_the_template_spelt_out(specs: list[ir.Spec]) -> None:
    """Each helper of `Lines` makes what the template's own loops and expressions
    made, for every field, record, enum and example (the tests file's arguments)."""
    from specc.templating import environment

    env = environment()
    pairs = {
        name: (env.from_string(short), env.from_string(long))
        for name, (short, long) in SPELLED.items()
    }
    seen: dict[str, int] = dict.fromkeys(SPELLED, 0)

    def same(name: str, context: dict[str, object], **given: object) -> None:
        short, long = pairs[name]
        assert short.render(**context, **given) == long.render(**context, **given)
        seen[name] += 1

    for spec in specs:
        types, optional = TsTypes(spec, ts_name), optional_types(spec)
        values = _renderers(spec, TsValues, "number")
        lines = Lines(
            types, values, optional, ts_property, ts_access, code.string_literal
        )
        context: dict[str, object] = dict(
            prop=ts_property,
            optional=optional,
            type=types,
            access=ts_access,
            value=values,
            literal=code.string_literal,
            **lines.helpers(),
        )
        for owner in field_owners(spec):
            same("make_params", context, fields=owner.fields)
            for field in owner.fields:
                same("member", context, f=field)
                same("filled", context, f=field)
        for decl in spec.types:
            if isinstance(decl, ir.Enum):
                same("enum", context, t=decl)
        for example in spec.examples():
            same("values", context, e=example)
    assert all(seen.values()), seen


def _unsafe_integers_walked(spec: ir.Spec) -> list[tuple[str, str, object]]:
    """`unsafe_integers` the long way: every declaration's fields and tags got by
    `getattr`, every example's text searched on its own."""
    from specc.emitters.ts.emitter import (
        _LONG_NUMBER,
        _big_ints,
        _declaration_lines,
        _literal_span,
    )

    found = []
    places: list[tuple[object, str | None, list[ir.Value]]] = []
    for decl in spec.types:
        fields = [f for t in getattr(decl, "tags", []) for f in t.fields]
        for field in [*getattr(decl, "fields", []), *fields]:
            if field.default:
                places.append((field.span, None, [field.default]))
    for example in spec.examples():
        if not _LONG_NUMBER.search(example.text):
            continue
        wrote = [*example.args, *([example.result] if example.result else [])]
        if example.raises:
            wrote += [f.value for f in example.raises.fields]
        places.append((example.span, example.text, wrote))
    lines: dict[int, str] | None = None
    for span, text, values in places:
        for number in dict.fromkeys(n for v in values for n in _big_ints(v)):
            if text is None:
                lines = _declaration_lines(spec) if lines is None else lines
                text = lines.get(span.line, "")[span.col - 1 :]  # type: ignore[attr-defined]
            where = _literal_span(span, text, number)  # type: ignore[arg-type]
            found.append(("E084", str(number), where))
    return found


def test_ts_unsafe_integers_found_as_the_walk_finds_them(
    specs: list[ir.Spec], tmp_path: Path
) -> None:
    """E084 where the long way finds it: at each example literal and field default
    beyond 2^53 (the ts test impl's bigids spec, with one more), none elsewhere."""
    from specc.emitters.ts.emitter import unsafe_integers

    bigids = tmp_path / "ids.spec.md"
    bigids.write_text(
        (ROOT / "tests" / "impls" / "ts" / "bigids.spec.md")
        .read_text()
        .replace("  next_id(-1) == 0", "  next_id(-1) == -9007199254740995")
    )
    with_big = compiled([bigids], tmp_path / "out")
    found = 0
    for spec in [*specs, *with_big]:
        made = [(d.code, d.message.split()[0], d.span) for d in unsafe_integers(spec)]
        assert made == _unsafe_integers_walked(spec), spec.id
        found += len(made)
    assert found >= 4
