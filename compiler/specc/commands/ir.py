"""`specc ir`: print a spec's intermediate representation, or its JSON Schema."""

from __future__ import annotations

import json
import sys

import click

from specc.commands.common import EXIT_ERRORS, print_diagnostics


@click.command()
@click.argument("spec", required=False, type=click.Path())
@click.option("--schema", is_flag=True, help="Print the IR's JSON Schema instead.")
def ir(spec: str | None, schema: bool) -> None:
    """Print a spec's intermediate representation as JSON."""
    if schema:
        from specc.ir import json_schema

        click.echo(json.dumps(json_schema(), indent=2, sort_keys=True))
        return
    if spec is None:
        raise click.UsageError("give a SPEC file, or --schema")
    from specc.commands.common import project_inputs
    from specc.frontend.project import Project, project_files
    from specc.memory import stop_collector

    stop_collector()
    project = Project(project_files([spec], project_inputs([spec]).sources))
    result = project.compile(spec)
    print_diagnostics([result], [], False)
    if not result.ok or result.spec is None:
        sys.exit(EXIT_ERRORS)
    from pydantic_core import PydanticSerializationError

    from specc.records.models import dump_json

    try:
        text = dump_json(result.spec, indent=2)
    except PydanticSerializationError:  # the one string JSON in UTF-8 cannot carry
        click.echo(
            f"{spec}: error: a string in an example or default holds a lone"
            " surrogate, which JSON text in UTF-8 cannot carry; write the"
            " character itself, or a valid surrogate pair",
            err=True,
        )
        sys.exit(EXIT_ERRORS)
    click.echo(text)
