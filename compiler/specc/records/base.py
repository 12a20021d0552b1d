"""Records: plain, frozen data classes declared by annotations, with no validation.

The IR, spans and settings are records. Declaring one costs a few
microseconds, not the 60 ms of importing pydantic, and building one costs a
dict: the compiler builds them from values it has checked already. Validation,
JSON and JSON Schema come from pydantic models made from the records on demand
(`specc.records.models`), for input from outside and for `specc ir`.

A record class lists its fields as annotations, in order, base classes' first;
a class attribute gives a field's default (`field` adds what only validation
or JSON uses). Records are immutable, compare equal when of one class with
equal fields, and pickle and copy as plain objects.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, ClassVar

if sys.version_info >= (3, 11):
    from typing import Self, dataclass_transform
else:  # pragma: no cover
    from typing_extensions import Self, dataclass_transform

REQUIRED: Any = object()
"""The default of a field that has none: it must be given."""

VALIDATE: Callable[[type[Record], dict[str, Any]], dict[str, Any]] | None = None
"""When set, every record is built from what this makes of its fields instead
(`specc.records.models.validated`): the tests build the IR both ways and compare,
proving the front end builds only what validation would."""


class Tagged:
    """Marks a union of record classes as told apart by field ``key`` (a literal
    each member defaults to): ``Annotated[A | B, Tagged("kind")]``. Validation
    picks the member by it, and the JSON Schema says so."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key


class FieldSpec:
    """One field of a record class: its annotation, default and validation extras."""

    __slots__ = ("name", "annotation", "default", "omit_empty", "constraints")

    def __init__(
        self,
        name: str,
        annotation: str,
        default: Any,
        omit_empty: bool,
        constraints: dict[str, Any],
    ) -> None:
        self.name = name
        self.annotation = annotation
        self.default = default
        self.omit_empty = omit_empty
        self.constraints = constraints

    @property
    def required(self) -> bool:
        """Return whether the field has no default."""
        return self.default is REQUIRED


class _Field:
    """What `field` returns: a default with extras, read when the class is made."""

    __slots__ = ("default", "omit_empty", "constraints")

    def __init__(
        self, default: Any, omit_empty: bool, constraints: dict[str, Any]
    ) -> None:
        self.default = default
        self.omit_empty = omit_empty
        self.constraints = constraints


def field(
    *, default: Any = REQUIRED, omit_empty: bool = False, **constraints: Any
) -> Any:
    """Return a field's default with extras for validation and JSON.

    ``omit_empty`` leaves the field out of JSON when it is None or empty.
    ``constraints`` are pydantic `Field` arguments (``ge=1``, ``min_length=1``),
    checked when the record is validated.
    """
    return _Field(default, omit_empty, constraints)


def validator(
    *names: str,
) -> Callable[[Callable[..., Any]], classmethod[Any, Any, Any]]:
    """Mark a classmethod ``(cls, value) -> value`` as a check of fields ``names``,
    run after their own validation (pydantic's `field_validator`)."""

    def mark(function: Callable[..., Any]) -> classmethod[Any, Any, Any]:
        method = (
            function if isinstance(function, classmethod) else classmethod(function)
        )
        method.__func__.__record_validates__ = names  # type: ignore[attr-defined]
        return method

    return mark


@dataclass_transform(
    kw_only_default=True, frozen_default=True, field_specifiers=(field,)
)
class Record:
    """Base of every record class (see the module)."""

    __record_fields__: ClassVar[dict[str, FieldSpec]] = {}
    record_config: ClassVar[dict[str, Any]] = {}
    """pydantic `ConfigDict` settings of the validating model (``extra``, ``title``)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        specs = dict(cls.__record_fields__)
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():
            if name.startswith("_") or str(annotation).startswith("ClassVar"):
                continue
            value = cls.__dict__.get(name, REQUIRED)
            if isinstance(value, _Field):
                spec = FieldSpec(
                    name, annotation, value.default, value.omit_empty, value.constraints
                )
            elif type(value).__module__.startswith("pydantic"):
                raise TypeError(
                    f"{cls.__qualname__}.{name}: a record's field takes"
                    " `specc.records.field(default=..., ...)`, not pydantic's `Field`"
                )
            else:
                spec = FieldSpec(name, annotation, value, False, {})
            if spec.default is not REQUIRED:
                type.__setattr__(cls, name, spec.default)
            specs[name] = spec
        cls.__record_fields__ = specs
        cls.__init__ = _first_init  # type: ignore[assignment,method-assign]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot set `{name}`")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(
            f"{type(self).__name__} is immutable: cannot delete `{name}`"
        )

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        mine, theirs = self.__dict__, other.__dict__
        return all(mine[name] == theirs[name] for name in self.__record_fields__)

    def __repr__(self) -> str:
        mine = self.__dict__
        shown = ", ".join(f"{name}={mine[name]!r}" for name in self.__record_fields__)
        return f"{type(self).__name__}({shown})"

    def replace(self, **changes: Any) -> Self:
        """Return a copy with ``changes`` to its fields (nothing validated)."""
        unknown = changes.keys() - self.__record_fields__.keys()
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no field {sorted(unknown)[0]!r}"
            )
        mine = self.__dict__
        copy = object.__new__(type(self))
        values = {name: mine[name] for name in self.__record_fields__}
        values.update(changes)
        object.__setattr__(copy, "__dict__", values)
        return copy


def _hash(self: Record) -> int:
    """Return a record's hash: its class's and its fields' (a list is unhashable)."""
    mine = self.__dict__
    return hash((type(self), *(mine[name] for name in self.__record_fields__)))


# Set outside the class body: a `__hash__` there makes type checkers take the
# record classes themselves for unhashable.
Record.__hash__ = _hash  # type: ignore[assignment,method-assign]


def fields(record: type[Record] | Record) -> dict[str, FieldSpec]:
    """Return the fields of a record class (or of a record's class), in order."""
    return record.__record_fields__


def extras(record: Record) -> dict[str, Any]:
    """Return the keys a record validated with ``extra="allow"`` took beyond its
    fields (`specc.records.models.validate` keeps them as attributes)."""
    specs = record.__record_fields__
    return {k: v for k, v in record.__dict__.items() if k not in specs and k[0] != "_"}


def _first_init(self: Record, **values: Any) -> None:
    """Compile the class's own ``__init__`` from its fields, put it in place, and
    build with it (each record class's first construction)."""
    cls = type(self)
    made = _compile_init(cls)
    cls.__init__ = made  # type: ignore[method-assign]
    made(self, **values)


class _Fresh:
    """Stands for a mutable default the constructor copies for each record."""


_FRESH = _Fresh()


def _compile_init(cls: type[Record]) -> Callable[..., None]:
    """Return an ``__init__(self, *, field, ...)`` that stores ``cls``'s fields."""
    namespace: dict[str, Any] = {
        "_set": object.__setattr__,
        "_FRESH": _FRESH,
        "_settings": __import__(__name__, fromlist=["VALIDATE"]),
        "_cls": cls,
    }
    params, items, fresh = [], [], []
    for number, spec in enumerate(cls.__record_fields__.values()):
        name = spec.name
        if spec.required:
            params.append(name)
        elif type(spec.default) in (list, dict):  # each record gets its own copy
            namespace[f"_copy{number}"] = spec.default.copy
            params.append(f"{name}=_FRESH")
            fresh.append(f"    if {name} is _FRESH: {name} = _copy{number}()")
        else:
            namespace[f"_default{number}"] = spec.default
            params.append(f"{name}=_default{number}")
        items.append(f"{name!r}: {name}")
    source = "\n".join(
        [
            f"def __init__(self{', *, ' + ', '.join(params) if params else ''}):",
            *fresh,
            f"    values = {{{', '.join(items)}}}",
            "    if _settings.VALIDATE is not None:",
            "        values = _settings.VALIDATE(_cls, values)",
            "    _set(self, '__dict__', values)",
        ]
    )
    exec(source, namespace)  # noqa: S102 (source made above from field names)
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init
