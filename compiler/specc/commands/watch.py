"""`specc watch`: build, then rebuild what changed whenever an input changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from specc.commands.common import (
    Command,
    build_options,
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
    """Add the options of `build` and `--target`."""
    f = build_options(f)
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
) -> None:
    """Build, then rebuild whenever a spec, the configuration or a template changes.

    Only the specs that changed are compiled again; a spec with errors leaves
    the output as it was until it is fixed. Ctrl-C stops.
    """
    from specc.build import watch as watching

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
        settings = watching.Settings(
            found.paths,
            found.out_dir,
            targets,
            found.templates,
            options,
            found.config.path,
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
