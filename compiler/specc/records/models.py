"""pydantic models made from record classes: validation, JSON and JSON Schema.

Each record class gets a pydantic model of the same name, fields, defaults,
docstring and settings, made the first time it is asked for. Input from
outside (IR read back from JSON, `specc.toml`, emitter options) is validated
by the model and given back as records; `specc ir` and the schemas are written
by the models, so their JSON is pydantic's.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union

import pydantic
from pydantic import BaseModel, ConfigDict

from specc.records.base import (
    REQUIRED,
    Record,
    Tagged,
    built,
    field_values,
    fields,
)
from specc.records.data import hints

_MODELS: dict[type[Record], type[BaseModel]] = {}
_RECORDS: dict[type[BaseModel], type[Record]] = {}


def model(cls: type[Record]) -> type[BaseModel]:
    """Return the pydantic model of record class ``cls`` (made once)."""
    made = _MODELS.get(cls)
    if made is None:
        _make_closure(cls)
        made = _MODELS[cls]
    return made


def validate(cls: type[Record], data: Any) -> Any:
    """Return ``data`` (Python values) validated as a ``cls`` record;
    pydantic's ValidationError when it is not one."""
    return _value(model(cls).model_validate(data))


def validate_json(cls: type[Record], text: str | bytes) -> Any:
    """Return JSON ``text`` validated as a ``cls`` record."""
    return _value(model(cls).model_validate_json(text))


def dump(record: Record, **options: Any) -> dict[str, Any]:
    """Return ``record`` as pydantic's `model_dump(**options)` writes its model."""
    dumped: dict[str, Any] = _model_of(record).model_dump(**options)
    return dumped


def dump_json(record: Record, **options: Any) -> str:
    """Return ``record`` as pydantic's `model_dump_json(**options)` writes its model."""
    text: str = _model_of(record).model_dump_json(**options)
    return text


def json_schema(cls: type[Record], **options: Any) -> dict[str, Any]:
    """Return the JSON Schema of ``cls``'s model (`model_json_schema`)."""
    return model(cls).model_json_schema(**options)


def validated(cls: type[Record], values: dict[str, Any]) -> dict[str, Any]:
    """Return the fields validation makes of ``values`` (`specc.records.base.VALIDATE`)."""
    checked = model(cls).model_validate({k: _plain(v) for k, v in values.items()})
    return {name: _value(getattr(checked, name)) for name in fields(cls)}


def _make_closure(root: type[Record]) -> None:
    """Make the models of ``root`` and of every record class its fields reach."""
    todo, reached = [root], []
    while todo:
        cls = todo.pop()
        if cls in reached:
            continue
        reached.append(cls)
        if cls not in _MODELS:
            for hint in hints(cls).values():
                todo.extend(_records_in(hint))
    namespace: dict[str, Any] = {}
    new = [cls for cls in reached if cls not in _MODELS]
    for cls in reached:
        if cls.__name__ in namespace:
            raise TypeError(f"two record classes called {cls.__name__} in one model")
        namespace[cls.__name__] = _MODELS.get(cls) or _create(cls)
    for cls in new:
        _MODELS[cls], _RECORDS[namespace[cls.__name__]] = namespace[cls.__name__], cls
    for cls in new:
        namespace[cls.__name__].model_rebuild(_types_namespace=namespace)


def _records_in(hint: Any) -> list[type[Record]]:
    """Return the record classes a type hint names."""
    if isinstance(hint, type) and issubclass(hint, Record):
        return [hint]
    return [cls for arg in typing.get_args(hint) for cls in _records_in(arg)]


def _create(cls: type[Record]) -> type[BaseModel]:
    """Return a pydantic model of ``cls``, its record classes named by forward reference."""
    types_of = hints(cls)
    definitions: dict[str, Any] = {}
    for name, spec in fields(cls).items():
        extras = dict(spec.constraints)
        if spec.omit_empty:
            extras["exclude_if"] = _absent
        default = ... if spec.required else _model_of(spec.default)
        definitions[name] = (
            _translated(types_of[name]),
            pydantic.Field(default, **extras),
        )
    validators = {
        name: pydantic.field_validator(*marks)(method)
        for name, method in vars(cls).items()
        if (
            marks := getattr(
                getattr(method, "__func__", None), "__record_validates__", None
            )
        )
    }
    config = ConfigDict(defer_build=True, **cls.record_config)  # type: ignore[typeddict-item]
    return pydantic.create_model(
        cls.__name__,
        __config__=config,
        __doc__=cls.__doc__,
        __module__=__name__,
        __validators__=validators,
        **definitions,
    )


def _translated(hint: Any) -> Any:
    """Return ``hint`` with record classes as forward references to their models,
    and `Tagged` unions as pydantic's discriminated unions."""
    if isinstance(hint, type) and issubclass(hint, Record):
        return typing.ForwardRef(hint.__name__)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Annotated:
        inner, *marks = args
        made = [
            pydantic.Field(discriminator=m.key) if isinstance(m, Tagged) else m
            for m in marks
        ]
        params = (_translated(inner), *made)
        return Annotated[params]
    if origin in (Union, types.UnionType):
        members = tuple(_translated(a) for a in args)
        return Union[members]  # noqa: UP007 (a union made, not written)
    if origin is Literal or not args:
        return hint
    return origin[tuple(_translated(a) for a in args)]


def _absent(value: object) -> bool:
    """Return whether an `omit_empty` field is unset, so its JSON leaves it out."""
    return value is None or value == []


def _mapped(value: Any, kind: type, convert: Callable[[Any], Any]) -> Any:
    """Return ``value`` with each ``kind`` instance in it, through lists and dicts,
    converted."""
    if isinstance(value, kind):
        return convert(value)
    if type(value) is list:
        return [_mapped(v, kind, convert) for v in value]
    if type(value) is dict:
        return {k: _mapped(v, kind, convert) for k, v in value.items()}
    return value


def _record(instance: BaseModel) -> Any:
    """Return the record a validated model instance stands for (another pydantic
    model, such as one a record's field holds, as it is)."""
    cls = _RECORDS.get(type(instance))
    if cls is None:
        return instance
    values = {name: _value(getattr(instance, name)) for name in fields(cls)}
    values.update(instance.__pydantic_extra__ or {})
    return built(cls, values)


def _value(value: Any) -> Any:
    """Return a validated value with its model instances as records."""
    return _mapped(value, BaseModel, _record)


def _model_of(value: Any) -> Any:
    """Return ``value`` with its records as model instances, unvalidated."""
    return _mapped(value, Record, _constructed)


def _constructed(record: Record) -> BaseModel:
    """Return ``record`` as an instance of its model, unvalidated."""
    made = {
        n: _model_of(v)
        for n, v in zip(fields(record), field_values(record), strict=True)
    }
    return model(type(record)).model_construct(**made)


def _plain(value: Any) -> Any:
    """Return ``value`` with its records as dicts of all their fields."""
    return _mapped(value, Record, _all_fields)


def _all_fields(record: Record) -> dict[str, Any]:
    """Return a record's fields, each `_plain`."""
    return {
        name: _plain(v)
        for name, v in zip(fields(record), field_values(record), strict=True)
    }


__all__ = ["REQUIRED", "dump", "dump_json", "json_schema", "model", "validate"]
