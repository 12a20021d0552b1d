"""`specc build`: compile specs and write each target's output."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from specc.commands.common import (
    EXIT_ERRORS,
    build_options,
    configure,
    finish_llm,
    format_option,
    llm_options,
    project_inputs,
    report_build,
    start_llm,
    target_names,
    target_option,
)

if TYPE_CHECKING:
    from specc import ir


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@target_option(
    "Targets to build, comma-separated, or `all` "
    "(default: the project's targets, else all)."
)
@build_options
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if the output folder is missing, stale or changed.",
)
@format_option("How to print diagnostics and the report.")
@click.option(
    "--audio",
    is_flag=True,
    help="With the podcast target: also speak each episode to a WAV file "
    "(needs espeak-ng and sox).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Compile and emit every spec, even those unchanged since the last build "
    "(the cache is OUT/.specc-cache).",
)
@llm_options
def build(
    paths: tuple[str, ...],
    target: str,
    templates: tuple[str, ...],
    option_pairs: tuple[str, ...],
    out_dir: str | None,
    check: bool,
    fmt: str,
    audio: bool,
    no_cache: bool,
    **llm_flags: Any,
) -> None:
    """Build specs (files or folders; default: the project's, else specs/) into OUT/<target>/.

    With --llm (or --frozen, or `llm = true` in specc.toml) the targets that
    have an LLM-assisted backend (docs, podcast) use it; see docs/llm.md.
    """
    from specc.memory import stop_collector

    stop_collector()  # before the build's imports, which make many objects that live on
    from specc.build.driver import build as run_build
    from specc.commands.progress import Progress

    project = project_inputs(paths, out_dir, templates)
    out_dir = project.out_dir
    targets = target_names(target, project.config)
    if audio and ("podcast" not in targets or check):
        raise click.UsageError("--audio goes with --target podcast and without --check")
    options = configure(project, targets, option_pairs)
    session = start_llm(project.paths, **llm_flags)
    with Progress() as progress:
        result = run_build(
            project.paths,
            targets,
            out_dir,
            project.templates,
            options,
            check,
            llm=session.client,
            progress=progress.step,
            incremental=not (audio or no_cache),
            project=project.sources,
            hold=False,
        )
    scope = {f"{t}/{s.id}" for t in targets for s in result.specs}
    finish_llm(session, scope if result.ok else None, write=not check)
    report_build(result, fmt, check, targets)
    if audio:
        _render_audio(result.specs, out_dir)


def _render_audio(specs: list[ir.Spec], out_dir: str) -> None:
    """Speak every built podcast script; exit 1 if the tools are missing or fail."""
    from pathlib import Path

    from specc.emitters.podcast.audio import render_audio
    from specc.toolchain import ToolchainError

    try:
        for spec in specs:
            for path, seconds in render_audio(Path(out_dir) / "podcast", spec):
                click.echo(f"  audio {path} ({seconds:.1f} s)", err=True)
    except ToolchainError as error:
        click.echo(f"error[E088]: podcast audio: {error}", err=True)
        sys.exit(EXIT_ERRORS)
