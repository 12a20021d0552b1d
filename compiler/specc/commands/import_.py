"""`specc import`: write a spec from an OpenAPI document or a JSON Schema."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from specc.commands.common import EXIT_ERRORS, print_diagnostics


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Where to write the spec (default: specs/NAME.spec.md).",
)
@click.option(
    "--no-check",
    is_flag=True,
    help="Do not check the written spec (run `specc check` on it later).",
)
def import_command(file: str, output: str | None, no_check: bool) -> None:
    """Write a spec from an OpenAPI 3.0/3.1 document or a JSON Schema (YAML or JSON).

    Each construct that has no equivalent in a spec is reported as a warning
    with its JSON Pointer and what was done instead; the written spec is then
    checked as `specc check` would. Exit status 1 when the file cannot be read
    or the written spec has an error.
    """
    from specc.frontend.compile import compile_file
    from specc.importers.document import ImportFailed, import_file
    from specc.importers.writer import write_spec
    from specc.naming import plural

    try:
        # The spec is named after the file it is written to, when one is given.
        name = Path(output).name.split(".")[0] if output else None
        imported = import_file(Path(file), name)
    except ImportFailed as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_ERRORS)
    target = Path(output or f"specs/{imported.spec_id}.spec.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(write_spec(imported), "utf-8")
    for warning in imported.warnings:
        click.echo(f"{file}#{warning.pointer}: warning: {warning.message}", err=True)
    if no_check:
        click.echo(
            f"imported {imported.source} into {target}; "
            f"{plural(len(imported.warnings), 'warning')}",
            err=True,
        )
        return
    result = compile_file(str(target))
    print_diagnostics([result], [], False)
    spec = result.spec
    made = (
        f"{plural(len(spec.types), 'type')}, {plural(len(spec.functions), 'function')}, "
        f"{plural(len(list(spec.examples())), 'example')}"
        if spec is not None
        else "no spec"
    )
    click.echo(
        f"imported {imported.source} into {target}: {made}; "
        f"{plural(len(imported.warnings), 'warning')}",
        err=True,
    )
    if not result.ok:
        sys.exit(EXIT_ERRORS)
