"""`specc eval`: grade a model on the specs' behavioural examples."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from specc.commands.common import (
    EXIT_ERRORS,
    format_option,
    model_options,
    print_diagnostics,
    project_inputs,
    start_llm,
    table_console,
)


@click.command(name="eval")
@click.argument("paths", nargs=-1, type=click.Path())
@model_options
@click.option(
    "--judge", "-j", metavar="NAME", help="The model that grades (default: --model)."
)
@click.option(
    "--samples",
    "-k",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Answers per case; pass rates get a 95% Wilson interval.",
)
@click.option(
    "--out",
    "out_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Output folder (default: the project's, else out); "
    "the report goes to OUT/report/evals.json.",
)
@format_option("`json` prints the report: overall, per rule, and the failures.")
def eval_command(
    paths: tuple[str, ...],
    judge: str | None,
    samples: int,
    out_dir: str | None,
    fmt: str,
    **llm_flags: Any,
) -> None:
    """Evaluate a model on the specs' behavioural examples, graded by a judge model.

    The model answers each case's input turns; the judge grades each answer
    against the rule and its GOOD/BAD references. Exit status 1 when a case
    failed or got no valid verdict, or the run stopped.
    """
    from specc.evaluate.run import cases_of, run_session
    from specc.reports import EVALS, write_report

    project = project_inputs(paths, out_dir)
    compiled, problems, cases = cases_of(project.paths)
    print_diagnostics(compiled, problems, False)
    if problems or not all(c.ok for c in compiled):
        sys.exit(EXIT_ERRORS)
    session = start_llm(project.paths, required=True, **llm_flags)
    data, problems = run_session(session, cases, judge, samples)
    print_diagnostics([], problems, False)
    if session.client is not None:
        click.echo(session.client.stats.summary(), err=True)
    if data is None:
        sys.exit(EXIT_ERRORS)
    path = write_report(project.out_dir, EVALS, data)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
    else:
        from specc.evaluate.report import print_report

        print_report(data, table_console())
        click.echo(f"report: {path}", err=True)
    overall = data["overall"]
    assert isinstance(overall, dict)
    if overall["failed"] or overall["errors"]:
        sys.exit(EXIT_ERRORS)
