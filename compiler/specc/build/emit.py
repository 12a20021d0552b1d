"""Run emitters: load each target's, validate its options, and collect what it makes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from specc import ir
from specc.diagnostics import Diagnostic
from specc.emitters.base import EmitContext, Emitter, Options, OutputFile, held
from specc.records import fields
from specc.source import Span

if TYPE_CHECKING:
    from specc.build.site import KeptSpecs
    from specc.llm.client import LlmError

Step = Callable[[str, str, int, int], None]
"""Called as (stage, item, done, total) when a build starts on an item."""

Sink = Callable[[str, list[OutputFile]], list[OutputFile]]
"""Takes a target's name and files as they are made (`specc.build.staging`);
returns them as the build keeps them. It renders the `Streamed` ones, so an
emitter's failure can surface there too: it runs as part of the emitter's work."""


def as_made(target: str, files: list[OutputFile]) -> list[OutputFile]:
    """Keep a target's files as they were made, the `Streamed` ones rendered (the
    sink of a build that stages nothing)."""
    return held(files)


def _where(specs: list[ir.Spec]) -> Span:
    return Span(path=specs[0].path if specs else "specc", line=1)


def run_emitters(
    specs: list[ir.Spec],
    targets: Sequence[str],
    templates: Sequence[str | Path] = (),
    options: dict[str, dict[str, object]] | None = None,
    llm: Any = None,
    reports: dict[str, Any] | None = None,
    progress: Step | None = None,
    kept: KeptSpecs | None = None,
    sink: Sink = as_made,
) -> tuple[dict[str, OutputFile], list[Diagnostic]]:
    """Run each target's emitter; return files keyed `target/path`, and diagnostics.

    Each target's files go through ``sink`` once it has made them. ``llm`` (a `specc.llm.client.Client`) turns on the LLM-assisted backends;
    ``reports`` are the verification reports the docs show; ``kept`` the specs
    the output keeps that a site-wide target lists too.
    """
    from specc.templating import environment

    env = environment(templates)
    files: dict[str, OutputFile] = {}
    problems: list[Diagnostic] = []
    where = _where(specs)
    loaded = load_emitters(targets, options, where, problems)
    for number, (name, emitter, opts) in enumerate(loaded):
        if progress is not None:
            progress("emit", name, number, len(loaded))
        ctx = EmitContext(
            specs=specs, options=opts, env=env, llm=llm, reports=reports or {}
        )
        if kept is not None:
            ctx.kept = kept.site(name, emitter, ctx)
        produced = guarded(
            name, partial(_emit_into, sink, name, emitter, ctx), where, problems
        )
        if produced is not None:
            problems.extend(ctx.diagnostics)
            add_outputs(files, name, produced, where, problems)
        # The files as made, text and all, go before the next target starts:
        # kept until the next one had made its own, they were 35 MB at
        # N = 10 000 (full) on top of the docs page's rendering.
        del produced, ctx
    return files, problems


def load_emitters(
    targets: Sequence[str],
    options: dict[str, dict[str, object]] | None,
    where: Span,
    problems: list[Diagnostic],
) -> list[tuple[str, Any, Any]]:
    """Return (name, emitter, validated options) of each target; report the bad ones."""
    from specc.emitters import registry

    loaded = []
    try:
        names: dict[str, str] | None = registry.available()
    except registry.RegistryError:
        names = None  # each load below reports it
    for name in targets:
        try:
            emitter = registry.load(name, names)
        except registry.RegistryError as error:
            problems.append(Diagnostic("E080", str(error), where))
            continue
        try:
            opts = options_of(emitter.Options, (options or {}).get(name, {}))
        except ValueError as error:  # pydantic's ValidationError (imported if given)
            problems += _invalid_options(name, emitter.Options, error, where)
            continue
        loaded.append((name, emitter, opts))
    return loaded


def _invalid_options(
    name: str, model: type[Options], error: ValueError, where: Span
) -> list[Diagnostic]:
    """Return E081 for each problem of a target's options; re-raise another error."""
    from pydantic import ValidationError

    if not isinstance(error, ValidationError):
        raise error
    known = ", ".join(fields(model)) or "none"
    return [
        Diagnostic(
            "E081",
            f"option `{name}.{'.'.join(str(p) for p in e['loc'])}`: {e['msg']}",
            where,
            f"options of `{name}`: {known}",
        )
        for e in error.errors()
    ]


def options_of(model: type[Options], given: dict[str, object]) -> Options:
    """Return a target's options validated, or its defaults when none are given.

    The defaults are made without validation when no option is required
    (what validating ``{}`` makes then): importing pydantic and building a
    model's validator cost start-up that a build without options need not pay.
    """
    if not given and not any(f.required for f in fields(model).values()):
        return model()
    from specc.records.models import validate

    made: Options = validate(model, given)
    return made


def _emit_into(
    sink: Sink, name: str, emitter: Emitter, ctx: EmitContext
) -> list[OutputFile]:
    return sink(name, emit_all(emitter, ctx))


def emit_all(emitter: Emitter, ctx: EmitContext) -> list[OutputFile]:
    """Return every file an emitter makes of the context's specs."""
    return list(emitter.emit(ctx))


def guarded(
    name: str,
    work: Callable[[], list[OutputFile]],
    where: Span,
    problems: list[Diagnostic],
) -> list[OutputFile] | None:
    """Return ``work()``, or None with a diagnostic if the emitter failed."""
    try:
        return work()
    except Exception as error:  # an emitter bug must not become a traceback
        if _llm_error(error):  # said once, though several targets hit it
            from specc.llm.session import problems as llm_problems

            problems.extend(d for d in llm_problems(error, where) if d not in problems)
            return None
        problems.append(
            Diagnostic(
                "E082",
                f"the `{name}` emitter failed: {type(error).__name__}: {error}",
                where,
                "this is a bug in the emitter or a template override",
            )
        )
    return None


def add_outputs(
    files: dict[str, OutputFile],
    name: str,
    produced: list[OutputFile],
    where: Span,
    problems: list[Diagnostic],
) -> None:
    """Add a target's files under `name/`, reporting two outputs on one path."""
    for output in produced:
        key = f"{name}/{output.path}"
        if key in files:
            problems.append(
                Diagnostic(
                    "E086",
                    f"two outputs of `{name}` are both {output.path}",
                    where,
                    "two specs may share one `spec:` name",
                )
            )
        files[key] = output


def _llm_error(error: Exception) -> TypeGuard[LlmError]:
    """Return whether ``error`` is the LLM layer's: only a run that loaded the
    client can raise one, so a build without the model never imports it."""
    client = sys.modules.get("specc.llm.client")
    return client is not None and isinstance(error, client.LlmError)
