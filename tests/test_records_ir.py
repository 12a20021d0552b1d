"""The front end builds IR records without validating them: they must be what validation makes.

A record's constructor stores what it is given. With `specc.records.base.VALIDATE`
set to `specc.records.models.validated`, every node is validated by its pydantic
model instead; each spec here compiles both ways to the same IR, the IR reads
back from its own JSON, and the cache's pydantic-free JSON (`specc.records.data`)
is pydantic's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from test_fuzz import FUZZ, SPEC, mutated

from conftest import CORPUS, DATA, EXAMPLES, ROOT
from specc import ir
from specc.frontend.compile import compile_source
from specc.records import Record, base, models
from specc.records.data import from_data, to_data
from specc.source import Span

sys.path.insert(0, str(ROOT / "benchmarks"))

from synth import generate  # noqa: E402

SPECS = sorted(
    [*EXAMPLES.glob("*.spec.md"), *(ROOT / "specs").glob("*.spec.md")]
    + [*(DATA / "golden").glob("*.spec.md"), *(DATA / "malformed").glob("*.md")]
    + [*(DATA / "fuzz").glob("*.spec.md"), *CORPUS.glob("*.md")]
)


def assert_same_both_ways(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compile ``data`` unvalidated and validated; the IR and diagnostics must agree,
    and the IR's pydantic-free JSON data must be pydantic's and read back."""
    monkeypatch.setattr(base, "VALIDATE", None)
    fast = compile_source("spec.md", data)
    monkeypatch.setattr(base, "VALIDATE", models.validated)
    checked = compile_source("spec.md", data)
    monkeypatch.setattr(base, "VALIDATE", None)
    assert fast.diagnostics == checked.diagnostics
    assert (fast.spec is None) == (checked.spec is None)
    if fast.spec is None or checked.spec is None:
        return
    text = models.dump_json(fast.spec)
    assert text == models.dump_json(checked.spec)
    assert fast.spec == checked.spec
    assert models.validate_json(ir.Spec, text) == fast.spec
    plain = to_data(fast.spec)
    assert plain == models.dump(fast.spec, mode="json")
    assert from_data(ir.Spec, plain) == fast.spec


def test_there_are_specs_to_compare() -> None:
    assert len(SPECS) >= 60


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_each_spec_compiles_to_the_same_ir_unvalidated_or_validated(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_same_both_ways(path.read_bytes(), monkeypatch)


def test_the_benchmark_spec_compiles_to_the_same_ir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (path,) = generate(60, tmp_path, full=True)
    assert_same_both_ways(path.read_bytes(), monkeypatch)


@settings(FUZZ, max_examples=40)
@given(text=SPEC)
def test_grammar_specs_compile_to_the_same_ir(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert_same_both_ways(text.encode(), monkeypatch)


@settings(FUZZ, max_examples=40)
@given(data=mutated())
def test_mutated_specs_compile_to_the_same_ir(data: bytes) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert_same_both_ways(data, monkeypatch)


def test_a_node_refuses_unknown_and_missing_fields() -> None:
    span = Span(path="p", line=1)
    with pytest.raises(TypeError):
        ir.Link(target="a", text="b", span=span, colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        ir.Link(target="a", span=span)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        ir.Link(target="a", text="b", span=span).replace(colour="red")


def test_nodes_do_not_share_mutable_defaults() -> None:
    first = ir.TypeRef(kind="primitive", name="int")
    second = ir.TypeRef(kind="primitive", name="int")
    assert first.args == [] and first.args is not second.args
    assert first == second
    changed = first.replace(name="float")
    assert (changed.name, first.name) == ("float", "int")
    assert changed.args is first.args and changed != first


def test_repeated_scalars_and_types_are_one_node_each() -> None:
    text = (
        "---\nspec: s\n---\n\n# S {#s}\n\nIt MUST work.\n\n```specc\n"
        "record P { a: int, b: int?, tags: list<int> }\nfn f(p: P, q: list<int>) -> int?"
        "\n```\n\n```examples\nf({a: 3, b: 3, tags: [3, 3]}, [3]) == 3\n"
        "f({a: 3, tags: []}, []) == none\n```\n"
    )
    spec = compile_source("s.spec.md", text.encode()).spec
    assert spec is not None
    first, second = spec.examples()
    record = first.args[0]
    assert isinstance(record, ir.RecordValue)
    a, b, tags = (f.value for f in record.fields)
    assert isinstance(tags, ir.ListValue)
    assert tags.items[0] is tags.items[1] is a  # one `3` of type int, as written
    assert b is first.result and b is not a  # `3` where an int? stands
    assert to_data(b) == {"type": to_data(b.type), "kind": "int", "value": 3}
    assert second.args[0].fields[0] is record.fields[0]  # type: ignore[attr-defined]
    p, f = spec.types[0], spec.functions[0]
    assert isinstance(p, ir.Record)
    assert p.fields[2].type is f.params[1].type  # `list<int>` written twice


def test_lists_of_shared_values_are_shared_and_others_are_not() -> None:
    text = (
        "---\nspec: s\n---\n\n# S {#s}\n\nIt MUST work.\n\n```specc\n"
        "record P { a: int, tags: list<int>, more: list<int>? }\n"
        "record Q { ps: list<P> }\nfn f(p: P, q: list<int>) -> int\nfn g(q: Q) -> int"
        "\n```\n\n```examples\nf({a: 1, tags: [3, 4], more: [3, 4]}, [3, 4]) == 1\n"
        "f({a: 2, tags: [3, 4], more: []}, [4, 3]) == 2\n"
        "f({a: 2, tags: [], more: []}, []) == 2\n"
        "g({ps: [{a: 1, tags: [], more: []}]}) == 1\n"
        "g({ps: [{a: 1, tags: [], more: []}]}) == 1\n```\n"
    )
    spec = compile_source("s.spec.md", text.encode()).spec
    assert spec is not None
    one, two, three, four, five = spec.examples()
    p1, p2, p3 = (e.args[0] for e in (one, two, three))
    assert isinstance(p1, ir.RecordValue) and isinstance(p2, ir.RecordValue)
    assert p1.fields[1] is p2.fields[1]  # `tags: [3, 4]`, field and list alike
    assert p1.fields[1].value is one.args[1]  # the same list of the same type
    assert two.args[1] is not one.args[1]  # [4, 3]: another list
    more = p1.fields[2].value
    assert isinstance(more, ir.ListValue) and more.type.kind == "optional"
    assert more is not one.args[1] and more.items == one.args[1].items  # type: ignore[attr-defined]
    assert p2.fields[2] is p3.fields[2]  # `more: []`
    assert three.args[1] is p3.fields[1].value  # `[]` of list<int>, twice
    q4, q5 = four.args[0], five.args[0]
    assert isinstance(q4, ir.RecordValue) and isinstance(q5, ir.RecordValue)
    assert q4 is not q5 and q4.fields[0] is not q5.fields[0]  # records are not shared
    assert q4 == q5


def test_each_record_class_compiles_its_own_constructor_on_first_use() -> None:
    """Constructors are compiled when first called, not on import (start-up), each
    for its own class: a subclass's is its own, made from its own fields."""
    import subprocess

    probe = (
        "from specc import ir\n"
        "from specc.records import base\n"
        "lazy = base._first_init\n"
        "nodes = [m for m in vars(ir).values() if isinstance(m, type)"
        " and issubclass(m, ir.Node) and m is not ir.Node]\n"
        "print(len(nodes), sum(m.__dict__['__init__'] is lazy for m in nodes))\n"
        "ref = ir.TypeRef(kind='primitive', name='int')\n"
        "print(ir.TypeRef.__dict__['__init__'] is lazy, ref == ir.TypeRef("
        "kind='primitive', name='int'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    counted, after = done.stdout.splitlines()
    total, lazy = map(int, counted.split())
    assert total >= 40 and lazy == total
    assert after == "False True"

    class Base(Record):
        a: int = 1

    class Sub(Base):
        b: str

    assert Sub(a=2, b="x") == models.validate(Sub, {"a": 2, "b": "x"})
    assert Base() == models.validate(Base, {}) and Base(a=5).a == 5
    assert "b" not in Base().__dict__ and Sub(b="y").a == 1
    with pytest.raises(TypeError):
        Base(b="x")  # type: ignore[call-arg]
