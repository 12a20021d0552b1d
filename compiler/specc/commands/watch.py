"""`specc watch`: build, then rebuild what changed whenever an input changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from specc.commands.common import (
    EXIT_USAGE,
    Command,
    build_options,
    llm_flags,
    llm_options,
    parse_options,
    print_diagnostics,
    print_loose_diagnostics,
    target_names,
    target_option,
)

if TYPE_CHECKING:
    from specc.build.watch import Settings
    from specc.diagnostics import Diagnostic
    from specc.frontend.compile import Compiled


def _watch_options(f: Command) -> Command:
    """Add the options of `build` (the LLM's included) and `--target`."""
    f = llm_options(build_options(f))
    return target_option(
        "Targets to build (default: the project's targets, else all)."
    )(f)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@_watch_options
def watch(
    paths: tuple[str, ...],
    target: str | None,
    templates: tuple[str, ...],
    option_pairs: tuple[str, ...],
    out_dir: str | None,
    **llm_options: Any,
) -> None:
    """Build, then rebuild whenever a spec, the configuration or a template changes.

    Only the specs that changed are compiled again; a spec with errors leaves
    the output as it was until it is fixed. The LLM-assisted backends serve
    as in `specc build` (`[llm]`, --llm/--no-llm). Ctrl-C stops.
    """
    from specc.build import watch as watching
    from specc.llm.session import open_session

    _stop_on_missing(paths)
    flags = llm_flags(**llm_options)

    def resolve() -> tuple[Settings | None, list[Diagnostic]]:
        from specc.project import inputs as project

        found = project.inputs(paths, out_dir, templates)
        if found.problems:
            return None, found.problems
        targets = target_names(target, found.config)
        problems = project.check_targets(found.config, targets)
        if problems:
            return None, problems
        cli_options = parse_options(option_pairs, targets)
        options = project.merge_options(found.config, targets, cli_options)
        session = open_session(found.paths, flags)
        if session.diagnostics:
            return None, session.diagnostics
        if session.notice:
            click.echo(session.notice, err=True)
        settings = watching.Settings(
            found.paths,
            found.out_dir,
            targets,
            found.templates,
            options,
            found.config.path,
            session,
            found.sources,
        )
        return settings, []

    def diagnostics(results: list[Compiled], extra: list[Diagnostic]) -> None:
        print_diagnostics(results, [], False)
        print_loose_diagnostics(extra)

    printer = watching.Printer(lambda text: click.echo(text), diagnostics)
    try:
        watching.run(watching.Watcher(resolve, printer))
    except KeyboardInterrupt:  # Ctrl-C during a build stops as quietly as between
        pass


def _stop_on_missing(paths: tuple[str, ...]) -> None:
    """Print E001 for each named spec or folder that does not exist, and exit 2.

    Watching a path that is not there would wait forever for nothing.
    """
    import sys
    from pathlib import Path

    from specc.frontend.compile import compile_file

    missing = [compile_file(p) for p in paths if not Path(p).exists()]
    if missing:
        print_diagnostics(missing, [], False)
        sys.exit(EXIT_USAGE)
