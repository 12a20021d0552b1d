"""`specc check`: find every problem in specs, with file, line and column."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from specc.commands.common import (
    EXIT_ERRORS,
    EXIT_OK,
    format_option,
    print_diagnostics,
    project_inputs,
)
from specc.commands.progress import plural

if TYPE_CHECKING:
    from specc.diagnostics import Diagnostic
    from specc.frontend.compile import Compiled


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@format_option("How to print diagnostics and the summary.")
@click.option(
    "--hints", is_flag=True, help="Also print hints (they never fail a check)."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Also run the review lints (W104-W107) and fail on any warning.",
)
def check(paths: tuple[str, ...], fmt: str, hints: bool, strict: bool) -> None:
    """Check specs: files, or folders searched for *.spec.md (default: specs/)."""
    from specc.commands.progress import elapsed
    from specc.frontend.compile import summarize
    from specc.memory import stop_collector

    stop_collector()

    results, problems = _compile_all(paths)
    if strict:
        _add_review_lints(results)
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
            f"checked {plural(summary['specs'], 'spec')}: "
            + "; ".join(
                ", ".join(plural(summary[key], noun) for key, noun in group)
                for group in _SUMMARY
            )
            + hidden
            + f" in {elapsed():.2f} s",
            err=True,
        )
    sys.exit(EXIT_ERRORS if failed else EXIT_OK)


def _add_review_lints(results: list[Compiled]) -> None:
    """Add the `--strict` review warnings to every spec that compiled."""
    from specc.diagnostics import sort_key
    from specc.frontend.lints import review, used_across

    compiled = [r.spec for r in results if r.ok and r.spec is not None]
    used = used_across(compiled)
    for result in results:
        if result.ok and result.spec is not None:
            spec_id = result.spec.id
            result.diagnostics.extend(review(result.spec, used.get(spec_id, ())))
            result.diagnostics.sort(key=sort_key)


_SUMMARY = (
    (
        ("rules", "rule"),
        ("types", "type"),
        ("functions", "function"),
        ("examples", "example"),
        ("conversations", "conversation"),
        ("commentary", "commentary block"),
    ),
    (("errors", "error"), ("warnings", "warning"), ("hints", "hint")),
)


def _compile_all(paths: tuple[str, ...]) -> tuple[list[Compiled], list[Diagnostic]]:
    """Compile every spec under ``paths``; return the results and the paths' problems."""
    from specc.frontend.compile import find_specs
    from specc.frontend.project import Project, project_files

    inputs = project_inputs(paths)
    files, problems = find_specs(inputs.paths)
    project = Project(project_files(files, inputs.sources))
    return [project.compile(f) for f in files], problems
