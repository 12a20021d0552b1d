"""The podcast target: a spoken walk through each spec, as a script for people and machines.

For every spec it writes `<spec>/script.md` (the whole script, every episode, for
people to read or record) and `<spec>/script.json` (the same script for machines),
and once `script.schema.json`, the JSON Schema both JSON files point at. A long
spec becomes several episodes in the one script, split between rules, never
inside one; `specc build --target podcast --audio` renders `<spec>/episode-NN.wav`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from specc import ir
from specc.diagnostics import Diagnostic
from specc.emitters.base import EmitContext, Emitter, OutputFile, header, owned_by
from specc.emitters.base import Options as BaseOptions
from specc.emitters.podcast.script import (
    SCHEMA_FILE,
    WORDS_PER_MINUTE,
    Episode,
    Script,
    Speaker,
    json_schema,
    to_json,
)
from specc.naming import path_segment
from specc.records import field, validator
from specc.source import Span

if TYPE_CHECKING:
    import jinja2

#: How far an episode's estimated length may stray from the target.
TOLERANCE = 0.20

DEFAULT_SPEAKERS = (
    Speaker(name="Alex", role="host"),
    Speaker(name="Sam", role="expert"),
)


class PodcastEmitter(Emitter):
    """Emit one script (Markdown and JSON) per spec, and the script's JSON Schema."""

    name = "podcast"
    description = "Podcast script walking through every rule: script.md and script.json"
    llm_backend = True

    class Options(BaseOptions):
        """Options of the podcast target."""

        speakers: list[Speaker] = field(default=list(DEFAULT_SPEAKERS), min_length=1)
        """Who speaks, with names and roles; turns rotate through them in order."""
        minutes: float | None = field(default=None, gt=0)
        """Target length of each episode; episodes are split and told to fit it."""
        max_minutes: float = field(default=20, gt=0)
        """Without a target, the longest an episode may run before the next begins."""

        @validator("speakers")
        def _distinct_names(cls, speakers: list[Speaker]) -> list[Speaker]:
            names = [s.name for s in speakers]
            if len(set(names)) != len(names):
                raise ValueError("speaker names must be distinct")
            return speakers

    def emit(self, ctx: EmitContext) -> Iterable[OutputFile]:
        if ctx.specs:
            schema = json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
            yield OutputFile(SCHEMA_FILE, schema)
        for spec in ctx.specs:
            yield from owned_by(spec, self.script(ctx, spec))

    def script(self, ctx: EmitContext, spec: ir.Spec) -> Iterable[OutputFile]:
        """Return one spec's script as Markdown and JSON."""
        from specc.emitters.podcast.writer import write_script

        options = ctx.options
        assert isinstance(options, PodcastEmitter.Options)
        script = write_script(
            spec, ctx.env, options.speakers, options.minutes, options.max_minutes
        )
        if ctx.llm is not None:
            from specc.emitters.podcast.llm import converse

            script = converse(ctx, spec, script)
        ctx.diagnostics.extend(missed_targets(spec, script))
        root = script_dir(spec)
        yield OutputFile(f"{root}/script.json", to_json(script))
        yield OutputFile(f"{root}/script.md", render_markdown(ctx.env, spec, script))


def render_markdown(env: jinja2.Environment, spec: ir.Spec, script: Script) -> str:
    """Return a script as the Markdown people read."""
    return env.get_template("podcast/script.md.jinja").render(
        script=script, header=header(spec), words_per_minute=WORDS_PER_MINUTE
    )


def missed_targets(spec: ir.Spec, script: Script) -> list[Diagnostic]:
    """Return W089 for each episode whose length strays over 20 % from the target."""
    target = script.target_minutes
    if target is None:
        return []
    found = []
    for episode in script.episodes:
        length = episode.words / WORDS_PER_MINUTE
        if abs(length - target) > TOLERANCE * target:
            found.append(
                Diagnostic(
                    "W089",
                    f"episode {episode.number} of the `{spec.id}` podcast runs about "
                    f"{length:.1f} minutes, not {target:g} ± {TOLERANCE:.0%}",
                    _first_rule_span(spec, episode),
                    "a rule cannot be split, nor a short spec stretched; "
                    "choose another `podcast.minutes`",
                )
            )
    return found


def _first_rule_span(spec: ir.Spec, episode: Episode) -> Span:
    """Return where the first rule an episode discusses is, else the spec's start."""
    for turn in episode.turns():
        for rule_id in turn.rules:
            rule = spec.rule(rule_id)
            if rule is not None:
                return rule.span
    return Span(path=spec.path, line=1)


def script_dir(spec: ir.Spec) -> str:
    """Return the spec's folder under the podcast output folder."""
    return path_segment(spec.id)


def load_script(text: str) -> Script:
    """Return the script a `script.json` holds (raises pydantic's ValidationError)."""
    return Script.model_validate_json(text)
