"""The `specc` command line: thin click commands over the compiler."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from specc import __version__

if TYPE_CHECKING:
    from specc.frontend import Compiled

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="specc")
def main() -> None:
    """specc compiles Markdown specs with rule IDs into code, docs and tests.

    Exit codes: 0 when every spec is clean (warnings allowed), 1 when any spec
    has an error (or a check fails), 2 for a usage error.
    """


def _compile_all(paths: tuple[str, ...]) -> tuple[list[Compiled], list]:
    from specc.frontend import compile_file, find_specs

    files, problems = find_specs(list(paths) or ["specs"])
    return [compile_file(f) for f in files], problems


def print_diagnostics(results: list[Compiled], extra: list, show_hints: bool) -> None:
    """Print diagnostics as text on standard error."""
    from specc.diagnostics import Severity, render

    colour = sys.stderr.isatty()
    for d in extra:
        click.echo(render(d, None, colour), err=True)
    for result in results:
        for d in result.diagnostics:
            if d.severity is Severity.HINT and not show_hints:
                continue
            click.echo(render(d, result.source, colour), err=True)
            click.echo("", err=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print diagnostics and the summary.",
)
@click.option(
    "--hints", is_flag=True, help="Also print hints (they never fail a check)."
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(paths: tuple[str, ...], fmt: str, hints: bool, strict: bool) -> None:
    """Check specs: files, or folders searched for *.spec.md (default: specs/)."""
    from specc.frontend import summarize

    results, problems = _compile_all(paths)
    summary = summarize(results)
    summary["errors"] += len(problems)
    failed = summary["errors"] > 0 or (strict and summary["warnings"] > 0)
    if fmt == "json":
        diagnostics = [d.to_json() for d in problems]
        diagnostics += [d.to_json() for r in results for d in r.diagnostics]
        click.echo(
            json.dumps({"diagnostics": diagnostics, "summary": summary}, indent=2)
        )
    else:
        print_diagnostics(results, problems, hints)
        hidden = "" if hints or not summary["hints"] else " (--hints shows them)"
        click.echo(
            f"checked {summary['specs']} spec{'s' if summary['specs'] != 1 else ''}: "
            f"{summary['rules']} rules, {summary['types']} types, "
            f"{summary['functions']} functions, {summary['examples']} examples, "
            f"{summary['conversations']} conversations, "
            f"{summary['commentary']} commentary blocks; "
            f"{summary['errors']} errors, {summary['warnings']} warnings, "
            f"{summary['hints']} hints{hidden}",
            err=True,
        )
    sys.exit(EXIT_ERRORS if failed else EXIT_OK)


@main.command()
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
    from specc.frontend import compile_file

    result = compile_file(spec)
    print_diagnostics([result], [], False)
    if not result.ok or result.spec is None:
        sys.exit(EXIT_ERRORS)
    click.echo(result.spec.model_dump_json(indent=2))
