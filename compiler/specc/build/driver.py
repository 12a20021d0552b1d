"""The build: compile every spec, run the emitters, then write (or check) the output."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from specc import ir
from specc.build.emit import Step, run_emitters
from specc.build.site import KeptSpecs
from specc.build.staging import Staging
from specc.diagnostics import Diagnostic, has_errors
from specc.emitters.base import OutputFile
from specc.frontend.compile import Compiled, compile_source, find_specs
from specc.frontend.interfaces import Imports
from specc.frontend.project import Project, project_files
from specc.memory import collector_paused
from specc.reports import read_reports
from specc.source import Span


@dataclass(eq=False, repr=False)
class BuildResult:
    """What a build did, or would do with ``check``."""

    compiled: list[Compiled] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Build-level diagnostics (the specs' own are on ``compiled``)."""
    plan: Any = None
    """The `writer.Plan`, when the build got as far as planning."""
    files: dict[str, OutputFile] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)
    """The spec files the build was given (``compiled`` adds the specs they use)."""
    recompiled: list[str] | None = None
    """The specs an incremental build compiled (the others were unchanged); None
    when every spec was compiled."""

    @property
    def specs(self) -> list[ir.Spec]:
        """Return the IR of every spec that compiled."""
        return [c.spec for c in self.compiled if c.ok and c.spec is not None]

    @property
    def given_specs(self) -> list[ir.Spec]:
        """Return the IR of the specs the build was given (not those they use)."""
        return [s for s in self.specs if s.path in self.given]

    @property
    def ok(self) -> bool:
        """Return whether nothing went wrong."""
        every = self.diagnostics + [d for c in self.compiled for d in c.diagnostics]
        return not has_errors(every) and self.plan is not None


@collector_paused()
def build(
    paths: Sequence[str],
    targets: Sequence[str],
    out_dir: str | Path = "out",
    templates: Sequence[str | Path] = (),
    options: dict[str, dict[str, object]] | None = None,
    check: bool = False,
    llm: Any = None,
    compile: Callable[[str, bytes, Imports | None], Compiled] = compile_source,
    progress: Step | None = None,
    incremental: bool = False,
    project: Sequence[str] = (),
    hold: bool = True,
) -> BuildResult:
    """Compile, emit and write; write nothing if anything fails; only plan with ``check``.

    The specs ``paths`` name are built with those they use (front matter
    `uses`), found among the ``project``'s spec files and folders (its
    configured sources; by default, the folders of ``paths``).
    ``compile`` turns a spec's path, bytes and imports into its `Compiled`
    (`specc watch` passes one that reuses the specs that did not change);
    ``progress`` hears of each step. With ``incremental`` (and no ``llm``),
    specs unchanged since the last build into ``out_dir`` are neither
    compiled nor emitted again (`specc.build.cache`); their `Compiled` entries
    then hold no IR.

    Each target's files are written as it makes them, to a staging folder
    whose files are renamed into place once every emitter has succeeded
    (`specc.build.staging`). With ``hold`` false, ``result.files`` keeps each
    file's path, kind and digest, not its text (a scaffold's aside), so a
    large build does not hold every file it made.
    """
    step = progress or _quiet
    files, problems = find_specs(list(paths))
    out = Path(out_dir)
    reports = read_reports(out) if "docs" in targets else {}
    session = None
    if incremental and llm is None and not problems:
        from specc.build.incremental import Session

        session = Session(out, targets, templates, options, reports)
        specs = Project(project_files(files, project), compile, header=session.header)
        compiled = session.compile(specs, files, step)
    else:
        specs = Project(project_files(files, project), compile)
        compiled = []
        order = specs.order(files)
        for number, name in enumerate(order):
            step("compile", name, number, len(order))
            compiled.append(specs.compile(name))
    result = BuildResult(compiled=compiled, diagnostics=problems, given=set(files))
    if session is not None:
        result.recompiled = session.recompiled
    if problems or not all(c.ok for c in result.compiled):
        return result
    kept = KeptSpecs(out, [c.path for c in result.compiled], project)
    emit = partial(_emit, result, session, targets, templates, options, llm, reports, step, kept)
    return _write(result, out, list(targets), list(paths), check, step, session, emit, hold)


Emit = Callable[[Callable[[str, list[OutputFile]], list[OutputFile]]], None]
"""Runs the emitters, handing each target's files to a sink as they are made."""


def _emit(
    result: BuildResult,
    session: Any,
    targets: Sequence[str],
    templates: Sequence[str | Path],
    options: dict[str, dict[str, object]] | None,
    llm: Any,
    reports: dict[str, Any],
    step: Step,
    kept: KeptSpecs,
    sink: Callable[[str, list[OutputFile]], list[OutputFile]],
) -> None:
    """Run the emitters; record their files and diagnostics on ``result``."""
    if session is not None:
        session.sink = sink
        produced, problems = session.emit(step, kept)
    else:
        produced, problems = run_emitters(
            result.specs, targets, templates, options, llm, reports, step, kept, sink
        )
    result.diagnostics.extend(problems)
    result.files = produced


def _write(
    result: BuildResult,
    out: Path,
    targets: list[str],
    paths: list[str],
    check: bool,
    step: Step,
    session: Any,
    emit: Emit,
    hold: bool,
) -> BuildResult:
    """Emit, stage, plan and write under the output folder's lock; record
    diagnostics on ``result``."""
    from specc.build import lock as outlock
    from specc.build.staging import Interrupted, staging

    existed = out.exists()
    stopped = None
    try:
        with contextlib.ExitStack() as stack:
            if existed or not check:
                try:
                    stack.enter_context(outlock.locked(out))
                except outlock.Busy:
                    raise
                except OSError as error:
                    if not check:  # a folder we may not write to can still be checked
                        result.diagnostics.append(_cannot_write(error, out, result))
                        return result
            stage = stack.enter_context(staging(out, targets, check, hold))
            emit(stage.take)
            if has_errors(result.diagnostics):
                return result
            return _plan_and_apply(result, out, paths, check, step, session, stage)
    except outlock.Busy:
        result.diagnostics.append(
            Diagnostic(
                "E090",
                f"another specc build is writing {out}; "
                f"waited {outlock.wait_seconds():g} s",
                _first(result),
                f"wait for it to end, or remove {out / outlock.LOCK} if no build runs",
            )
        )
    except Interrupted as signal:  # the staged files and the lock are gone
        stopped = signal
    finally:
        if not existed and result.plan is None:
            with contextlib.suppress(OSError):
                out.rmdir()  # made only for the lock; nothing was written
    if stopped is not None:
        stopped.deliver()
    return result


def _plan_and_apply(
    result: BuildResult,
    out: Path,
    paths: list[str],
    check: bool,
    step: Step,
    session: Any,
    stage: Staging,
) -> BuildResult:
    """Compare with the disk, then (unless ``check``) write the plan."""
    from specc.build import writer
    where = _first(result)
    try:
        scope = writer.Scope.of(
            out,
            [c.path for c in result.compiled],
            [p for p in paths if Path(p).is_dir()],
        )
        plan = stage.finish(result.files, scope)
    except writer.UnsafePath as error:
        result.diagnostics.append(
            Diagnostic("E083", f"refusing to write {error}: it is outside {out}", where)
        )
        return result
    except OSError as error:
        result.diagnostics.append(_cannot_write(error, out, result))
        return result
    spans = session.spans() if session else _spans(result.specs)
    result.diagnostics.extend(_missing_operations(plan, spans))
    result.diagnostics.extend(_waiting_backups(plan))
    if plan.edited:
        result.diagnostics.extend(_edited_manifests(plan, result))
        return result
    if not check:
        step("write", str(out), len(plan.write), len(plan.write))
        try:
            writer.apply(plan)
        except OSError as error:
            result.diagnostics.append(_cannot_write(error, out, result))
            return result
        if session is not None:
            session.save()
    result.plan = plan
    return result


def _spans(specs: list[ir.Spec]) -> dict[tuple[str, str], Span]:
    """Return the span of every function, by (spec path, name)."""
    return {(s.path, f.name): f.span for s in specs for f in s.functions}


def _first(result: BuildResult) -> Span:
    """Return where build-level diagnostics point: the first spec's first line."""
    return Span(path=result.compiled[0].path if result.compiled else "specc", line=1)


def _cannot_write(error: OSError, out: Path, result: BuildResult) -> Diagnostic:
    return Diagnostic(
        "E087",
        f"cannot write {error.filename or out}: {error.strerror or error}",
        _first(result),
    )


def _quiet(stage: str, item: str, done: int, total: int) -> None:
    """Hear of a build step and say nothing."""


def _edited_manifests(plan: Any, result: BuildResult) -> list[Diagnostic]:
    """Return E092 for each package manifest a rewrite would take the user's edits from."""
    found = []
    for relative, lost in plan.edited.items():
        wanted = result.files[relative]
        where = Span(path=wanted.spec, line=1) if wanted.spec else _first(result)
        said = f"{plan.out_dir / relative} was edited by hand; rewriting it would lose"
        hints = []
        if lost.dependencies:
            listed = ", ".join(f"{n} = {json.dumps(v)}" for n, v in lost.dependencies.items())
            noun = "dependency" if len(lost.dependencies) == 1 else "dependencies"
            said += f" the {noun} {', '.join(lost.dependencies)}"
            hints.append(
                f"declare them in specc.toml under `[{wanted.settings}]` as "
                f"`dependencies = {{ {listed} }}` (or in the spec's front matter "
                f"under `dependencies: {{{relative.partition('/')[0]}: …}}`), then "
                "build again"
            )
        if lost.other:
            said += (" and" if lost.dependencies else "") + " edits outside its dependencies"
            hints.append(
                "make other changes in a template override (`specc templates` "
                "lists them), then delete the file"
            )
        found.append(Diagnostic("E092", said, where, "; ".join(hints)))
    return found


def _missing_operations(
    plan: Any, spans: dict[tuple[str, str], Span]
) -> list[Diagnostic]:
    """Warn about operations a kept scaffold does not define yet."""
    found = []
    for relative, wanted in plan.kept.items():
        if not wanted.symbols:
            continue
        try:
            text = (plan.out_dir / relative).read_text("utf-8", errors="replace")
        except OSError:
            continue
        for spec_path, operation, identifier in wanted.symbols:
            if identifier in text:
                continue
            span = spans.get((spec_path, operation), Span(path=spec_path, line=1))
            found.append(
                Diagnostic(
                    "W085",
                    f"operation `{operation}` is new: {plan.out_dir / relative} has no "
                    f"`{identifier}` yet",
                    span,
                    "implement it there; the target's compiler reports it missing until you do",
                )
            )
    return found


def _waiting_backups(plan: Any) -> list[Diagnostic]:
    """Warn about kept files whose backup an interrupted run left (`specc.build.backup`)."""
    from specc.build.backup import BackupExists, waiting_backup

    found = []
    for relative, wanted in sorted(plan.kept.items()):
        path = plan.out_dir / relative
        if waiting_backup(path) is None:
            continue
        waiting = BackupExists(path)
        found.append(
            Diagnostic(
                "W139",
                f"{waiting}; the file may hold an answer that was being tried",
                Span(path=wanted.spec or "specc", line=1),
                waiting.hint,
            )
        )
    return found
