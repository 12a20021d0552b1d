"""The podcast target's LLM-assisted part: natural dialogue for each segment of the plan.

The deterministic writer still decides which rules go in which episode and
segment, in what order. The model rewrites each segment that discusses rules
as two-host dialogue; the answer is checked against the plan (every planned
rule cited by ID, no other ID, speakers in turn, length within bounds). A
failing segment is asked again with the check's message, then falls back to
the template's version with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from specc.diagnostics import Diagnostic
from specc.emitters.podcast.script import (
    WORDS_PER_MINUTE,
    Episode,
    Script,
    Segment,
    Turn,
    word_count,
)
from specc.llm.prompts import answer_json, messages

if TYPE_CHECKING:
    from specc import ir
    from specc.emitters.base import EmitContext
    from specc.llm.client import Request

PROMPT = "llm/podcast_segment.jinja"
FEEDBACK = "llm/podcast_feedback.jinja"
JSON_OBJECT = {"type": "json_object"}
#: Bounds on a segment's words, relative to the template's version of it.
LOOSE, TIGHT = (0.5, 2.0), (0.85, 1.15)
MIN_WORDS = 20


@dataclass(frozen=True)
class Job:
    """One segment of the plan to be told as dialogue."""

    episode: int
    index: int
    """The segment's index in its episode."""
    plan: Segment
    rules: tuple[str, ...]
    """IDs the segment must cite, in the plan's order."""
    names: tuple[str, ...]
    """The speakers, in the order they take turns."""
    first: int
    """Index of who speaks first; the rotation goes on from there."""
    last: str
    """Who must speak last, so the next segment's rotation is the plan's."""
    low: int
    high: int


def converse(ctx: EmitContext, spec: ir.Spec, script: Script) -> Script:
    """Return the script with each rule-bearing segment told by the model, or the plan's."""
    tight = script.target_minutes is not None
    names = [s.name for s in script.speakers]
    jobs = [
        _job(e, i, segment, names, tight)
        for e, episode in enumerate(script.episodes)
        for i, segment in enumerate(episode.segments)
        if any(t.rules for t in segment.turns)
    ]
    prompts = [_prompt(ctx, spec, script, job) for job in jobs]
    told = _ask(ctx, spec, jobs, prompts)
    episodes = []
    for e, episode in enumerate(script.episodes):
        segments = [told.get((e, i), s) for i, s in enumerate(episode.segments)]
        episodes.append(_episode(episode, segments))
    return script.model_copy(update={"episodes": episodes})


def _job(episode: int, index: int, plan: Segment, names: list[str], tight: bool) -> Job:
    rules = tuple(dict.fromkeys(r for t in plan.turns for r in t.rules))
    first = names.index(plan.turns[0].speaker)
    words = sum(word_count(t.text) for t in plan.turns)
    low, high = TIGHT if tight else LOOSE
    return Job(
        episode,
        index,
        plan,
        rules,
        tuple(names),
        first,
        plan.turns[-1].speaker,
        max(MIN_WORDS, int(words * low)),
        int(words * high) + 1,
    )


def _prompt(
    ctx: EmitContext, spec: ir.Spec, script: Script, job: Job
) -> list[dict[str, str]]:
    rules = [spec.rule(r) for r in job.rules]
    return messages(
        ctx.env,
        PROMPT,
        spec=spec,
        script=script,
        segment=job.plan,
        rules=[r for r in rules if r is not None],
        rule_ids=job.rules,
        first=job.names[job.first],
        last=job.last,
        speakers=script.speakers,
        low=job.low,
        high=job.high,
    )


def _ask(
    ctx: EmitContext,
    spec: ir.Spec,
    jobs: list[Job],
    prompts: list[list[dict[str, str]]],
) -> dict[tuple[int, int], Segment]:
    """Ask for every segment at once, ask again for the failing ones, then settle."""
    told: dict[tuple[int, int], Segment] = {}
    pending = list(zip(jobs, prompts, strict=True))
    for attempt in (1, 2):
        requests = [_request(spec, job, prompt) for job, prompt in pending]
        answers = ctx.llm.complete_many(requests) if requests else []
        retry = []
        for (job, prompt), answer in zip(pending, answers, strict=True):
            turns, problem = check(job, answer.text)
            if turns is not None:
                told[(job.episode, job.index)] = job.plan.model_copy(
                    update={"turns": turns, "generated_by": ctx.llm.settings.model}
                )
            elif attempt == 1:
                reply = messages(ctx.env, FEEDBACK, problem=problem, segment=job.plan)
                retry.append(
                    (
                        job,
                        prompt
                        + [{"role": "assistant", "content": answer.text}]
                        + reply,
                    )
                )
            else:
                ctx.diagnostics.append(_fallback(spec, job, problem))
        pending = retry
    return told


def _request(spec: ir.Spec, job: Job, prompt: list[dict[str, str]]) -> Request:
    from specc.llm.client import Request

    first = spec.rule(job.rules[0])
    return Request(
        f"podcast/{spec.id}",
        prompt,
        rule=", ".join(job.rules),
        response_format=JSON_OBJECT,
        span=first.span if first is not None else None,
    )


def check(job: Job, answer: str) -> tuple[list[Turn] | None, str]:
    """Return the answer's turns if they fit the plan, else None and what is wrong."""
    try:
        data = answer_json(answer)
        raw = data["turns"]
        turns = [
            Turn(
                speaker=str(t["speaker"]),
                text=" ".join(str(t["text"]).split()),
                rules=[str(r) for r in t.get("rules", [])],
            )
            for t in raw
        ]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        return (
            None,
            f"the answer is not the JSON object asked for ({type(error).__name__}: {error})",
        )
    problem = _misfit(job, turns)
    return (None, problem) if problem else (turns, "")


def _misfit(job: Job, turns: list[Turn]) -> str:
    """Return what keeps the turns from fitting the plan, or an empty string."""
    if not turns or any(not t.text for t in turns):
        return "every turn needs some text"
    cited = {r for t in turns for r in t.rules}
    missing = [r for r in job.rules if r not in cited]
    if missing:
        return (
            "it does not cite " + ", ".join(f"rule `{r}`" for r in missing) + " by ID"
        )
    invented = sorted(cited - set(job.rules))
    if invented:
        return (
            "it cites "
            + ", ".join(f"`{r}`" for r in invented)
            + ", which this segment does not plan"
        )
    for k, turn in enumerate(turns):
        expected = job.names[(job.first + k) % len(job.names)]
        if turn.speaker != expected:
            return (
                f"turn {k + 1} is {turn.speaker}'s, but {expected} speaks there "
                "(the speakers take turns in order)"
            )
    if turns[-1].speaker != job.last:
        return f"the last turn must be {job.last}'s"
    words = sum(word_count(t.text) for t in turns)
    if not job.low <= words <= job.high:
        return f"it has {words} words, outside {job.low} to {job.high}"
    return ""


def _episode(episode: Episode, segments: list[Segment]) -> Episode:
    """Return the episode with new segments and its length counted again."""
    words = sum(word_count(t.text) for s in segments for t in s.turns)
    return episode.model_copy(
        update={
            "segments": segments,
            "words": words,
            "minutes": round(words / WORDS_PER_MINUTE, 1),
        }
    )


def _fallback(spec: ir.Spec, job: Job, problem: str) -> Diagnostic:
    from specc.source import Span

    rule = spec.rule(job.rules[0])
    return Diagnostic(
        "W133",
        f"`podcast/{spec.id}` episode {job.episode + 1}, segment "
        f"\u201c{job.plan.title}\u201d: the generated dialogue failed its check twice "
        f"({problem}); the template version serves",
        rule.span if rule is not None else Span(path=spec.path, line=1),
    )
