"""Records (`specc.records`): plain frozen data classes, and the pydantic models made of them.

The IR, spans, emitter options and the configuration are records, so a build
imports no pydantic (`tests/test_startup.py`). These tests pin what a record
must do that a pydantic model did: refuse changes, compare and hash by
fields, copy and pickle, and validate, dump and describe itself through the
model made from it, constraints and checks included.
"""

from __future__ import annotations

import copy
import pickle
from typing import Annotated, Any, ClassVar, Literal

import pytest
from pydantic import ValidationError

from specc import ir
from specc.records import (
    Record,
    Tagged,
    extras,
    field,
    field_values,
    fields,
    validator,
)
from specc.records.data import from_data, to_data
from specc.records.models import dump, dump_json, json_schema, validate
from specc.source import Span


class Leaf(Record):
    """A leaf."""

    record_config: ClassVar[dict[str, Any]] = {"extra": "forbid", "frozen": True}

    kind: Literal["leaf"] = "leaf"
    weight: float = field(default=1.0, gt=0)
    tags: list[str] = []


class Pair(Record):
    """Two children."""

    record_config: ClassVar[dict[str, Any]] = {"extra": "forbid", "frozen": True}

    kind: Literal["pair"] = "pair"
    left: Tree
    right: Tree
    note: str | None = field(default=None, omit_empty=True)

    @validator("note")
    def _no_shouting(cls, value: str | None) -> str | None:
        if value is not None and value.isupper():
            raise ValueError("no shouting")
        return value


Tree = Annotated[Leaf | Pair, Tagged("kind")]


class Loose(Record):
    """Takes any keys."""

    record_config: ClassVar[dict[str, Any]] = {"extra": "allow", "frozen": True}

    timeout: float = 5.0


def test_a_record_is_immutable_and_compared_and_hashed_by_fields() -> None:
    span = Span(path="a", line=1)
    with pytest.raises(AttributeError):
        span.line = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del span.path  # type: ignore[misc]
    assert span == Span(path="a", line=1) and span != Span(path="a", line=2)
    assert hash(span) == hash(Span(path="a", line=1))
    assert span != ir.TypeRef(kind="primitive", name="int")
    assert repr(span) == "Span(path='a', line=1, col=1, end_line=None, end_col=None)"
    with pytest.raises(TypeError):
        hash(Leaf(tags=["x"]))  # a list is unhashable, as in a frozen pydantic model


def test_records_copy_and_pickle_as_plain_objects() -> None:
    tree = Pair(left=Leaf(tags=["a"]), right=Leaf(weight=2.0), note="fine")
    for again in (copy.deepcopy(tree), pickle.loads(pickle.dumps(tree))):
        assert again == tree and again is not tree
        assert isinstance(again.left, Leaf) and again.left.tags is not tree.left.tags
    assert fields(Pair)["note"].omit_empty and fields(Leaf)["weight"].constraints


class Heavy(Leaf):
    """A leaf with another default for an inherited field, and one more field."""

    weight: float = 3.0
    colour: str = "green"


def test_a_record_keeps_its_fields_in_slots_not_a_dict() -> None:
    """A build of 10 000 records holds millions of records: each is its fields'
    pointers (a dict each took 247 bytes of four fields, 2.5 times the record)."""
    import tracemalloc

    assert Leaf.__slots__ == ("kind", "weight", "tags")
    assert Heavy.__slots__ == ("colour",)  # `weight` keeps its inherited slot
    assert Heavy().weight == 3.0 and Leaf().weight == 1.0
    assert list(fields(Heavy)) == ["kind", "weight", "tags", "colour"]
    assert field_values(Heavy(tags=["t"])) == ("leaf", 3.0, ["t"], "green")
    tags: list[str] = []
    tracemalloc.start()
    try:
        made = [Leaf(kind="leaf", weight=2.0, tags=tags) for _ in range(10_000)]
        size = tracemalloc.get_traced_memory()[0] / len(made)
    finally:
        tracemalloc.stop()
    assert size < 110, f"{size:.0f} bytes a record"
    with pytest.raises(AttributeError):
        made[0].colour = "red"  # type: ignore[attr-defined]


def test_a_copy_keeps_a_records_extras_and_drops_what_it_cached() -> None:
    loose = validate(Loose, {"timeout": 1, "colour": "red"})
    loose.__dict__["_cached"] = object()  # as `ir.Spec` keeps its name index
    for again in (copy.copy(loose), pickle.loads(pickle.dumps(loose))):
        assert again == loose and extras(again) == {"colour": "red"}
        assert "_cached" not in again.__dict__
    changed = loose.replace(timeout=2.0)
    assert changed.timeout == 2.0 and extras(changed) == {}
    assert Leaf(tags=["a"]).replace(weight=5.0) == Leaf(weight=5.0, tags=["a"])


def test_validation_applies_constraints_validators_and_tags() -> None:
    data = {"kind": "pair", "left": {"kind": "leaf"}, "right": {"kind": "leaf"}}
    made = validate(Pair, data)
    assert made == Pair(left=Leaf(), right=Leaf()) and type(made.left) is Leaf
    for bad in (
        {**data, "note": "LOUD"},  # the validator
        {**data, "left": {"kind": "leaf", "weight": 0}},  # gt=0
        {**data, "left": {"kind": "twig"}},  # not a tag of the union
        {**data, "colour": "red"},  # extra="forbid"
    ):
        with pytest.raises(ValidationError):
            validate(Pair, bad)
    loose = validate(Loose, {"timeout": 1, "colour": "red"})
    assert loose.timeout == 1.0 and extras(loose) == {"colour": "red"}


def test_json_and_schema_come_from_the_made_model() -> None:
    tree = Pair(left=Leaf(tags=["a"]), right=Leaf())
    plain = to_data(tree)
    assert "note" not in plain  # omit_empty, and None
    assert plain == dump(tree, mode="json")
    assert dump_json(tree) == (
        '{"kind":"pair","left":{"kind":"leaf","weight":1.0,"tags":["a"]},'
        '"right":{"kind":"leaf","weight":1.0,"tags":[]}}'
    )
    assert from_data(Pair, plain) == tree
    defs = json_schema(Pair)["$defs"]  # recursive: the root refers to its own def
    assert defs["Pair"]["description"] == "Two children."
    assert defs["Pair"]["properties"]["left"]["discriminator"]["propertyName"] == "kind"
    assert defs["Leaf"]["properties"]["weight"]["exclusiveMinimum"] == 0


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {"kind": "pair", "left": {"kind": "leaf"}},  # a required field missing
        {"kind": "pair", "left": {"kind": "leaf"}, "right": {"kind": "twig"}},
        {"kind": "pair", "left": {"kind": "leaf", "tags": "a"}, "right": {}},
        {"kind": "pair", "left": {"kind": "leaf", "weight": "1"}, "right": {}},
        {"kind": "pair", "left": {"kind": "leaf", "tags": [1]}, "right": {}},
        {"kind": "pair", "left": {"kind": "leaf"}, "right": {"kind": "leaf"}, "x": 1},
        {"kind": "pear", "left": {"kind": "leaf"}, "right": {"kind": "leaf"}},
    ],
)
def test_the_caches_reader_refuses_what_does_not_fit(bad: Any) -> None:
    """`from_data` (the build cache's reader) raises ValueError, never builds a
    record of the wrong shape."""
    with pytest.raises(ValueError):
        from_data(Pair, bad)


def test_the_ir_reads_back_from_its_cache_data_exactly() -> None:
    """Every kind of value the cache keeps (ints, floats from ints, optionals,
    tagged unions, maps) comes back as the same record."""
    ref = ir.TypeRef(kind="primitive", name="float")
    decl = ir.Record(
        name="R",
        span=Span(path="p", line=2, col=3, end_line=2, end_col=9),
        fields=[
            ir.Field(
                name="x",
                type=ref,
                default=ir.FloatValue(type=ref, value=2.0, text="2"),
                span=Span(path="p", line=3),
            )
        ],
    )
    interface = ir.Interface(id="s", types=[decl], rules=["r"])
    data = to_data(interface)
    data["types"][0]["fields"][0]["default"]["value"] = 2  # JSON may drop the .0
    again = from_data(ir.Interface, data)
    assert again == interface
    assert type(again.types[0].fields[0].default.value) is float


def test_a_pydantic_field_on_a_record_is_refused_when_the_class_is_made() -> None:
    """A plugin's options written the pydantic way would otherwise take pydantic's
    `FieldInfo` itself as the default: the class is refused, saying what to use."""
    import pydantic

    with pytest.raises(TypeError, match=r"Bad\.x: .*specc\.records\.field"):

        class Bad(Record):
            x: int = pydantic.Field(3, ge=1)
