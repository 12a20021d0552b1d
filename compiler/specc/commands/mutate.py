"""`specc test --mutate`: run the mutants with a progress bar, record and print the scores."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from specc import ir
    from specc.conformance import Result


def mutation_report(
    out_dir: str,
    targets: Sequence[str],
    specs: Sequence[ir.Spec],
    tagged: list[tuple[str, Result]],
    timeout: float,
    max_mutants: int | None,
    workers: int | None,
    min_score: float | None = None,
) -> dict[str, Any]:
    """Mutate every tested implementation, save `mutation.json` and return the report.

    ``min_score`` (else 80%) is where the report marks rules weak.
    """
    from specc.commands.progress import Progress
    from specc.mutation import report as scores
    from specc.mutation.run import mutate_all
    from specc.toolchain import ToolchainError

    def passing(target: str, spec: str) -> set[str]:
        return scores.passing_rules(tagged, target, spec)

    with Progress() as progress:

        def step(label: str, done: int, total: int) -> None:
            progress.step("mutate", label, done, total)

        try:
            runs = mutate_all(
                targets,
                specs,
                out_dir,
                passing,
                step,
                max_mutants=max_mutants,
                timeout=timeout,
                workers=workers or os.cpu_count() or 1,
            )
        except ToolchainError as error:
            click.echo(f"error[E088]: mutation: {error}", err=True)
            runs = []
    found = scores.report(runs, scores.WEAK_BELOW if min_score is None else min_score)
    if found["specs"]:
        scores.record(out_dir, found)
    return found


def print_mutation(found: dict[str, Any]) -> None:
    """Print the scores per rule and target, and a few survivors of each rule."""
    from rich.console import Console

    from specc.mutation.report import print_report

    if not found["specs"]:
        click.echo("mutation: no ts, python or rust implementation to mutate")
        return
    print_report(found, Console(highlight=False))


def print_weak(found: dict[str, Any], threshold: float) -> bool:
    """Print the rules scored below ``threshold`` (on standard error); return whether any is."""
    from specc.mutation.report import below

    weak = below(found, threshold)
    for spec, rule, target, score in weak:
        click.echo(
            f"error: {spec} {rule} ({target}): mutation score {score:.0%} "
            f"is below --min-score {threshold:.0%}",
            err=True,
        )
    return bool(weak)
