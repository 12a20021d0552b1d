"""Pydantic models built from values already checked, without validating them again."""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel
from typing_extensions import Self

VALIDATE = os.environ.get("SPECC_VALIDATE_IR", "") not in ("", "0")
"""Validate every node `Trusted.trusted` builds instead (``SPECC_VALIDATE_IR=1``):
the tests compare both ways, proving the front end builds only valid nodes."""


class Trusted:
    """Mixin for pydantic models the compiler builds from values it has checked.

    Each model gets its own `trusted` constructor, compiled from its fields as
    `dataclasses` compiles an ``__init__``, when it is first called: compiling
    the constructors of the IR's 70 models on import cost every build about
    6 ms of start-up, and a rebuild uses fewer than half of them.
    """

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)  # type: ignore[misc]
        assert issubclass(cls, BaseModel)
        setattr(cls, "trusted", classmethod(_compile_and_build))  # noqa: B010

    @classmethod
    def trusted(cls, **values: Any) -> Self:
        """Return a model of ``values`` that the compiler has checked already.

        The node is what validation would make of the same values, at the cost
        of a dict: nothing is validated, no immutable default copied. The
        caller gives the types the fields declare (lists as lists, floats as
        floats) and does not change a list or dict after giving it.
        """
        raise NotImplementedError  # each model has its own (see the class)


class _Missing:
    """Stands for a mutable default the constructor must make afresh."""


_MISSING = _Missing()


def _compile_and_build(cls: type[BaseModel], /, **values: Any) -> Any:
    """Compile ``cls``'s own constructor, put it in the class's place of this, and
    build with it (each model's first `trusted` call)."""
    made = _constructor(cls)
    setattr(cls, "trusted", classmethod(made))  # noqa: B010
    return made(cls, **values)


def _constructor(cls: type[BaseModel]) -> Any:
    """Return a function `(cls, **fields)` that builds ``cls`` without validation."""
    params, items = [], []
    namespace: dict[str, Any] = {
        "_names": set(cls.model_fields),
        "_set": object.__setattr__,
        "_MISSING": _MISSING,
        "_settings": __import__(__name__, fromlist=["VALIDATE"]),
    }
    fresh = []
    for number, (name, info) in enumerate(cls.model_fields.items()):
        if info.default_factory is not None:
            raise TypeError(f"{cls.__name__}.{name}: default factories are not built")
        if info.is_required():
            params.append(name)
        elif type(info.default) in (list, dict):  # pydantic copies these
            params.append(f"{name}=_MISSING")
            fresh.append(f"    if {name} is _MISSING: {name} = {info.default!r}")
        else:
            namespace[f"_default{number}"] = info.default
            params.append(f"{name}=_default{number}")
        items.append(f"{name!r}: {name}")
    given = ", ".join(f"{name}={name}" for name in cls.model_fields)
    source = "\n".join(
        [
            f"def trusted(cls, {', '.join(['*', *params]) if params else ''}):",
            "    if _settings.VALIDATE:",
            f"        return _validated(cls, {given})",
            *fresh,
            "    node = cls.__new__(cls)",
            f"    _set(node, '__dict__', {{{', '.join(items)}}})",
            # Shared: pydantic copies the set before it changes it (model_copy).
            "    _set(node, '__pydantic_fields_set__', _names)",
            "    _set(node, '__pydantic_extra__', None)",
            "    _set(node, '__pydantic_private__', None)",
            "    return node",
        ]
    )
    namespace["_validated"] = _validated
    exec(source, namespace)  # noqa: S102 (source made above from field names)
    return namespace["trusted"]


def _validated(cls: type[BaseModel], **values: Any) -> BaseModel:
    """Return ``cls`` validated from ``values`` (mutable defaults left to pydantic)."""
    return cls(**{k: v for k, v in values.items() if v is not _MISSING})
