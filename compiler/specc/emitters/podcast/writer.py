"""The deterministic script writer: rules told at a chosen detail, packed into episodes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from specc import ir
from specc.emitters.base import spec_source_name
from specc.emitters.podcast import speech
from specc.emitters.podcast.script import (
    WORDS_PER_MINUTE,
    Episode,
    Script,
    Segment,
    Speaker,
    Turn,
    word_count,
)
from specc.emitters.podcast.teller import (
    DEFAULT_LEVEL,
    LEVELS,
    Line,
    Phrases,
    Teller,
    Unit,
)

if TYPE_CHECKING:
    import jinja2

#: How far the writer lets an episode stray from its target before it re-balances
#: (the conformance check allows 20 %).
FIT = 0.05


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
    for unit, level in zip(units, levels, strict=True):
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
    body = [(t, p[1], p[2]) for t, p in zip(titles, parts, strict=True)]
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
