"""Sections and blocks as lowering holds them until every declaration is known."""

from __future__ import annotations

from dataclasses import dataclass, field

from specc import ir
from specc.frontend.check.typed import TypedExample
from specc.frontend.parse import RawBlock, RawSection
from specc.frontend.values import RawLine
from specc.source import Span


@dataclass(eq=False, repr=False)
class PendingExamples:
    """An `examples` block read but not yet typed (declarations may follow it)."""

    block: RawBlock
    raws: list[RawLine | TypedExample]
    """Lines as read (none typed yet: declarations are not known)."""


@dataclass(eq=False, repr=False)
class PendingDecls:
    """A `specc` block whose declarations are checked once the spec is read."""

    block: RawBlock
    names: list[str]


Item = (
    ir.Prose
    | ir.Commentary
    | ir.Code
    | ir.ConversationBlock
    | ir.Examples
    | PendingExamples
    | PendingDecls
)
"""A block of a section: final IR, or pending until the declarations are checked."""


@dataclass(eq=False, repr=False)
class SectionDraft:
    """A section with its blocks lowered but its examples not yet typed."""

    raw: RawSection
    id: str | None
    title: str
    attributes: dict[str, str]
    span: Span
    rule: str | None
    """Its own rule ID, else the enclosing section's."""
    items: list[Item] = field(default_factory=list)
    statements: list[ir.Statement] = field(default_factory=list)
    links: list[ir.Link] = field(default_factory=list)
    children: list[SectionDraft] = field(default_factory=list)
