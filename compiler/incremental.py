"""Incremental builds: remember what each spec made, and skip the specs that did not change.

The cache lives in ``OUT/.specc-cache/build.json`` (the folder ignores itself in
git). For every spec it records a digest of its input (path, bytes, specc's
version and code, the templates), the spec's diagnostics, and, per target whose
emitter is `per_spec`, the files it made (path, kind, sha256) and the data the
target's site-wide files need. A spec counts as unchanged for a target when its
digest, the target's options and every generated file on disk still match;
then the build neither compiles nor emits it, and hands the writer the files as
they are on disk. Anything unreadable or odd in the cache is ignored, so the
worst a bad cache can do is a full build.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
import json
import os
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath
from typing import Any, Sequence

from specc import __version__
from specc.diagnostics import CODES, Diagnostic
from specc.emitters.base import EmitContext, OutputFile
from specc.frontend import Compiled
from specc.progress import Step
from specc.source import Span
from specc.writer import atomic_write

CACHE_DIR = ".specc-cache"
CACHE_FILE = "build.json"
CACHE_VERSION = 1
#: Packages whose version can change what specc emits.
DEPENDENCIES = ("black", "jinja2", "markdown-it-py", "mdit-py-plugins", "pyyaml")
_OUTPUT_FIELDS = [f.name for f in fields(OutputFile) if f.name != "content"]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_fingerprint(templates: Sequence[str | Path] = ()) -> str:
    """Return a digest of specc's version, its code and templates, and user templates.

    Files are identified by path, size and modification time: cheap, and it
    notices an edited editable install as well as a new version.
    """
    roots = [Path(__file__).resolve().parent] + [Path(t).resolve() for t in templates]
    from specc import templates as builtin

    roots.append(Path(builtin.__file__).resolve().parent)
    digest = hashlib.sha256(f"{__version__} {sys.version}".encode())
    for package in DEPENDENCIES:
        try:
            digest.update(f"\0{package} {metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            continue
    for root in roots:
        digest.update(f"\0root {root}".encode())
        for folder, dirs, files in sorted(os.walk(root)):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                digest.update(f"\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def input_digest(fingerprint: str, path: str, data: bytes) -> str:
    """Return the digest of one spec's input."""
    return _sha(f"{fingerprint}\0{path}\0".encode() + data)


def options_digest(options: object) -> str:
    """Return the digest of a target's options as given."""
    return _sha(json.dumps(options, sort_keys=True, default=str).encode())


def diagnostics_to_json(diagnostics: list[Diagnostic]) -> list[dict[str, object]]:
    """Return diagnostics in the cache's form."""
    return [d.to_json() for d in diagnostics]


def diagnostics_from_json(data: object) -> list[Diagnostic] | None:
    """Return cached diagnostics, or None if the data is not what the cache writes."""
    if not isinstance(data, list):
        return None
    found = []
    try:
        for item in data:
            if item["code"] not in CODES:
                return None
            span = Span(
                path=item["path"],
                line=item["line"],
                col=item["col"],
                end_line=item["end_line"],
                end_col=item["end_col"],
            )
            found.append(Diagnostic(item["code"], item["message"], span, item["hint"]))
    except (KeyError, TypeError, ValueError):
        return None
    return found


@dataclass
class Unit:
    """What one target made of one spec, reusable as is."""

    files: list[OutputFile]
    site: Any
    diagnostics: list[Diagnostic]


@dataclass
class Cache:
    """The build cache of one output folder."""

    out_dir: Path
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Spec key (resolved path) -> {input, diagnostics, spans, units}."""

    @classmethod
    def load(cls, out_dir: Path) -> Cache:
        """Return the folder's cache, empty when missing, unreadable or of another version."""
        cache = cls(out_dir)
        try:
            data = json.loads((out_dir / CACHE_DIR / CACHE_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return cache
        if (
            isinstance(data, dict)
            and data.get("version") == CACHE_VERSION
            and isinstance(data.get("specs"), dict)
        ):
            cache.entries = {
                k: v for k, v in data["specs"].items() if isinstance(v, dict)
            }
        return cache

    def save(self) -> None:
        """Write the cache atomically, with a `.gitignore` that keeps it out of git."""
        folder = self.out_dir / CACHE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            atomic_write(ignore, b"# specc's build cache; safe to delete.\n*\n")
        data = {"version": CACHE_VERSION, "specs": dict(sorted(self.entries.items()))}
        text = json.dumps(data).encode("utf-8")
        try:
            if (folder / CACHE_FILE).read_bytes() == text:
                return  # a rebuild with nothing changed writes nothing
        except OSError:
            pass
        atomic_write(folder / CACHE_FILE, text)

    def diagnostics(self, key: str, digest: str) -> list[Diagnostic] | None:
        """Return a spec's cached diagnostics if its input is unchanged."""
        entry = self.entries.get(key)
        if entry is None or entry.get("input") != digest:
            return None
        return diagnostics_from_json(entry.get("diagnostics"))

    def spans(self, key: str) -> dict[str, Span]:
        """Return the cached spans of a spec's functions, by name."""
        found = {}
        raw = self.entries.get(key, {}).get("spans", {})
        if isinstance(raw, dict):
            for name, value in raw.items():
                try:
                    found[name] = Span.model_validate(value)
                except ValueError:
                    continue
        return found

    def unit(self, key: str, digest: str, target: str, options: str) -> Unit | None:
        """Return what ``target`` made of a spec, if still valid and still on disk."""
        entry = self.entries.get(key)
        if entry is None or entry.get("input") != digest:
            return None
        unit = entry.get("units", {}).get(target)
        if not isinstance(unit, dict) or unit.get("options") != options:
            return None
        diagnostics = diagnostics_from_json(unit.get("diagnostics"))
        files = unit.get("files")
        if diagnostics is None or not isinstance(files, list):
            return None
        outputs = []
        for item in files:
            output = self._reuse(target, item)
            if output is None:
                return None
            outputs.append(output)
        return Unit(outputs, unit.get("site"), diagnostics)

    def _reuse(self, target: str, item: object) -> OutputFile | None:
        """Return a recorded file as an `OutputFile`, if the disk still holds it."""
        if not isinstance(item, dict):
            return None
        try:
            values = {name: item[name] for name in _OUTPUT_FIELDS if name in item}
            values["symbols"] = tuple(tuple(s) for s in values.get("symbols", ()))
            if item["kind"] == "scaffold":
                return OutputFile(content=item["content"], **values)
            parts = PurePosixPath(item["path"]).parts
            if not parts or any(p in ("..", "/") for p in parts):
                return None  # the writer checks every path again before writing
            data = self.out_dir.joinpath(target, *parts).read_bytes()
            if _sha(data) != item["sha256"]:
                return None
            return OutputFile(content=data.decode("utf-8"), **values)
        except (KeyError, TypeError, ValueError, OSError):
            return None

    def record(
        self,
        key: str,
        digest: str,
        diagnostics: list[Diagnostic],
        spans: dict[str, Span],
        units: dict[str, tuple[str, Unit]],
    ) -> None:
        """Remember a spec's input, diagnostics, function spans and units."""
        self.entries[key] = {
            "input": digest,
            "diagnostics": diagnostics_to_json(diagnostics),
            "spans": {n: s.model_dump() for n, s in spans.items()},
            "units": {
                target: {
                    "options": options,
                    "files": [_file_entry(f) for f in unit.files],
                    "site": unit.site,
                    "diagnostics": diagnostics_to_json(unit.diagnostics),
                }
                for target, (options, unit) in units.items()
            },
        }


def _file_entry(output: OutputFile) -> dict[str, object]:
    """Return how the cache records one file (a scaffold keeps its text)."""
    entry: dict[str, object] = {name: getattr(output, name) for name in _OUTPUT_FIELDS}
    entry["sha256"] = _sha(output.content.encode("utf-8"))
    if output.kind == "scaffold":
        entry["content"] = output.content
    return entry


@dataclass
class _State:
    """One spec of an incremental build."""

    path: str
    key: str
    digest: str | None
    """None when the file could not be read (it is compiled, and reports it)."""
    compiled: Compiled | None
    """None until compiled (or found unchanged)."""
    units: dict[str, Unit] = field(default_factory=dict)
    """Target -> what it made of the spec (reused or new)."""
    data: bytes = b""
    """The file's bytes, kept while the spec waits to be compiled."""
    spans: dict[str, Span] | None = None
    """Its functions' spans, when a worker process compiled it."""


class Session:
    """One incremental build: compile what changed, reuse the rest, remember it all."""

    def __init__(
        self,
        out_dir: Path,
        targets: Sequence[str],
        templates: Sequence[str | Path],
        options: dict[str, dict[str, object]] | None,
        reports: dict[str, Any],
    ) -> None:
        self.out_dir = out_dir
        self.reports = reports
        self.targets, self.templates = targets, templates
        self.options = options or {}
        self.cache = Cache.load(out_dir)
        self.fingerprint = code_fingerprint(templates)
        self.states: list[_State] = []
        self.problems: list[Diagnostic] = []
        self.loaded: list[tuple[str, Any, Any]] = []

    def compile(self, files: list[str], step: Step) -> list[Compiled]:
        """Compile the specs that changed; return every spec's outcome, in order."""
        from specc.build import load_emitters
        from specc.frontend import compile_source
        from specc.templating import environment

        where = Span(path=files[0] if files else "specc", line=1)
        self.env = environment(self.templates, cache=True)
        self.loaded = load_emitters(self.targets, self.options, where, self.problems)
        self.contexts = {
            name: EmitContext(
                specs=[], options=opts, env=self.env, reports=self.reports
            )
            for name, _, opts in self.loaded
        }
        per_spec = [
            name
            for name, emitter, _ in self.loaded
            if emitter.splits(self.contexts[name])
        ]
        self.per_spec = set(per_spec)
        reuse_ir = not self.problems and len(per_spec) == len(self.loaded)
        for path in files:
            self.states.append(self._state(path, per_spec, reuse_ir))
        pending = [s for s in self.states if s.compiled is None]
        if reuse_ir:
            from specc import parallel

            parallel.compile_and_emit(self, pending)
        for number, state in enumerate(pending):
            step("compile", state.path, number, len(pending))
            if state.compiled is None:
                state.compiled = compile_source(state.path, state.data)
            state.data = b""
        return [s.compiled for s in self.states if s.compiled is not None]

    def _state(self, path: str, per_spec: list[str], reuse_ir: bool) -> _State:
        from specc.frontend import compile_file

        try:
            data = Path(path).read_bytes()
        except OSError:
            return _State(path, path, None, compile_file(path))
        key = str(Path(path).resolve())
        digest = input_digest(self.fingerprint, path, data)
        units = {}
        for name in per_spec:
            unit = self.cache.unit(key, digest, name, self._options(name))
            if unit is not None:
                units[name] = unit
        cached = self.cache.diagnostics(key, digest)
        if reuse_ir and cached is not None and len(units) == len(per_spec):
            return _State(path, key, digest, _reused(path, data, cached), units)
        return _State(path, key, digest, None, units, data)

    def _options(self, name: str) -> str:
        return options_digest(self.options.get(name, {}))

    def emit(self, step: Step) -> tuple[dict[str, OutputFile], list[Diagnostic]]:
        """Run the emitters, reusing each unchanged spec's files."""
        from specc.build import add_outputs, guarded

        files: dict[str, OutputFile] = {}
        problems = list(self.problems)
        where = Span(path=self.states[0].path if self.states else "specc", line=1)
        specs = [s.compiled.spec for s in self.states if s.compiled.spec is not None]
        for number, (name, emitter, _) in enumerate(self.loaded):
            step("emit", name, number, len(self.loaded))
            ctx = self.contexts[name]
            ctx.specs = specs
            if name in self.per_spec:
                work = (lambda n, e, c: lambda: self._per_spec(n, e, c))(
                    name, emitter, ctx
                )
            else:
                work = (lambda e, c: lambda: list(e.emit(c)))(emitter, ctx)
            produced = guarded(name, work, where, problems)
            if produced is not None:
                problems.extend(ctx.diagnostics)
                add_outputs(files, name, produced, where, problems)
        return files, problems

    def _per_spec(self, name: str, emitter: Any, ctx: EmitContext) -> list[OutputFile]:
        produced: list[OutputFile] = []
        site = []
        for state in self.states:
            unit = state.units.get(name)
            if unit is None:
                assert state.compiled.spec is not None
                before = len(ctx.diagnostics)
                made, data = emitter.emit_spec(ctx, state.compiled.spec)
                unit = Unit(list(made), data, ctx.diagnostics[before:])
                state.units[name] = unit
            else:
                ctx.diagnostics.extend(unit.diagnostics)
            produced += unit.files
            site.append(unit.site)
        produced += emitter.emit_site(ctx, site)
        return produced

    def spans(self) -> dict[tuple[str, str], Span]:
        """Return the span of every function, by (spec path, name), compiled or cached."""
        found = {}
        for state in self.states:
            spec = state.compiled.spec if state.compiled else None
            if spec is not None:
                spans = {f.name: f.span for f in spec.functions}
            elif state.spans is not None:
                spans = state.spans
            else:
                spans = self.cache.spans(state.key)
            found.update({(state.path, n): s for n, s in spans.items()})
        return found

    def save(self) -> None:
        """Remember every spec of this build (after a successful write)."""
        spans = self.spans()
        for state in self.states:
            if state.digest is None:
                continue
            old = self.cache.entries.get(state.key, {})
            units = {}
            if old.get("input") == state.digest and isinstance(old.get("units"), dict):
                units = dict(old["units"])
            fresh = {n: (self._options(n), u) for n, u in state.units.items()}
            self.cache.record(
                state.key,
                state.digest,
                state.compiled.diagnostics,
                {n: s for (p, n), s in spans.items() if p == state.path},
                fresh,
            )
            self.cache.entries[state.key]["units"] = {
                **units,
                **self.cache.entries[state.key]["units"],
            }
        self.cache.entries = {
            k: v for k, v in self.cache.entries.items() if os.path.exists(k)
        }
        try:
            self.cache.save()
        except OSError:
            pass  # a cache that cannot be written only costs the next build time


def _reused(path: str, data: bytes, diagnostics: list[Diagnostic]) -> Compiled:
    """Return an unchanged spec's outcome: its diagnostics, without compiling it."""
    from specc.frontend import decode

    source = decode(path, data)[0] if diagnostics else None
    return Compiled(path, source, None, diagnostics, reused=True)
