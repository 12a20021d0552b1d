"""Telling rules aloud: each rule of a spec as spoken lines, at four levels of detail."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from specc import ir
from specc.emitters.podcast import speech
from specc.emitters.podcast.script import word_count

if TYPE_CHECKING:
    import jinja2

TURNS_TEMPLATE = "podcast/turns.txt.jinja"
_LETTERS = re.compile(r"[^\W\d_].*[^\W\d_]", re.S)
#: Longest stretch of prose one turn reads before the other speaker comes in.
TURN_WORDS = 60


@dataclass(frozen=True)
class Detail:
    """How much of a rule one level of detail tells."""

    statements: int
    """Prose sentences read beyond the capitalised MUST/SHOULD ones."""
    examples: int
    """Code examples read out."""
    conversations: int
    """Example conversations read out (one fewer when code examples are read)."""
    answers: int
    """Compared answers read per conversation (a GOOD and a BAD one first)."""
    context: int
    """Messages of a conversation read before its answers."""
    quote_words: int
    """Words each quoted message is cut to."""


LEVELS = (
    Detail(1, 1, 1, 2, 1, 18),
    Detail(3, 1, 1, 2, 2, 40),
    Detail(5, 2, 1, 3, 3, 70),
    Detail(8, 3, 2, 4, 4, 110),
)
DEFAULT_LEVEL = 1


@dataclass(frozen=True)
class Line:
    """A turn before it has a speaker: its text and the rules it discusses."""

    text: str
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unit:
    """One rule (or a rule-less top-level section's prose) at every level of detail."""

    segment: int
    """Index of the top-level section it belongs to."""
    rule: str | None
    title: str
    levels: tuple[tuple[Line, ...], ...]
    words: tuple[int, ...]

    @property
    def weight(self) -> int:
        """Return its words at the default level plus its mention in the recap."""
        return self.words[DEFAULT_LEVEL] + word_count(self.title) + 1


class Phrases:
    """The spoken lines of `turns.txt.jinja`, one macro per kind of turn."""

    def __init__(self, env: jinja2.Environment) -> None:
        self._module = env.get_template(TURNS_TEMPLATE).module

    def __call__(self, macro: str, **values: object) -> str:
        """Render one macro as a single line of text."""
        return " ".join(str(getattr(self._module, macro)(**values)).split())


class Teller:
    """Tells one spec's rules as lines, at any level of detail."""

    def __init__(self, spec: ir.Spec, say: Phrases, solo: bool) -> None:
        self.spec = spec
        self.say = say
        self.solo = solo
        self.values = speech.ValueSpeaker()
        self.titles = {str(r.id): r.title for r in spec.rules()}

    def text(self, markdown: str) -> str:
        """Return spec prose as spoken text, with `[?](#id)` links named."""
        return speech.spoken(speech.resolve_links(markdown, self.titles))

    def units(self) -> list[Unit]:
        """Return every rule of the spec, top-level section by section, in order."""
        units: list[Unit] = []
        for number, top in enumerate(self.spec.sections):
            if not top.is_rule and top.statements:
                units.append(self._unit(number, top, len(units), self.section_prose))
            for section in top.walk():
                if section.is_rule:
                    units.append(self._unit(number, section, len(units), self.rule))
        return units

    def _unit(
        self,
        segment: int,
        section: ir.Section,
        index: int,
        tell: Callable[[ir.Section, int, Detail], list[Line]],
    ) -> Unit:
        levels = tuple(tuple(tell(section, index, d)) for d in LEVELS)
        return Unit(
            segment,
            section.id,
            speech.spoken(section.title),
            levels,
            tuple(sum(word_count(line.text) for line in lines) for lines in levels),
        )

    def section_prose(
        self, section: ir.Section, index: int, detail: Detail
    ) -> list[Line]:
        """Return the opening prose of a top-level section that is not a rule."""
        texts = self.statements(section, detail)
        return [Line(self.say("section_prose", text=t)) for t in _chunks(texts)]

    def rule(self, section: ir.Section, index: int, detail: Detail) -> list[Line]:
        """Return one rule's lines: lead-in, requirements, declarations, examples."""
        cite = (str(section.id),)
        attributes = sorted(section.attributes.items())
        lines = [
            self.say(
                "lead_in",
                title=speech.spoken(section.title),
                index=index,
                attributes=attributes,
            )
        ]
        texts = self.statements(section, detail)
        for number, chunk in enumerate(_chunks(texts)):
            lines.append(self.say("says", text=chunk, first=number == 0))
        children = [speech.spoken(c.title) for c in section.sections if c.is_rule]
        if not texts and children:
            lines.append(self.say("groups", titles=speech.join_words(children)))
        declared = self.declarations(section, detail, bool(texts))
        if declared:
            lines.append(self.say("declares", items=declared, also=len(lines) > 1))
        lines += self.examples(section, index, detail)
        if len(lines) == 1:
            lines.append(self.say("nothing_more"))
        return [Line(text, cite) for text in lines]

    def statements(self, section: ir.Section, detail: Detail) -> list[str]:
        """Return the MUST/SHOULD statements and a few more sentences, in order."""
        found = section.statements
        capital = [i for i, s in enumerate(found) if s.strength]
        usable = [
            i
            for i, s in enumerate(found)
            if not s.strength
            and not s.text.rstrip().endswith(":")
            and not s.text[:1].islower()
            and (detail is LEVELS[-1] or word_count(s.text) <= 80)
        ]
        # The first requirement, then the topic sentence, then other requirements.
        normative = [i for i in usable if speech.is_normative(found[i])]
        ranked = list(dict.fromkeys([*normative[:1], *usable[:1], *normative, *usable]))
        chosen = sorted(capital + ranked[: detail.statements])
        texts = [self.text(found[i].text) for i in chosen]
        return [t for t in texts if t]

    def declarations(self, section: ir.Section, detail: Detail, prose: bool) -> str:
        """Return the types (and, at more detail, functions) a rule declares."""
        decls: list[ir.TypeDecl | ir.Function] = [
            t for t in self.spec.types if t.rule == section.id
        ]
        if detail is not LEVELS[0] or not prose:
            decls += [f for f in self.spec.functions if f.rule == section.id]
        phrases = [speech.declaration_phrase(d) for d in decls]
        return speech.join_words(phrases, "; ")

    def examples(self, section: ir.Section, index: int, detail: Detail) -> list[str]:
        """Return a rule's chosen code examples and conversations, read out."""
        code = _pick_examples(section.examples, detail.examples)
        talks = _pick_conversations(
            section.conversations, detail.conversations - (1 if code else 0)
        )
        if not code and not talks:
            return []
        lines = [] if self.solo else [self.say("ask_example", index=index)]
        for number, example in enumerate(code):
            sentence = speech.example_sentence(self.spec, example, self.values)
            lines.append(self.say("code_example", sentence=sentence, first=number == 0))
        for talk in talks:
            lines += self.conversation(talk, detail)
        return lines

    def conversation(self, talk: ir.Conversation, detail: Detail) -> list[str]:
        """Return a conversation's setup and its compared answers, read out."""
        comparison = talk.comparisons[0] if talk.comparisons else None
        before = talk.turns[: comparison.after] if comparison else talk.turns
        picked = _pick_context(before, detail.context)
        said = [
            f"{speech.ROLE_VERBS[t.role]}: {self.quoted(t.content, detail.quote_words)}"
            for t in picked
        ]
        lines = [
            self.say(
                "conversation",
                title=self.text(talk.title).rstrip(" .:;,"),
                lines=said,
                skipped=len(before) - len(picked),
            )
        ]
        for answer in _pick_answers(comparison.answers if comparison else [], detail):
            lines.append(
                self.say(
                    "answer",
                    label=answer.label or "",
                    reason=self.text(answer.reason or ""),
                    text=self.quoted(answer.content, detail.quote_words),
                )
            )
        return lines

    def quoted(self, markdown: str, limit: int) -> str:
        """Return a message as a quotation, or say it is only code or markup."""
        text = self.text(markdown)
        if not _LETTERS.search(text):
            return "something that is only code or markup"
        return speech.quote(speech.abridge(text, limit))


def _chunks(texts: list[str]) -> list[str]:
    """Return sentences grouped into turns of about `TURN_WORDS` words."""
    chunks: list[str] = []
    for text in texts:
        if chunks and word_count(chunks[-1]) + word_count(text) <= TURN_WORDS:
            chunks[-1] += " " + text
        else:
            chunks.append(text)
    return chunks


def _pick_examples(examples: list[ir.Example], count: int) -> list[ir.Example]:
    """Return the first example, a failing one when there is room, then the next ones."""
    if not examples or count <= 0:
        return []
    keep = [0]
    raising = next((i for i, e in enumerate(examples) if e.expect == "raises"), None)
    if count > 1 and raising is not None and raising not in keep:
        keep.append(raising)
    for i in range(len(examples)):
        if len(keep) >= count:
            break
        if i not in keep:
            keep.append(i)
    return [examples[i] for i in sorted(keep)]


def _pick_conversations(
    talks: list[ir.Conversation], count: int
) -> list[ir.Conversation]:
    """Return conversations with both a GOOD and a BAD answer first, then the rest."""
    if count <= 0:
        return []
    labels = [{a.label for a in t.answers} for t in talks]
    both = [i for i, seen in enumerate(labels) if {"GOOD", "BAD"} <= seen]
    order = both + [i for i in range(len(talks)) if i not in both]
    return [talks[i] for i in sorted(order[:count])]


def _pick_context(turns: list[ir.Turn], count: int) -> list[ir.Turn]:
    """Return the last messages before the answers, and an opening system prompt."""
    if len(turns) <= count:
        return list(turns)
    tail = list(turns[len(turns) - count :]) if count else []
    if count >= 2 and turns[0].role in ("system", "developer"):
        tail = [turns[0], *turns[len(turns) - count + 1 :]]
    return tail


def _pick_answers(answers: list[ir.Answer], detail: Detail) -> list[ir.Answer]:
    """Return the first GOOD and first BAD answer, then others up to the limit."""
    keep: list[int] = []
    for label in ("GOOD", "BAD"):
        first = next((i for i, a in enumerate(answers) if a.label == label), None)
        if first is not None:
            keep.append(first)
    for i in range(len(answers)):
        if len(keep) >= detail.answers:
            break
        if i not in keep:
            keep.append(i)
    return [answers[i] for i in sorted(keep)]
