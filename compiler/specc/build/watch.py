"""`specc watch`: rebuild when a spec, the configuration or a template changes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from specc.diagnostics import Diagnostic, has_errors
from specc.frontend.compile import Compiled, compile_source
from specc.frontend.interfaces import Imports
from specc.naming import plural

if TYPE_CHECKING:
    from specc.llm.session import Session


@dataclass
class Settings:
    """What to build: the command's arguments with the project configuration applied."""

    paths: list[str]
    out_dir: str
    targets: list[str]
    templates: list[str] = field(default_factory=list)
    options: dict[str, dict[str, object]] = field(default_factory=dict)
    config_file: Path | None = None
    llm: Session | None = None
    """The LLM session rebuilds use (its client None: the template backends)."""
    sources: list[str] = field(default_factory=list)
    """Where the project's specs are (see `specc.build.driver.build`'s ``project``)."""


Resolve = Callable[[], "tuple[Settings | None, list[Diagnostic]]"]
"""Reads the configuration again; returns settings, or the problems that prevent them."""


@dataclass
class Printer:
    """Where watch prints: progress lines, and diagnostics of the specs it recompiled."""

    line: Callable[[str], None]
    diagnostics: Callable[[list[Compiled], list[Diagnostic]], None]


class Watcher:
    """Rebuilds incrementally: only the changed specs are compiled and emitted (the
    others come from the build cache). Keeps the IR of each spec it compiles in
    its own process, so a change that re-emits unchanged specs (a template, a
    target's options, a fix after a failed build) does not compile them again."""

    def __init__(self, resolve: Resolve, printer: Printer) -> None:
        self.resolve = resolve
        self.printer = printer
        self.settings: Settings | None = None
        self.cache: dict[str, tuple[bytes, Imports | None, Compiled]] = {}
        self.recompiled: list[str] = []
        """The specs the last rebuild compiled, in order."""
        self.broken = False
        self.built = False
        self.usable = False

    def compile(self, path: str, data: bytes, imports: Imports | None) -> Compiled:
        """Return the spec's compiled form, compiling only when its bytes or imports changed."""
        cached = self.cache.get(path)
        if cached is not None and cached[0] == data:
            _, before, result = cached
            if before == imports or (
                result.ok and before is not None and before.same_uses(imports)
            ):
                return replace(result, remembered=True)
        result = compile_source(path, data, imports)
        self.cache[path] = (data, imports, result)
        self.recompiled.append(path)
        return result

    def reload(self) -> bool:
        """Read the configuration again; print its problems; return whether it is usable."""
        settings, problems = self.resolve()
        if problems or settings is None:
            self.printer.diagnostics([], problems)
            self.printer.line(
                "the configuration has errors: fix it and save to rebuild"
            )
            self.usable = False  # keep the last good settings: what to watch
            return False
        self.settings, self.usable = settings, True
        return True

    def rebuild(self) -> bool:
        """Build once; print what changed; return whether the build succeeded."""
        from specc.build.driver import build

        if self.settings is None or not self.usable:
            return False
        s = self.settings
        self.recompiled = []
        started = time.perf_counter()
        client = s.llm.client if s.llm is not None else None
        if client is not None:
            client.lock.used.clear()  # each rebuild records the answers it used
        result = build(
            s.paths,
            s.targets,
            s.out_dir,
            s.templates,
            s.options,
            llm=client,
            compile=self.compile,
            incremental=True,
            project=s.sources,
            hold=False,
        )
        seconds = time.perf_counter() - started
        if result.recompiled is not None:  # with what worker processes compiled
            self.recompiled = list(result.recompiled)
        if s.llm is not None and result.ok:
            stats = s.llm.finish({f"{t}/{x.id}" for t in s.targets for x in result.specs})
            if stats:
                self.printer.line(stats)
        unreadable = [c.path for c in result.compiled if c.source is None and not c.ok]
        self.recompiled += [p for p in unreadable if p not in self.recompiled]
        changed = [c for c in result.compiled if c.path in self.recompiled]
        self.printer.diagnostics(changed, result.diagnostics)
        names = ", ".join(Path(p).name for p in self.recompiled) or "no spec"
        if not result.ok:
            every = result.diagnostics + [
                d for c in result.compiled for d in c.diagnostics
            ]
            errors = sum(1 for d in every if has_errors([d]))
            self.printer.line(
                f"build failed ({plural(errors, 'error')}; recompiled "
                f"{names}): {s.out_dir} left as it was; fix and save to rebuild"
            )
            self.broken = True
            return False
        plan = result.plan
        verb = "fixed, rebuilt" if self.broken else "rebuilt" if self.built else "built"
        self.built = True
        self.broken = False
        self.printer.line(
            f"{verb} ({names} recompiled): {len(plan.write)} written, "
            f"{len(plan.unchanged)} unchanged, {len(plan.remove)} removed "
            f"in {seconds:.2f} s"
        )
        for path in sorted(plan.write):
            self.printer.line(f"  wrote {plan.out_dir / path}")
        for path in plan.remove:
            self.printer.line(f"  removed {plan.out_dir / path}")
        return True

    def watched(self) -> list[Path]:
        """Return the existing files and folders to watch."""
        s = self.settings
        config = self.resolve_config_file()
        paths = [Path(p) for p in (s.paths + s.sources + s.templates if s else [])]
        if config is not None:
            paths.append(config)
        return [p for p in dict.fromkeys(paths) if p.exists()]

    def resolve_config_file(self) -> Path | None:
        """Return the configuration file in use (or that would be), to watch it."""
        if self.settings is not None and self.settings.config_file is not None:
            return self.settings.config_file
        from specc.config import find

        return find()

    def relevant(self, path: Path) -> bool:
        """Return whether a changed file is a spec, the configuration or a template."""
        config = self.resolve_config_file()
        if path.name.endswith(".spec.md"):
            return True
        if config is not None and path.resolve() == config.resolve():
            return True
        s = self.settings
        for folder in (s.templates if s else []):
            if Path(folder).resolve() in path.resolve().parents:
                return True
        return any(path.resolve() == Path(p).resolve() for p in (s.paths if s else []))


def run(watcher: Watcher, debounce_ms: int = 150) -> None:
    """Build, then rebuild on every relevant change until interrupted."""
    import watchfiles

    if watcher.reload():
        watcher.rebuild()
    while True:
        targets = watcher.watched()
        shown = ", ".join(str(p) for p in targets)
        restart = announced = False
        for changes in watchfiles.watch(
            *targets,
            debounce=debounce_ms,
            step=50,
            rust_timeout=200,
            yield_on_timeout=True,
            raise_interrupt=False,
            watch_filter=lambda _change, path: watcher.relevant(Path(path)),
        ):
            if not changes:  # a time-out: the first one says the watch is set up
                if not announced:
                    watcher.printer.line(f"watching {shown} (Ctrl-C stops)")
                    announced = True
                continue
            config = watcher.resolve_config_file()
            paths = sorted({Path(p) for _, p in changes})
            for path in paths:
                watcher.printer.line(f"changed {_shown(path)}")
            if config is not None and any(
                p.resolve() == config.resolve() for p in paths
            ):
                if watcher.reload():
                    watcher.rebuild()
            elif watcher.usable or watcher.reload():
                watcher.rebuild()
            if set(watcher.watched()) != set(targets):
                # The configuration names other folders: watch those instead.
                restart = True
                break
        if not restart:
            return


def _shown(path: Path) -> str:
    import os

    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
