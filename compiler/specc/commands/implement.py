"""`specc implement`: from the scaffold to an implementation that passes every example."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from specc.commands.common import (
    EXIT_ERRORS,
    exit_stopped,
    finish_llm,
    model_options,
    print_diagnostics,
    report_build,
    start_llm,
)

if TYPE_CHECKING:
    from specc.build.driver import BuildResult
    from specc.diagnostics import Diagnostic
    from specc.implement import Outcome
    from specc.llm.client import Client


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--target",
    "-t",
    required=True,
    type=click.Choice(["ts", "rust", "python"]),
    help="The code target whose implementation file to write.",
)
@click.option(
    "--attempts",
    default=4,
    show_default=True,
    type=click.IntRange(min=1, max=20),
    help="Answers to try per spec, each told why the one before failed.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite an implementation file that is no longer the untouched scaffold.",
)
@click.option(
    "--templates",
    multiple=True,
    type=click.Path(file_okay=False, exists=True),
    help="A folder of templates (prompts included) that shadow the built-in ones.",
)
@click.option(
    "--out",
    "out_dir",
    default="out",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Output folder.",
)
@model_options
def implement(
    paths: tuple[str, ...],
    target: str,
    attempts: int,
    force: bool,
    templates: tuple[str, ...],
    out_dir: str,
    **llm_flags: Any,
) -> None:
    """Ask the model for each spec's implementation until its conformance tests pass.

    Builds the target, sends the spec, the generated types and API and the
    scaffold, writes the answer's last fenced code block over the untouched
    scaffold, runs the conformance tests, and sends failing examples back, up
    to --attempts. Ends with a pass/fail table per rule; exit status 1 unless
    every example passes. `--frozen` reproduces the recorded answer offline.
    """
    from specc.build.driver import build as run_build

    session = start_llm(paths, **llm_flags, required=True)
    assert session.client is not None  # `required` exits when there is no endpoint
    result = run_build(list(paths) or ["specs"], [target], out_dir, templates)
    if not result.ok:
        report_build(result, "text", False)
    from specc.build.backup import Stopped

    try:
        outcomes, problems = _run_jobs(
            session.client, result, target, Path(out_dir), templates, (attempts, force)
        )
    except Stopped as stopped:
        exit_stopped("implement", stopped, "every implementation file is as it was")
    scope = {f"implement/{target}/{s.id}" for s in result.given_specs}
    failed = bool(problems) or any(not o.accepted for o in outcomes)
    finish_llm(session, None if problems else scope)
    print_diagnostics([], problems, False)
    _print_table(outcomes)
    if failed:
        sys.exit(EXIT_ERRORS)


def _run_jobs(
    client: Client,
    result: BuildResult,
    target: str,
    out_dir: Path,
    templates: tuple[str, ...],
    limits: tuple[int, bool],
) -> tuple[list[Outcome], list[Diagnostic]]:
    """Run every spec's loop; return the outcomes and the run's diagnostics."""
    from specc.diagnostics import Diagnostic
    from specc.implement import implement as run_loop
    from specc.implement import jobs
    from specc.llm.client import LlmError
    from specc.llm.session import problems as llm_problems
    from specc.source import Span
    from specc.templating import environment
    from specc.toolchain import ToolchainError

    env = environment(templates)
    outcomes: list[Outcome] = []
    problems: list[Diagnostic] = []
    for job in jobs(target, result.given_specs, out_dir / target, result.files):
        where = Span(path=job.spec.path, line=1)
        click.echo(f"implementing {job.artifact}: {job.path}", err=True)
        try:
            outcome = run_loop(client, env, job, *limits)
        except LlmError as error:
            problems.extend(llm_problems(error, where))
            break
        except ToolchainError as error:
            problems.append(Diagnostic("E088", f"{target}: {error}", where))
            break
        outcomes.append(outcome)
        problems.extend(outcome.diagnostics)
    return outcomes, problems


def _print_table(outcomes: list[Outcome]) -> None:
    """Print the per-rule pass/fail table of every spec implemented."""
    from specc.commands.progress import plural
    from specc.implement import rule_table

    rows = [r for o in outcomes for r in rule_table(o.results)]
    if not rows:
        return
    width = max(len(f"{spec} {rule}") for spec, rule, _, _ in rows)
    click.echo(f"{'rule':<{width}}  examples  result")
    for spec, rule, passed, total in rows:
        status = "PASS" if passed == total else "FAIL"
        click.echo(f"{spec + ' ' + rule:<{width}}  {f'{passed}/{total}':>8}  {status}")
    for o in outcomes:
        verdict = "accepted" if o.accepted else "not accepted"
        click.echo(
            f"{o.job.artifact}: {verdict} after {plural(o.attempts, 'attempt')}: "
            f"{o.job.path}",
            err=True,
        )
