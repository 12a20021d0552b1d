"""Project configuration: `specc.toml` beside the specs, one validated table per section."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from specc.diagnostics import Diagnostic
from specc.source import Span

CONFIG_NAME = "specc.toml"


class Section(BaseModel):
    """Base of every config table: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LlmConfig(Section):
    """The `[llm]` table: how to reach an OpenAI-compatible endpoint, and how hard."""

    enabled: bool = False
    """Turn on the LLM-assisted backends without `--llm` (top-level `llm = true`
    says the same)."""
    base_url: str | None = None
    """The endpoint, such as `http://localhost:11434/v1`; `OPENAI_BASE_URL` wins."""
    api_key_env: str = "OPENAI_API_KEY"
    """The environment variable holding the key (the key never goes in a file)."""
    model: str | None = None
    """The model name the endpoint serves; `--model` wins."""
    concurrency: int = Field(8, ge=1, le=256)
    """Requests in flight at once; `--llm-concurrency` wins."""
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    max_tokens: int | None = Field(None, ge=1)
    seed: int | None = None
    timeout: float = Field(120.0, gt=0)
    """Seconds before one request counts as timed out (and is retried)."""
    retries: int = Field(5, ge=0, le=20)
    """Retries of one request after a 429, a 5xx or a timeout."""
    backoff: float = Field(1.0, ge=0)
    """First back-off delay in seconds, doubled on every retry, unless the server
    says `Retry-After`."""


#: Known tables: name -> model. Later sections register here.
SECTIONS: dict[str, type[Section]] = {"llm": LlmConfig}


@dataclass
class Config:
    """A loaded `specc.toml`: validated sections, and where the file is."""

    path: Path | None = None
    sections: dict[str, Section] = field(default_factory=dict)

    def section(self, name: str) -> Any:
        """Return a table's validated model (its defaults when the file lacks it)."""
        found = self.sections.get(name)
        return found if found is not None else SECTIONS[name]()

    @property
    def llm(self) -> LlmConfig:
        """Return the `[llm]` table."""
        return self.section("llm")  # type: ignore[no-any-return]


def project_dir(paths: Sequence[str | Path]) -> Path:
    """Return the folder the specs sit in: the first path, or the first file's folder."""
    first = Path(paths[0]) if paths else Path("specs")
    return first if first.is_dir() or not first.suffix else first.parent


def load(folder: Path) -> tuple[Config, list[Diagnostic]]:
    """Read `specc.toml` in ``folder`` (missing is fine); return it and its problems."""
    path = folder / CONFIG_NAME
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return Config(), []
    except (OSError, UnicodeDecodeError) as error:
        return Config(path), [
            Diagnostic("E120", f"cannot read {path}: {error}", _at(path))
        ]
    return parse(path, text)


def parse(path: Path, text: str) -> tuple[Config, list[Diagnostic]]:
    """Parse and validate configuration text; never raise on bad input."""
    tomllib = _tomllib()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, col = _toml_position(str(error))
        message = re.sub(
            r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(error)
        )
        return Config(path), [
            Diagnostic("E120", f"not valid TOML: {message}", _at(path, line, col))
        ]
    config, problems = Config(path), []
    for name, table in data.items():
        model = SECTIONS.get(name)
        if model is None:
            problems.append(
                Diagnostic(
                    "E121",
                    f"unknown table `{name}`",
                    _at(path, *_locate(text, name, None)),
                    f"known tables: {', '.join(sorted(SECTIONS))}",
                )
            )
            continue
        if isinstance(table, bool) and name == "llm":
            table = {"enabled": table}  # `llm = true` is short for [llm] enabled
        if not isinstance(table, dict):
            problems.append(
                Diagnostic(
                    "E122",
                    f"`{name}` must be a table, [{name}]",
                    _at(path, *_locate(text, None, name)),
                )
            )
            continue
        try:
            config.sections[name] = model.model_validate(table)
        except ValidationError as error:
            problems.extend(_validation_problems(path, text, name, model, error))
    return config, sorted(problems, key=lambda d: (d.span.line, d.span.col))


def _validation_problems(
    path: Path, text: str, table: str, model: type[Section], error: ValidationError
) -> list[Diagnostic]:
    """Turn pydantic's errors into diagnostics at the offending key's line."""
    found = []
    known = ", ".join(model.model_fields)
    for e in error.errors():
        key = str(e["loc"][0]) if e["loc"] else table
        unknown = e["type"] == "extra_forbidden"
        found.append(
            Diagnostic(
                "E121" if unknown else "E122",
                (
                    f"unknown key `{table}.{key}`"
                    if unknown
                    else f"`{table}.{key}`: {e['msg']}"
                ),
                _at(path, *_locate(text, table, key)),
                f"keys of [{table}]: {known}" if unknown else None,
            )
        )
    return found


def _locate(text: str, table: str | None, key: str | None) -> tuple[int, int]:
    """Return the (line, column) of ``key`` in ``[table]``, or of the table header."""
    current: str | None = None
    header = (1, 1)
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        match = re.match(r"\[\s*([^\]\s]+)\s*\]", stripped)
        if match:
            current = match.group(1).strip("\"'")
            if current == table:
                header = (number, line.index("[") + 1)
                if key is None:
                    return header
            continue
        name = re.match(r"([\w\-\"']+)\s*=", stripped)
        if name and current == table and name.group(1).strip("\"'") == key:
            return number, line.index(name.group(1)) + 1
    return header


def _toml_position(message: str) -> tuple[int, int]:
    match = re.search(r"line (\d+), column (\d+)", message)
    return (int(match.group(1)), int(match.group(2))) if match else (1, 1)


def _at(path: Path, line: int = 1, col: int = 1) -> Span:
    return Span(path=str(path), line=line, col=col)


def _tomllib():  # type: ignore[no-untyped-def]
    """Return the standard `tomllib`, or its backport `tomli` before Python 3.11."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    return tomllib
