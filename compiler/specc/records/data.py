"""Records to and from JSON data without pydantic: what the build cache keeps.

`to_data` writes what pydantic's ``model_dump(mode="json")`` writes for the
IR's kinds of values; `from_data` reads it back, checking each value against
its field's type as strictly as the cache needs (a wrong value is a
ValueError, and the cache entry is not used).
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Literal, Union

from specc.records.base import Record, Tagged, field_values, fields

_NONE = type(None)


_HINTS: dict[type[Record], dict[str, Any]] = {}


def hints(cls: type[Record]) -> dict[str, Any]:
    """Return the evaluated types of ``cls``'s fields (`typing.get_type_hints`),
    evaluated once a class."""
    known = _HINTS.get(cls)
    if known is None:
        found = typing.get_type_hints(cls, include_extras=True)
        known = _HINTS[cls] = {name: found[name] for name in fields(cls)}
    return known


def to_data(value: Any) -> Any:
    """Return ``value`` with its records as dicts (fields left out when `omit_empty`
    and None or empty), as ``model_dump(mode="json")`` does."""
    if isinstance(value, Record):
        return {
            name: to_data(mine)
            for (name, spec), mine in zip(
                fields(value).items(), field_values(value), strict=True
            )
            if not (spec.omit_empty and (mine is None or mine == []))
        }
    if type(value) in (list, tuple):
        return [to_data(v) for v in value]
    if type(value) is dict:
        return {k: to_data(v) for k, v in value.items()}
    if hasattr(value, "model_dump"):  # a pydantic model a record holds
        return value.model_dump(mode="json")
    return value


def from_data(cls: type[Record], data: Any) -> Any:
    """Return the ``cls`` record ``data`` (as `to_data` writes it) stands for;
    ValueError when it is not one."""
    if type(data) is not dict:
        raise ValueError(f"{cls.__name__}: not an object: {data!r:.80}")
    specs = fields(cls)
    unknown = data.keys() - specs.keys()
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown field {sorted(unknown)[0]!r}")
    types_of = hints(cls)
    values = {}
    for name, spec in specs.items():
        if name in data:
            values[name] = _read(types_of[name], data[name])
        elif spec.required:
            raise ValueError(f"{cls.__name__}: missing field {name!r}")
        else:
            default = spec.default
            values[name] = default.copy() if type(default) in (list, dict) else default
    return cls(**values)


def _read(hint: Any, data: Any) -> Any:
    """Return ``data`` read as a value of type ``hint``; ValueError if it is not one."""
    if isinstance(hint, type):
        if issubclass(hint, Record):
            return from_data(hint, data)
        if hint is float and type(data) is int:
            return float(data)
        if type(data) is not hint:
            raise ValueError(f"not {hint.__name__}: {data!r:.80}")
        return data
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Annotated:
        tagged = next((m for m in args[1:] if isinstance(m, Tagged)), None)
        return _read(
            args[0] if tagged is None else _tagged(args[0], tagged, data), data
        )
    if origin is Literal:
        if data not in args or type(data) is not str:
            raise ValueError(f"not one of {args}: {data!r:.80}")
        return data
    if origin in (Union, types.UnionType):
        if data is None and _NONE in args:
            return None
        return _read(next(a for a in args if a is not _NONE), data)
    if origin is list and type(data) is list:
        return [_read(args[0], item) for item in data]
    if origin is dict and type(data) is dict:
        return {_read(args[0], k): _read(args[1], v) for k, v in data.items()}
    if hint is Any:
        return data
    raise ValueError(f"not {hint}: {data!r:.80}")


def _tagged(union: Any, tag: Tagged, data: Any) -> type[Record]:
    """Return the member of a `Tagged` union that ``data``'s tag names."""
    key = data.get(tag.key) if type(data) is dict else None
    for member in typing.get_args(union):
        spec = fields(member).get(tag.key)
        if spec is not None and spec.default == key:
            return typing.cast(type[Record], member)
    raise ValueError(f"unknown {tag.key}: {key!r:.80}")
