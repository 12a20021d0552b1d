"""Records: plain, frozen data classes declared by annotations, with no validation.

The IR, spans and settings are records. Declaring one costs a few
microseconds, not the 60 ms of importing pydantic, and a record holds its
fields in slots, a pointer each, with no dict: the compiler builds them from
values it has checked already, and a build of 10 000 records holds millions.
Validation, JSON and JSON Schema come from pydantic models made from the
records on demand (`specc.records.models`), for input from outside and for
`specc ir`.

A record class lists its fields as annotations, in order, base classes' first;
a value in the class body gives a field's default (`field` adds what only
validation or JSON uses), which the class keeps in ``__record_fields__``, not
as a class attribute. Records are immutable, compare equal when of one class
with equal fields, and pickle and copy as their class and fields. A record's
``__dict__``, empty until used, holds what validation kept beyond its fields
(`extras`) and what a method caches beside them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any, ClassVar, TypeVar

if sys.version_info >= (3, 11):
    from typing import Self, dataclass_transform
else:  # pragma: no cover
    from typing_extensions import Self, dataclass_transform

R = TypeVar("R", bound="Record")

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


def _own_fields(namespace: Mapping[str, Any]) -> list[str]:
    """Return the fields a record class's body declares (annotated, not private,
    not `ClassVar`)."""
    return [
        name
        for name, annotation in namespace.get("__annotations__", {}).items()
        if not name.startswith("_") and not str(annotation).startswith("ClassVar")
    ]


class _RecordType(type):
    """Makes each record class store its fields in slots: a record of four
    fields is then 73 bytes, not 247 with a dict, and quicker to build and to
    read. Defaults move from the class body to ``__record_defaults__``, where
    `Record.__init_subclass__` takes them."""

    def __new__(
        cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kw: Any
    ) -> _RecordType:
        own = _own_fields(namespace)
        inherited = {f for b in bases for f in getattr(b, "__record_fields__", ())}
        namespace["__record_own__"] = own
        namespace["__record_defaults__"] = {
            f: namespace.pop(f) for f in own if f in namespace
        }
        namespace.setdefault("__slots__", tuple(f for f in own if f not in inherited))
        return super().__new__(cls, name, bases, namespace, **kw)


@dataclass_transform(
    kw_only_default=True, frozen_default=True, field_specifiers=(field,)
)
class Record(metaclass=_RecordType):
    """Base of every record class (see the module)."""

    __slots__ = ("__dict__",)
    """Fields are slots (`_RecordType`); a record's ``__dict__``, made when first
    asked for, holds what validation keeps beyond its fields (`extras`) and
    what a method caches."""

    __record_fields__: ClassVar[dict[str, FieldSpec]] = {}
    __record_values__: ClassVar[Any] = staticmethod(lambda record: ())
    """The record's fields' values as a tuple, in order (`field_values`)."""
    record_config: ClassVar[dict[str, Any]] = {}
    """pydantic `ConfigDict` settings of the validating model (``extra``, ``title``)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        specs = dict(cls.__record_fields__)
        mine = cls.__dict__
        defaults = mine["__record_defaults__"]
        annotations = mine.get("__annotations__", {})
        for name in mine["__record_own__"]:
            annotation = annotations[name]
            value = defaults.get(name, REQUIRED)
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
            specs[name] = spec
        cls.__record_fields__ = specs
        cls.__record_values__ = staticmethod(_getter(list(specs)))
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
        values = self.__record_values__
        same: bool = values(self) == values(other)
        return same

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={value!r}"
            for name, value in zip(
                self.__record_fields__, self.__record_values__(self), strict=True
            )
        )
        return f"{type(self).__name__}({shown})"

    def replace(self, **changes: Any) -> Self:
        """Return a copy with ``changes`` to its fields (nothing validated)."""
        unknown = changes.keys() - self.__record_fields__.keys()
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no field {sorted(unknown)[0]!r}"
            )
        values = dict(
            zip(self.__record_fields__, self.__record_values__(self), strict=True)
        )
        values.update(changes)
        return built(type(self), values)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy a record as its class, its fields' values and its
        extras (what a method cached is left out)."""
        mine = self.__dict__
        keep = {k: v for k, v in mine.items() if k[0] != "_"} if mine else None
        return (_rebuilt, (type(self), self.__record_values__(self), keep))


def built(cls: type[R], values: dict[str, Any]) -> R:
    """Return the ``cls`` record of fields ``values`` as they are (nothing
    validated); keys that are not fields are its extras."""
    made = object.__new__(cls)
    _fill(made, values)
    return made


def _rebuilt(cls: type[R], values: tuple[Any, ...], extra: dict[str, Any] | None) -> R:
    """Return a record `Record.__reduce__` took apart."""
    made = object.__new__(cls)
    for name, value in zip(cls.__record_fields__, values, strict=True):
        object.__setattr__(made, name, value)
    if extra:
        made.__dict__.update(extra)
    return made


def _fill(record: Record, values: dict[str, Any]) -> None:
    """Store ``values`` in a new record: fields in their slots (a field left out
    takes its default), the rest as extras."""
    specs = record.__record_fields__
    for name, value in values.items():
        if name in specs:
            object.__setattr__(record, name, value)
        else:
            record.__dict__[name] = value
    for name, spec in specs.items():
        if name not in values and not spec.required:
            default = spec.default
            fresh = default.copy() if type(default) in (list, dict) else default
            object.__setattr__(record, name, fresh)


def field_values(record: Record) -> tuple[Any, ...]:
    """Return a record's fields' values, in order."""
    found: tuple[Any, ...] = record.__record_values__(record)
    return found


def _getter(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """Return a function of a record that gives its fields ``names``' values, as a
    tuple (`operator.attrgetter`, which gives a lone value for one name)."""
    if not names:
        return lambda record: ()
    get = attrgetter(*names)
    if len(names) == 1:
        return lambda record: (get(record),)
    return get


def _hash(self: Record) -> int:
    """Return a record's hash: its class's and its fields' (a list is unhashable)."""
    return hash((type(self), *self.__record_values__(self)))


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
        "_fill": _fill,
        "_FRESH": _FRESH,
        "_settings": __import__(__name__, fromlist=["VALIDATE"]),
        "_cls": cls,
    }
    for number, name in enumerate(cls.__record_fields__):
        namespace[f"_set{number}"] = getattr(cls, name).__set__  # its slot
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
    names = [spec.name for spec in cls.__record_fields__.values()]
    source = "\n".join(
        [
            f"def __init__(self{', *, ' + ', '.join(params) if params else ''}):",
            *fresh,
            "    if _settings.VALIDATE is not None:",
            f"        _fill(self, _settings.VALIDATE(_cls, {{{', '.join(items)}}}))",
            "        return",
            *[f"    _set{number}(self, {name})" for number, name in enumerate(names)],
        ]
    )
    exec(source, namespace)  # noqa: S102 (source made above from field names)
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init
