"""The deterministic script writer: each rule told at a chosen detail, packed into episodes."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from specc import ir
from specc.emitters import podcast_speech as speech
from specc.emitters.base import spec_source_name
from specc.emitters.podcast_script import (
    WORDS_PER_MINUTE,
    Episode,
    Script,
    Segment,
    Speaker,
    Turn,
    word_count,
)

if TYPE_CHECKING:
    import jinja2

TURNS_TEMPLATE = "podcast/turns.txt.jinja"
_LETTERS = re.compile(r"[^\W\d_].*[^\W\d_]", re.S)
#: Longest stretch of prose one turn reads before the other speaker comes in.
TURN_WORDS = 60
#: How far the writer lets an episode stray from its target before it re-balances
#: (the conformance check allows 20 %).
FIT = 0.05


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

    def _unit(self, segment: int, section: ir.Section, index: int, tell) -> Unit:  # type: ignore[no-untyped-def]
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


# --- episodes ------------------------------------------------------------------


@dataclass(frozen=True)
class Show:
    """What every episode of one spec shares."""

    spec: ir.Spec
    speakers: tuple[Speaker, ...]
    say: Phrases
    units: tuple[Unit, ...]


def write_script(
    spec: ir.Spec,
    env: jinja2.Environment,
    speakers: Sequence[Speaker],
    minutes: float | None,
    max_minutes: float,
) -> Script:
    """Return the script of a spec: every rule told once, split into episodes."""
    say = Phrases(env)
    units = tuple(Teller(spec, say, len(speakers) == 1).units())
    show = Show(spec, tuple(speakers), say, units)
    if minutes is None:
        groups = _split_by_cap(show, max_minutes * WORDS_PER_MINUTE)
        plans = [[DEFAULT_LEVEL] * len(g) for g in groups]
    else:
        groups = _split_by_target(show, minutes * WORDS_PER_MINUTE)
        plans = [
            _fit(show, groups, n, minutes * WORDS_PER_MINUTE)
            for n in range(len(groups))
        ]
    episodes = [_episode(show, groups, n, plans[n]) for n in range(len(groups))]
    return Script(
        spec=spec.id,
        title=show_title(spec),
        version=spec.version,
        source=spec_source_name(spec),
        speakers=list(speakers),
        target_minutes=minutes,
        episodes=episodes,
    )


def _overhead(show: Show) -> int:
    """Return the words of an episode's intro and outro, without any rule."""
    return _episode(show, [[]], 0, []).words


def _split_by_cap(show: Show, cap: float) -> list[list[int]]:
    """Return unit indexes in as few balanced episodes as keep each under ``cap``."""
    weights = [u.weight for u in show.units]
    room = max(cap - _overhead(show), 1.0)
    count = min(max(1, math.ceil(sum(weights) / room)), max(1, len(weights)))
    return _partition(weights, count)


def _split_by_target(show: Show, target: float) -> list[list[int]]:
    """Return unit indexes in the number of episodes that best fits ``target`` words."""
    units = show.units
    if not units:
        return [[]]
    room = max(target - _overhead(show), 1.0)
    ideal = sum(u.weight for u in units) / room
    candidates = range(
        max(1, math.floor(ideal) - 1), min(len(units), math.ceil(ideal) + 1) + 1
    )

    def misfit(count: int) -> tuple[float, float]:
        worst = 0.0
        for group in _partition([u.weight for u in units], count):
            low = sum(units[i].words[0] + word_count(units[i].title) for i in group)
            high = sum(units[i].words[-1] + word_count(units[i].title) for i in group)
            worst = max(worst, max(low - room, room - high, 0.0) / room)
        return worst, abs(count - ideal)

    best = min(candidates, key=misfit)
    return _partition([u.weight for u in units], best)


def _partition(weights: list[int], count: int) -> list[list[int]]:
    """Return ``count`` non-empty runs of indexes whose weights are about equal."""
    if not weights:
        return [[]]
    total = sum(weights)
    groups: list[list[int]] = [[]]
    done = 0
    for i, weight in enumerate(weights):
        still_needed = count - len(groups)
        boundary = total * len(groups) / count
        if groups[-1] and still_needed > 0:
            if done + weight / 2 > boundary or len(weights) - i <= still_needed:
                groups.append([])
        groups[-1].append(i)
        done += weight
    return groups


def _fit(show: Show, groups: list[list[int]], number: int, target: float) -> list[int]:
    """Return levels for one episode's units that bring it near ``target`` words."""
    units = [show.units[i] for i in groups[number]]
    levels = [DEFAULT_LEVEL] * len(units)
    fixed = _episode(show, groups, number, levels).words - sum(
        u.words[DEFAULT_LEVEL] for u in units
    )
    low, high = (target - fixed) * (1 - FIT), (target - fixed) * (1 + FIT)
    current = sum(u.words[DEFAULT_LEVEL] for u in units)
    while current > high:
        steps = [
            (units[i].words[lv] - units[i].words[lv - 1], i)
            for i, lv in enumerate(levels)
            if lv > 0
        ]
        steps = [s for s in steps if s[0] > 0]
        if not steps:
            break
        enough = [s for s in steps if current - s[0] >= low]
        saving, i = max(enough) if enough else min(steps)
        levels[i] -= 1
        current -= saving
    while current < low:
        steps = [
            (units[i].words[lv + 1] - units[i].words[lv], i)
            for i, lv in enumerate(levels)
            if lv + 1 < len(LEVELS)
        ]
        steps = [s for s in steps if s[0] > 0 and current + s[0] <= high]
        if not steps:
            break
        gain, i = max(steps)
        levels[i] += 1
        current += gain
    return levels


def _episode(
    show: Show, groups: list[list[int]], number: int, levels: list[int]
) -> Episode:
    """Return one episode: intro, a segment per top-level section, recap."""
    units = [show.units[i] for i in groups[number]]
    first = groups[number][0] if groups[number] else None
    sections = show.spec.sections
    parts: list[tuple[str, str | None, list[Line]]] = []
    for unit, level in zip(units, levels):
        if not parts or parts[-1][0] != f"{unit.segment}":
            top = sections[unit.segment]
            title = speech.spoken(top.title)
            continued = (
                first is not None
                and unit is show.units[first]
                and (first > 0 and show.units[first - 1].segment == unit.segment)
            )
            opener = show.say(
                "segment_open",
                title=title,
                number=unit.segment + 1,
                continued=continued,
            )
            parts.append((f"{unit.segment}", top.id, [Line(opener)]))
        parts[-1][2].extend(unit.levels[level])
    titles = [speech.spoken(sections[int(p[0])].title) for p in parts]
    body = [(t, p[1], p[2]) for t, p in zip(titles, parts)]
    intro = _intro(show, number, len(groups), titles, units)
    recap = _recap(show, groups, number, units)
    return _assemble(show, number, len(groups), titles, intro, body, recap)


def _intro(
    show: Show, number: int, total: int, titles: list[str], units: list[Unit]
) -> list[Line]:
    """Return the welcome, the speakers, what the spec is for and the outline."""
    spec, say, speakers = show.spec, show.say, show.speakers
    lines = [
        say(
            "welcome",
            title=show_title(spec),
            speaker=speakers[0].name,
            role=speakers[0].role,
            episode=number + 1,
            episodes=total,
        )
    ]
    for k, speaker in enumerate(speakers[1:], start=2):
        lines.append(
            say(
                "introduce",
                speaker=speaker.name,
                role=speaker.role,
                last=k == len(speakers),
            )
        )
    lines.append(
        say(
            "purpose",
            title=show_title(spec),
            version=spec.version or "",
            summary=_purpose(spec),
            episode=number + 1,
        )
    )
    if units:
        lines.append(
            say(
                "outline",
                sections=speech.join_words(titles),
                rules=sum(1 for u in units if u.rule),
                episode=number + 1,
                episodes=total,
            )
        )
    return [Line(text) for text in lines]


def show_title(spec: ir.Spec) -> str:
    """Return the spec's title as spoken; the spec's name when the title is only its first heading."""
    sections = spec.sections
    if len(sections) > 1 and spec.title == sections[0].title:
        # The front end falls back to the first heading, which names one part of
        # a document with several top-level headings, not the document.
        return speech.name_words(spec.id).title()
    return speech.spoken(spec.title)


def _purpose(spec: ir.Spec) -> str:
    """Return what the spec is for: its summary, else its first sentence."""
    if spec.summary.strip():
        return speech.spoken(spec.summary)
    for section in spec.walk():
        for statement in section.statements:
            text = speech.spoken(statement.text)
            if text:
                return speech.abridge(text, 40)
    return f"It is called {speech.spoken(spec.title)}."


def _recap(
    show: Show, groups: list[list[int]], number: int, units: list[Unit]
) -> list[Line]:
    """Return the recap of the rules covered and the sign-off."""
    lines = []
    told = [u.title for u in units if u.rule]
    if told:
        lines.append(
            show.say(
                "recap",
                titles=speech.join_words(told),
                episode=number + 1,
                episodes=len(groups),
            )
        )
    upcoming = groups[number + 1] if number + 1 < len(groups) else []
    next_titles = list(
        dict.fromkeys(
            speech.spoken(show.spec.sections[show.units[i].segment].title)
            for i in upcoming
        )
    )
    lines.append(
        show.say(
            "outro",
            title=show_title(show.spec),
            episode=number + 1,
            episodes=len(groups),
            next=speech.join_words(next_titles),
        )
    )
    return [Line(text) for text in lines]


def _assemble(
    show: Show,
    number: int,
    total: int,
    titles: list[str],
    intro: list[Line],
    body: list[tuple[str, str | None, list[Line]]],
    recap: list[Line],
) -> Episode:
    """Return the episode with speakers taking turns in order."""
    speakers = show.speakers
    segments = []
    spoken = 0
    for title, section, lines in [
        ("Intro", None, intro),
        *body,
        ("Recap", None, recap),
    ]:
        turns = []
        for line in lines:
            speaker = speakers[spoken % len(speakers)].name
            turns.append(Turn(speaker=speaker, text=line.text, rules=list(line.rules)))
            spoken += 1
        segments.append(Segment(title=title, section=section, turns=turns))
    words = sum(word_count(t.text) for s in segments for t in s.turns)
    if total == 1 or not titles:
        name = show_title(show.spec)
    elif len(titles) <= 2:
        name = speech.join_words(titles)
    else:
        name = f"{titles[0]} to {titles[-1]}"
    return Episode(
        number=number + 1,
        title=name,
        words=words,
        minutes=round(words / WORDS_PER_MINUTE, 1),
        segments=segments,
    )
