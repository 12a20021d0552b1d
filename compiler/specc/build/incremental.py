"""Incremental builds: compile and emit only the specs that changed; reuse the rest.

See `specc.build.cache` for what is remembered and when a spec counts as unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specc import ir
from specc.build import workers
from specc.build.cache import (
    Cache,
    InterfaceDigests,
    Unit,
    code_fingerprint,
    imports_digest,
    input_digest,
    options_digest,
)
from specc.build.emit import (
    Sink,
    Step,
    add_outputs,
    as_made,
    emit_all,
    guarded,
    load_emitters,
)
from specc.build.writer import Resolver
from specc.diagnostics import Diagnostic
from specc.emitters.base import EmitContext, OutputFile
from specc.frontend.compile import Compiled
from specc.frontend.interfaces import Imports, interface_of
from specc.frontend.project import Graph, Header, Project, read_header
from specc.source import Span

if TYPE_CHECKING:
    from specc.build.site import KeptSpecs


@dataclass
class SpecState:
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
    imports: Imports | None = None
    """What its compile is given of the specs it uses."""
    interface: ir.Interface | None = None
    """What other specs see of it, when another spec of the build uses it."""

    @property
    def outcome(self) -> Compiled:
        """Return the spec's outcome (once compiled or found unchanged)."""
        assert self.compiled is not None, f"{self.path} was not compiled"
        return self.compiled

    @property
    def spec(self) -> ir.Spec | None:
        """Return the spec's IR: None when it was reused or compiled elsewhere."""
        return self.outcome.spec


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
        self.digests = InterfaceDigests()
        self.states: list[SpecState] = []
        self.recompiled: list[str] = []
        """The specs compiled (neither found unchanged nor remembered), in the
        order taken."""
        self.problems: list[Diagnostic] = []
        self.headers: dict[str, tuple[str, Header]] = {}
        """Spec key -> the digest of its bytes and its header, to remember."""
        self.loaded: list[tuple[str, Any, Any]] = []
        self.sink: Sink = as_made
        """Takes each spec's files of a target as `emit` has them (see `Sink`)."""
        self.keys: dict[str, str] = {}
        """Spec path -> its key in the cache (`key`)."""
        self.resolve = Resolver()
        self.option_digests: dict[str, str] = {}
        """Target -> `options_digest` of its options (`_options`)."""

    def compile(self, project: Project, files: list[str], step: Step) -> list[Compiled]:
        """Compile the specs that changed; return every spec's outcome, in order.

        Specs are taken in waves, each after the specs it uses: a spec counts
        as unchanged when its bytes and the interfaces of the specs it uses are.
        """
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
        self.project = project
        order = project.order(files)
        self.used = {u for path in order for u in project.graph.used(path)}
        done = 0
        for wave in waves(project.graph, order):
            states = [self._state(path, per_spec, reuse_ir) for path in wave]
            self.states += states
            pending = [s for s in states if s.compiled is None]
            if reuse_ir:
                workers.compile_and_emit(self, pending)
            for state in pending:
                step("compile", state.path, done, len(order))
                done += 1
                if state.compiled is None:
                    state.compiled = project.compile_with(
                        state.path, state.data, state.imports
                    )
                    spec = state.compiled.spec
                    ok = spec is not None and state.compiled.ok  # else E168
                    if state.path in self.used and ok and spec:
                        state.interface = interface_of(spec)
                state.data = b""
            self.recompiled += [s.path for s in pending if not s.outcome.remembered]
        return [s.compiled for s in self.states if s.compiled is not None]

    def header(self, path: str, data: bytes) -> Header:
        """Return a spec's header (`Project` asks): as the cache has it when the
        file's bytes and specc are as they were, else read from the bytes."""
        key = self.key(path)
        digest = input_digest(self.fingerprint, path, data)
        header = self.cache.header(key, digest, path)
        if header is None:
            header = read_header(path, data)
        self.headers[key] = (digest, header)
        return header

    def _state(self, path: str, per_spec: list[str], reuse_ir: bool) -> SpecState:
        from specc.frontend.compile import compile_file

        data = self.project.data.get(path)
        if data is None:
            return SpecState(path, path, None, compile_file(path))
        key = self.key(path)
        imports = self.project.imports_from(path, self._interface)
        digest = input_digest(self.fingerprint, path, data, imports_digest(imports, self.digests))
        units = {}
        for name in per_spec:
            unit = self.cache.unit(key, digest, name, self._options(name))
            if unit is not None:
                units[name] = unit
        cached = self.cache.diagnostics(key, digest)
        interface = self.cache.interface(key, digest) if path in self.used else None
        if (
            reuse_ir
            and cached is not None
            and len(units) == len(per_spec)
            and (interface is not None or path not in self.used)
        ):
            state = SpecState(path, key, digest, _reused(path, data, cached), units)
            state.interface = interface
            return state
        state = SpecState(path, key, digest, None, units, data)
        state.imports = imports
        return state

    def _interface(self, path: str) -> ir.Interface | None:
        """Return the interface of a spec of this build that was taken already."""
        for state in self.states:
            if state.path == path:
                return state.interface
        return None

    def key(self, path: str) -> str:
        """Return a spec's key in the cache: its path resolved (once per build,
        each folder once)."""
        key = self.keys.get(path)
        if key is None:
            key = self.keys[path] = self.resolve(path)
        return key

    def _options(self, name: str) -> str:
        """Return the digest of a target's options (once per build: a spec of 20
        asks it of each target, and so does remembering it)."""
        digest = self.option_digests.get(name)
        if digest is None:
            digest = options_digest(self.options.get(name, {}))
            self.option_digests[name] = digest
        return digest

    def emit(
        self, step: Step, kept: KeptSpecs | None = None
    ) -> tuple[dict[str, OutputFile], list[Diagnostic]]:
        """Run the emitters, reusing each unchanged spec's files; a site-wide target
        lists the specs the output keeps (``kept``) too."""
        files: dict[str, OutputFile] = {}
        problems = list(self.problems)
        where = Span(path=self.states[0].path if self.states else "specc", line=1)
        specs = [s.spec for s in self.states if s.spec is not None]
        for number, (name, emitter, _) in enumerate(self.loaded):
            step("emit", name, number, len(self.loaded))
            ctx = self.contexts[name]
            ctx.specs = specs
            if kept is not None:
                ctx.kept = kept.site(name, emitter, ctx)
            if name in self.per_spec:
                work = partial(self._per_spec, name, emitter, ctx)
            else:
                work = partial(self._all, name, emitter, ctx)
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
                assert state.spec is not None
                before = len(ctx.diagnostics)
                made, data = emitter.emit_spec(ctx, state.spec)
                unit = Unit(list(made), data, ctx.diagnostics[before:])
                state.units[name] = unit
            else:
                ctx.diagnostics.extend(unit.diagnostics)
            unit.files = self.sink(name, unit.files)  # the text may go once written
            produced += unit.files
            site.append(unit.site)
        produced += self.sink(name, list(emitter.emit_site(ctx, site)))
        return produced

    def _all(self, name: str, emitter: Any, ctx: EmitContext) -> list[OutputFile]:
        return self.sink(name, emit_all(emitter, ctx))

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
                state.outcome.diagnostics,
                {n: s for (p, n), s in spans.items() if p == state.path},
                fresh,
                state.interface,
            )
            self.cache.entries[state.key]["units"] = {
                **units,
                **self.cache.entries[state.key]["units"],
            }
        for key, (digest, header) in self.headers.items():
            self.cache.record_header(key, digest, header)
        self.cache.entries = {
            k: v for k, v in self.cache.entries.items() if os.path.exists(k)
        }
        try:
            self.cache.save()
        except OSError:
            pass  # a cache that cannot be written only costs the next build time


def waves(graph: Graph, order: list[str]) -> list[list[str]]:
    """Return ``order`` in waves: each spec in the wave after the last spec it uses."""
    wave: dict[str, int] = {}
    for path in order:  # each after the specs it uses, but for cycles
        wave[path] = 1 + max((wave.get(u, -1) for u in graph.used(path)), default=-1)
    found: list[list[str]] = [[] for _ in range(max(wave.values(), default=-1) + 1)]
    for path in order:
        found[wave[path]].append(path)
    return found


def _reused(path: str, data: bytes, diagnostics: list[Diagnostic]) -> Compiled:
    """Return an unchanged spec's outcome: its diagnostics, without compiling it."""
    from specc.frontend.compile import decode

    source = decode(path, data)[0] if diagnostics else None
    return Compiled(path, source, None, diagnostics, reused=True)
