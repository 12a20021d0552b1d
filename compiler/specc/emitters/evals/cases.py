"""Eval cases: one per behavioural example, with its rule, input turns and references.

A case is what every eval consumer reads: the `evals` target writes them as
`cases.jsonl` (with a JSON Schema beside it), the framework exports are made
from them, and `specc eval` sends their input turns to a model.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from specc import ir
from specc.emitters.base import spec_source_name

CASE_FORMAT: Final = "specc-eval-case/1"

Role = Literal["system", "developer", "user", "assistant", "tool"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Message(_Frozen):
    """One input turn as the spec gives it."""

    role: Role
    content: str
    attributes: dict[str, str] = {}
    """Tag attributes such as `recipient` or `name`."""


class Reference(_Frozen):
    """A reference answer the spec labels GOOD, BAD or OK."""

    label: Literal["GOOD", "BAD", "OK"] | None
    """The spec's verdict on this answer; absent when it gives none."""
    reason: str | None = None
    """Why, when the label says (`BAD: lectures the user`)."""
    refs: list[str] = []
    """Rule IDs the label cites."""
    content: str


class Normative(_Frozen):
    """One sentence of the rule that carries an RFC 2119 keyword."""

    strength: str
    text: str


class Source(_Frozen):
    """Where the example is: the spec file's name (no folders) and line."""

    path: str
    line: int


class Case(_Frozen):
    """One behavioural example of one rule, ready to evaluate a model against."""

    format: Literal["specc-eval-case/1"] = CASE_FORMAT
    id: str = Field(pattern=r"^[^\s#]+#[1-9][0-9]*$")
    """Stable ID: the rule ID, `#`, and the example's number within the rule."""
    spec: str
    rule: str
    """The rule the example belongs to."""
    example: int = Field(ge=1)
    """Position among the rule's behavioural examples, from 1."""
    title: str
    """The example's title."""
    rule_title: str
    authority: str | None
    """The rule's `authority` attribute (root, system, developer, user, guideline)."""
    text: str
    """The rule's own prose, as Markdown."""
    normative: list[Normative]
    """The rule's sentences with MUST, SHOULD, MAY and their negations."""
    input: list[Message]
    """The turns a model answers; earlier compared answers appear as their GOOD one."""
    references: list[Reference]
    """The compared answers to the last turn, with the spec's labels."""
    source: Source

    def good(self) -> list[Reference]:
        """Return the references labelled GOOD."""
        return [r for r in self.references if r.label == "GOOD"]


def json_schema() -> dict[str, object]:
    """Return the JSON Schema of one line of `cases.jsonl`."""
    schema = Case.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://specc.dev/schema/eval-case-1.json"
    return schema


def spec_cases(spec: ir.Spec) -> Iterator[Case]:
    """Yield one case per behavioural example of ``spec``, in source order."""
    for section in spec.walk():
        for conversation in section.conversations:
            yield build_case(spec, section, conversation)


def build_case(
    spec: ir.Spec, section: ir.Section, conversation: ir.Conversation
) -> Case:
    """Return the case of one conversation of ``section``."""
    rule = conversation.rule or section.id or spec.id
    return Case(
        id=f"{rule}#{conversation.index}",
        spec=spec.id,
        rule=rule,
        example=conversation.index,
        title=conversation.title,
        rule_title=section.title,
        authority=section.attributes.get("authority"),
        text=rule_text(section),
        normative=[
            Normative(strength=s.strength, text=s.text)
            for s in section.statements
            if s.strength is not None
        ],
        input=input_turns(conversation),
        references=[_reference(a) for a in _last_answers(conversation)],
        source=Source(path=spec_source_name(spec), line=conversation.span.line),
    )


def rule_text(section: ir.Section) -> str:
    """Return a section's own prose, paragraphs separated by blank lines."""
    parts = [b.markdown.strip() for b in section.content if isinstance(b, ir.Prose)]
    return "\n\n".join(p for p in parts if p)


def input_turns(conversation: ir.Conversation) -> list[Message]:
    """Return the turns before the last comparison, earlier comparisons as an answer.

    A conversation that compares answers twice continues after the first
    comparison as if the assistant had given its first GOOD answer there.
    """
    comparisons = conversation.comparisons
    earlier = {c.after: c for c in comparisons[:-1]}
    stop = comparisons[-1].after if comparisons else len(conversation.turns)
    messages: list[Message] = []
    for index, turn in enumerate(conversation.turns[:stop]):
        if index in earlier:
            messages.append(_chosen(earlier[index]))
        messages.append(
            Message(role=turn.role, content=turn.content, attributes=turn.attributes)
        )
    if stop in earlier:
        messages.append(_chosen(earlier[stop]))
    return messages


def _chosen(comparison: ir.Comparison) -> Message:
    good = [a for a in comparison.answers if a.label == "GOOD"]
    answer = (good or comparison.answers)[0]
    return Message(role="assistant", content=answer.content)


def _last_answers(conversation: ir.Conversation) -> list[ir.Answer]:
    return conversation.comparisons[-1].answers if conversation.comparisons else []


def _reference(answer: ir.Answer) -> Reference:
    return Reference(
        label=answer.label,
        reason=answer.reason,
        refs=answer.refs,
        content=answer.content,
    )


def to_jsonl(cases: list[Case]) -> str:
    """Return cases as JSON Lines, one compact object per line, fixed key order."""
    return "".join(
        json.dumps(c.model_dump(mode="json"), ensure_ascii=False) + "\n" for c in cases
    )


def read_jsonl(text: str) -> list[Case]:
    """Return the cases of a `cases.jsonl` (raises ValueError on a bad line)."""
    return [Case.model_validate_json(line) for line in text.splitlines() if line]


def chat_messages(case: Case, developer: str = "developer") -> list[dict[str, str]]:
    """Return a case's input as chat messages any OpenAI-compatible API accepts.

    A tool's output becomes a user message that says so (a chat API wants a
    tool call before a tool message), and ``developer`` names the role that
    developer messages take (`system` for APIs without one).
    """
    messages = []
    for message in case.input:
        role: str = message.role
        content = message.content
        if role == "tool":
            name = message.attributes.get("name")
            label = f"output of tool {name}" if name else "tool output"
            role, content = "user", f"[{label}]\n{content}"
        elif role == "developer":
            role = developer
        messages.append({"role": role, "content": content})
    return messages
