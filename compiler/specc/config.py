"""Project configuration: `specc.toml` (or `[tool.specc]` in pyproject.toml), found by walking up."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

from specc.diagnostics import Diagnostic
from specc.records import Record, field, fields, validator
from specc.records.data import hints
from specc.source import Span

CONFIG_NAME = "specc.toml"
PYPROJECT = "pyproject.toml"
SCHEMA_ID = "https://specc.dev/schema/specc-toml.json"


class Section(Record):
    """Base of every config table: unknown keys are errors, values are frozen."""

    # The docstrings under fields are the JSON Schema's descriptions, read when
    # the schema is made (`specc.project.schema`), not on every import. A
    # record: its pydantic model is made when a file is first validated, so a
    # build without a specc.toml imports no pydantic.
    record_config: ClassVar[dict[str, Any]] = {"extra": "forbid", "frozen": True}


DEFAULT_MODEL = "gpt-4o-mini"
"""The model asked when neither `[llm] model` nor `--model` names one."""


class LlmConfig(Section):
    """The `[llm]` table: how to reach an OpenAI-compatible endpoint, and how hard."""

    enabled: bool = False
    """Turn on the LLM-assisted backends without `--llm` (top-level `llm = true`
    says the same)."""
    base_url: str | None = None
    """The endpoint, such as `http://localhost:11434/v1`; `OPENAI_BASE_URL` wins."""
    api_key_env: str = "OPENAI_API_KEY"
    """The environment variable holding the key (the key never goes in a file)."""
    model: str = DEFAULT_MODEL
    """The model to ask, a name the endpoint serves (OpenAI's `gpt-4o-mini` unless
    set); `--model` wins."""
    concurrency: int = field(default=8, ge=1, le=256)
    """Requests in flight at once; `--llm-concurrency` wins."""
    temperature: float = field(default=0.0, ge=0.0, le=2.0)
    max_tokens: int | None = field(default=None, ge=1)
    seed: int | None = None
    timeout: float = field(default=120.0, gt=0)
    """Seconds before one request counts as timed out (and is retried)."""
    retries: int = field(default=5, ge=0, le=20)
    """Retries of one request after a 429, a 5xx or a timeout."""
    backoff: float = field(default=1.0, ge=0)
    """First back-off delay in seconds, doubled on every retry, unless the server
    says `Retry-After`."""


_TARGET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class ProjectConfig(Section):
    """A whole `specc.toml`: where the specs are, what to build, and the `[llm]` table."""

    record_config: ClassVar[dict[str, Any]] = {
        "extra": "forbid",
        "frozen": True,
        "title": "specc.toml",
        "json_schema_extra": {"description": "Configuration of a specc project."},
    }

    specs: list[str] = field(default=["specs"], min_length=1)
    """Spec files or folders (searched for `*.spec.md`), relative to this file."""
    out: str = "out"
    """The output folder, relative to this file."""
    templates: list[str] = []
    """Template folders that shadow the built-in templates, relative to this file."""
    targets: dict[str, dict[str, Any]] = {}
    """Targets `specc build` and `specc test` use without `--target`, each with its
    emitter options (`[targets.podcast]` then `minutes = 10`); empty means every
    built-in target for `build`."""
    llm: LlmConfig = LlmConfig()
    """The LLM-assisted backends; `llm = true` is short for `[llm]` `enabled = true`."""

    @validator("specs", "templates")
    def _no_empty_path(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("a path must not be empty")
        return value

    @validator("targets")
    def _target_names(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name in value:
            if not _TARGET_NAME.fullmatch(name):
                raise ValueError(f"`{name}` is not a target name")
        return value


#: Known tables: name -> model (kept for code that looks tables up by name).
SECTIONS: dict[str, type[Section]] = {"llm": LlmConfig}


@dataclass(eq=False, repr=False)
class Config:
    """A loaded project configuration: the validated model, and where it came from."""

    path: Path | None = None
    """The `specc.toml` or `pyproject.toml` read, if any."""
    project: ProjectConfig = dataclass_field(default_factory=lambda: ProjectConfig())
    """The file's settings; without a file, the defaults (unvalidated: no field is
    required and defaults are not validated, so they are what `ProjectConfig()` makes)."""
    sections: dict[str, Section] = dataclass_field(default_factory=dict)
    lines: dict[tuple[str, ...], int] = dataclass_field(default_factory=dict)
    """Line of each key path, such as ("targets", "ts"), for later diagnostics."""

    def section(self, name: str) -> Any:
        """Return a table's validated model (its defaults when the file lacks it)."""
        found = self.sections.get(name)
        return found if found is not None else SECTIONS[name]()

    @property
    def llm(self) -> LlmConfig:
        """Return the `[llm]` table."""
        return self.project.llm

    @property
    def root(self) -> Path:
        """Return the folder paths in the configuration are relative to."""
        return self.path.parent if self.path is not None else Path(".")

    def resolve(self, relative: str) -> str:
        """Return a configured path as seen from the current folder."""
        if self.path is None:
            return relative
        return _display(self.root / relative)

    @property
    def spec_paths(self) -> list[str]:
        """Return the configured spec files and folders."""
        return [self.resolve(p) for p in self.project.specs]

    @property
    def out_dir(self) -> str:
        """Return the configured output folder."""
        return self.resolve(self.project.out)

    @property
    def template_dirs(self) -> list[str]:
        """Return the configured template folders."""
        return [self.resolve(p) for p in self.project.templates]

    def span(self, *keys: str) -> Span:
        """Return where a key path is set in the file (its table, else line 1)."""
        for end in range(len(keys), 0, -1):
            line = self.lines.get(tuple(keys[:end]))
            if line is not None:
                return _at(self.path or Path(CONFIG_NAME), line)
        return _at(self.path or Path(CONFIG_NAME))


def _display(path: Path) -> str:
    """Return ``path`` relative to the current folder when that is shorter."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if len(relative) <= len(str(path)) else str(path)


def project_dir(paths: Sequence[str | Path]) -> Path:
    """Return the folder the specs sit in: the first path, or the first file's folder."""
    first = Path(paths[0]) if paths else Path("specs")
    return first if first.is_dir() or not first.suffix else first.parent


def find(start: Path | None = None) -> Path | None:
    """Return the nearest `specc.toml`, or pyproject.toml with `[tool.specc]`, upwards.

    The walk stops at the root of a git repository, so a project never picks
    up the configuration of a folder that merely contains it.
    """
    folder = (start or Path.cwd()).resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate / CONFIG_NAME
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if (candidate / ".git").exists():
            return None
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[\s*tool\s*\.\s*specc\s*[\].]", text, re.M) is not None


def load(folder: Path | None = None) -> tuple[Config, list[Diagnostic]]:
    """Find and read the project's configuration from ``folder`` upwards (none is fine)."""
    path = find(folder)
    if path is None:
        return Config(), []
    return load_file(path)


def load_file(path: Path) -> tuple[Config, list[Diagnostic]]:
    """Read one configuration file; return it and its problems."""
    shown = Path(_display(path))
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return Config(shown), [
            Diagnostic("E120", f"cannot read {shown}: {error}", _at(shown))
        ]
    root = ("tool", "specc") if path.name == PYPROJECT else ()
    return parse(shown, text, root)


def parse(
    path: Path, text: str, root: tuple[str, ...] = ()
) -> tuple[Config, list[Diagnostic]]:
    """Parse and validate configuration text (under table ``root``); never raise."""
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
    for key in root:
        data = data.get(key, {}) if isinstance(data, dict) else {}
    if isinstance(data.get("llm"), bool):
        data["llm"] = {"enabled": data["llm"]}  # `llm = true` is short for [llm]
    locator = _Locator(text, root)
    from pydantic import ValidationError

    from specc.records.models import validate

    try:
        project = validate(ProjectConfig, data)
    except ValidationError as error:
        problems = [_problem(path, locator, e) for e in error.errors()]
        return Config(path), sorted(problems, key=lambda d: (d.span.line, d.span.col))
    config = Config(path, project, {"llm": project.llm})
    config.lines = locator.lines()
    return config, []


def _problem(path: Path, locator: _Locator, e: Any) -> Diagnostic:
    """Turn one pydantic error into a diagnostic at the offending key's line."""
    keys = [str(k) for k in e["loc"] if isinstance(k, str)]
    dotted = ".".join(keys)
    line, col = locator.find(keys)
    if e["type"] == "extra_forbidden":
        model = _model_at(keys[:-1])
        known = ", ".join(fields(model)) if model else ""
        where = f"[{'.'.join(keys[:-1])}]" if keys[:-1] else "the top level"
        return Diagnostic(
            "E121",
            f"unknown key `{dotted}`",
            _at(path, line, col),
            f"keys of {where}: {known}" if known else None,
        )
    message = str(e["msg"]).removeprefix("Value error, ")
    return Diagnostic("E122", f"`{dotted}`: {message}", _at(path, line, col))


def _model_at(keys: list[str]) -> type[Record] | None:
    """Return the record class of the table at ``keys``, if it has one."""
    model: type[Record] = ProjectConfig
    for key in keys:
        annotation = hints(model).get(key)
        if not (isinstance(annotation, type) and issubclass(annotation, Record)):
            return None
        model = annotation
    return model


class _Locator:
    """Finds the line of a key path in TOML text (tables, dotted and plain keys)."""

    _HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]")
    _KEY = re.compile(r"^\s*([\w\-\"'. ]+?)\s*=")

    def __init__(self, text: str, root: tuple[str, ...]) -> None:
        self.entries: list[tuple[tuple[str, ...], int, int]] = []
        table: tuple[str, ...] | None = () if not root else None
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header and not line.lstrip().startswith("[["):
                name = _split_key(header.group(1))
                table = name[len(root) :] if name[: len(root)] == root else None
                if table is not None and table:
                    self.entries.append((table, number, line.index("[") + 1))
                continue
            key = self._KEY.match(line)
            if key and table is not None:
                col = line.index(key.group(1).strip()[0]) + 1
                self.entries.append((table + _split_key(key.group(1)), number, col))

    def find(self, keys: list[str]) -> tuple[int, int]:
        """Return (line, col) of the longest prefix of ``keys`` the text sets."""
        for end in range(len(keys), 0, -1):
            for path, line, col in self.entries:
                if path == tuple(keys[:end]):
                    return line, col
        return 1, 1

    def lines(self) -> dict[tuple[str, ...], int]:
        """Return the line of every key path, first setting wins."""
        found: dict[tuple[str, ...], int] = {}
        for path, line, _ in self.entries:
            found.setdefault(path, line)
        return found


def _split_key(text: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in text.split("."))


def _toml_position(message: str) -> tuple[int, int]:
    match = re.search(r"line (\d+), column (\d+)", message)
    return (int(match.group(1)), int(match.group(2))) if match else (1, 1)


def _at(path: Path, line: int = 1, col: int = 1) -> Span:
    return Span(path=str(path), line=line, col=col)


def _tomllib() -> ModuleType:
    """Return the standard `tomllib`, or its backport `tomli` before Python 3.11."""
    from importlib import import_module

    return import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")
