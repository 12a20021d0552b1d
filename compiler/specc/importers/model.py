"""What an import builds before it is written: declarations, rules and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Prim:
    """A primitive type: `bool`, `int`, `float`, `string`."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Named:
    """A declared type, by name."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ListOf:
    """`list<T>`."""

    item: Type

    def __str__(self) -> str:
        return f"list<{self.item}>"


@dataclass(frozen=True)
class MapOf:
    """`map<string, V>` (JSON objects have string keys)."""

    value: Type

    def __str__(self) -> str:
        return f"map<string, {self.value}>"


@dataclass(frozen=True)
class Opt:
    """`T?`."""

    inner: Type

    def __str__(self) -> str:
        return f"{self.inner}?"


Type = Prim | Named | ListOf | MapOf | Opt

BOOL, INT, FLOAT, STRING = Prim("bool"), Prim("int"), Prim("float"), Prim("string")


def optional(t: Type) -> Type:
    """Return ``t?`` (an optional stays as it is)."""
    return t if isinstance(t, Opt) else Opt(t)


@dataclass
class Field:
    """A record, tag or error field, or a function parameter."""

    name: str
    type: Type
    doc: list[str] = field(default_factory=list)
    default: Any = None
    """The JSON default; once checked, the spec value it is written as."""
    has_default: bool = False
    json_name: str | None = None
    """The property name in JSON when it is not a spec identifier."""
    pointer: str = ""
    """Where the property is in the input document."""


@dataclass
class Decl:
    """A declaration to write: a record, enum, variant, alias or error."""

    kind: str
    name: str
    doc: list[str] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    members: list[tuple[str, str]] = field(default_factory=list)
    """An enum's members: (spec name, JSON value)."""
    tags: list[tuple[str, str, list[Field]]] = field(default_factory=list)
    """A variant's tags: (spec name, JSON value, fields)."""
    tag_property: str = "kind"
    target: Type | None = None
    message: str | None = None
    raw: bool = False
    """An alias standing for JSON text (any JSON value, or a construct kept verbatim)."""


@dataclass
class Function:
    """A function made from an OpenAPI operation."""

    name: str
    params: list[Field]
    returns: Type
    raises: list[str]
    doc: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    """Example lines, and `# …` comments for examples that did not type-check."""


@dataclass
class Rule:
    """A section of the written spec: a rule with prose, declarations, a function."""

    id: str
    title: str
    prose: list[str] = field(default_factory=list)
    decls: list[Decl] = field(default_factory=list)
    function: Function | None = None


@dataclass(frozen=True)
class Warning:
    """A construct that did not map: where it is and what was done instead."""

    pointer: str
    """The JSON Pointer of the construct in the input document."""
    message: str

    def __str__(self) -> str:
        return f"#{self.pointer}: {self.message}"


@dataclass
class Imported:
    """An imported document: its front matter, rules and what did not map."""

    spec_id: str
    title: str
    version: str
    summary: str
    rules: list[Rule]
    warnings: list[Warning]
    source: str
    """What the document was (`OpenAPI 3.1.0`, `JSON Schema draft 2020-12`)."""
