"""The `specc` command group: every command, registered from its own module."""

from __future__ import annotations

import click

from specc import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="specc")
def main() -> None:
    """specc compiles Markdown specs with rule IDs into code, docs and tests.

    Exit codes: 0 when every spec is clean (warnings allowed), 1 when any spec
    has an error (or a check fails), 2 for a usage error.
    """
    from specc.commands.progress import start_clock

    start_clock()


def _register() -> None:
    """Add every command; each lives in its own module and imports lazily what it runs."""
    from specc.commands import (
        build,
        check,
        diff,
        eval,
        fmt,
        implement,
        import_,
        ir,
        lsp,
        project,
        status,
        test,
        watch,
    )

    for command in (
        check.check,
        ir.ir,
        build.build,
        test.test_command,
        status.status,
        eval.eval_command,
        diff.diff,
        fmt.fmt,
        lsp.lsp,
        implement.implement,
        project.init,
        project.new,
        project.config_command,
        watch.watch,
        project.templates,
        import_.import_command,
    ):
        main.add_command(command)


_register()


def run() -> None:
    """Run the command line in a process of its own (`specc`, `python -m specc`)."""
    from specc.memory import own_process

    own_process()
    main()
