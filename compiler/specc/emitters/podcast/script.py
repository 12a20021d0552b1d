"""The podcast script model: a script holds episodes, segments and spoken turns."""

from __future__ import annotations

from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)

#: Speaking rate every length estimate assumes.
WORDS_PER_MINUTE = 150
#: Version of the script's JSON form; bumped on any incompatible change.
SCRIPT_VERSION = "1.0"
SCHEMA_FILE = "script.schema.json"


class ScriptNode(BaseModel):
    """Base of every script node: immutable, no unknown fields."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", use_attribute_docstrings=True
    )


class Speaker(ScriptNode):
    """A voice of the show: its name, its role, and optionally an espeak-ng voice."""

    name: str = Field(pattern=r"^[^*\[\]:\r\n]*[^*\[\]:\s][^*\[\]:\r\n]*$")
    """The name the script and its turns use (no `*`, `[`, `]`, `:` or line breaks)."""
    role: str = ""
    """What the speaker does on the show, such as `host` or `expert`."""
    voice: str | None = None
    """espeak-ng voice for `--audio` (such as `en+f3`); a distinct default if unset."""


class Turn(ScriptNode):
    """One thing one speaker says, and the rules it discusses."""

    speaker: str
    """Name of the speaker (one of the script's speakers)."""
    text: str
    """What is said, one paragraph of plain text meant to be read aloud."""
    rules: list[str] = []
    """IDs of the spec rules the turn discusses."""


class Segment(ScriptNode):
    """A stretch of an episode: the intro, one top-level section, or the recap."""

    title: str
    section: str | None = None
    """ID of the top-level section it walks through, when that section has one."""
    turns: list[Turn]
    generated_by: str | None = None
    """The model that wrote this segment's dialogue from the spec (`specc build
    --llm`); it is not normative. Absent where the template wrote it."""

    @model_serializer(mode="wrap")
    def _without_absent_model(self, handler: SerializerFunctionWrapHandler) -> Any:
        # A template script stays as it was before models could tell segments.
        data = handler(self)
        if isinstance(data, dict) and data.get("generated_by") is None:
            data.pop("generated_by", None)
        return data


class Episode(ScriptNode):
    """One episode: a few segments, meant to be recorded in one go."""

    number: int = Field(ge=1)
    title: str
    words: int
    """Spoken words in all its turns."""
    minutes: float
    """Estimated length at the script's speaking rate, to one decimal."""
    segments: list[Segment]

    def turns(self) -> list[Turn]:
        """Return every turn of the episode, in order."""
        return [t for s in self.segments for t in s.turns]


class Script(ScriptNode):
    """A spec's whole podcast script, as `script.json` holds it."""

    model_config = ConfigDict(populate_by_name=True)

    schema_ref: str = Field(default=f"../{SCHEMA_FILE}", alias="$schema")
    """Where the JSON Schema of this file is, relative to it."""
    script_version: str = SCRIPT_VERSION
    spec: str
    """ID of the spec the script walks through."""
    title: str
    version: str | None = None
    """The spec's version."""
    source: str
    """The spec's file name."""
    speakers: list[Speaker] = Field(min_length=1)
    """Who speaks, in the order turns rotate through them."""
    words_per_minute: int = WORDS_PER_MINUTE
    target_minutes: float | None = None
    """Length each episode aims at, when one was asked for."""
    episodes: list[Episode]


def word_count(text: str) -> int:
    """Return the number of spoken words in ``text``."""
    return len(text.split())


def minutes(words: int) -> float:
    """Return the estimated speaking time of ``words`` words, in minutes."""
    return words / WORDS_PER_MINUTE


def to_json(script: Script) -> str:
    """Return the script as stable, indented JSON with a trailing newline."""
    return script.model_dump_json(indent=2, by_alias=True) + "\n"


def json_schema() -> dict[str, object]:
    """Return the JSON Schema of `script.json`."""
    schema = Script.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://specc.dev/schema/podcast-script-{SCRIPT_VERSION}.json"
    return schema
