"""`specc test`: build, run each target's conformance tests, report per rule."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

import click

from specc.commands.common import (
    EXIT_ERRORS,
    build_json,
    build_options,
    configure,
    count,
    format_option,
    print_changes,
    project_inputs,
    report_build,
    target_names,
    target_option,
)


@click.command(name="test")
@click.argument("paths", nargs=-1, type=click.Path())
@target_option(
    "Targets whose conformance tests to run, comma-separated "
    "(default: the project's targets, else every code target and docs; "
    "without --target the report is a rule × target matrix)."
)
@build_options
@format_option(
    "`json` prints {build, results, summary}, each result "
    "{spec, rule, example, status, message, text, covers}; without --target, "
    "the matrix: {version, specs, results, build}."
)
@click.option(
    "--require-all",
    is_flag=True,
    help="Also fail when an example is not implemented yet.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Time each example may take; a slower one fails as timed out.",
)
def test_command(
    paths: tuple[str, ...],
    target: str | None,
    templates: tuple[str, ...],
    option_pairs: tuple[str, ...],
    out_dir: str | None,
    fmt: str,
    require_all: bool,
    timeout: float,
) -> None:
    """Build, then run each target's conformance tests and report per rule and example.

    Exit status 1 when any example failed (or, with --require-all, is not implemented).
    Every run updates OUT/report/tests.json, which the docs site shows.
    """
    from specc.build.driver import build as run_build
    from specc.commands.progress import Progress, elapsed, files_summary, summary
    from specc.conformance import matrix as verification
    from specc.targets import MATRIX_TARGETS

    project = project_inputs(paths, out_dir, templates)
    out_dir = project.out_dir
    if target or project.config.project.targets:
        targets = target_names(target, project.config, default=None)
    else:
        targets = list(MATRIX_TARGETS)
    options = configure(project, targets, option_pairs)
    with Progress() as progress:
        result = run_build(
            project.paths,
            targets,
            out_dir,
            project.templates,
            options,
            progress=progress.step,
        )
        if not result.ok:
            progress.__exit__(None, None, None)
            _failed_test_build(result, fmt, targets)
        progress.step("test", ", ".join(targets), 0, 1)
        specs = result.specs
        tagged, errors = _run_conformance(targets, specs, out_dir, timeout)
    for name, message in errors.items():
        click.echo(f"error[E088]: {name}: {message}", err=True)
    failed = bool(errors)
    results = [r for _, r in tagged]
    report = verification.matrix(specs, targets, tagged, errors)
    if specs:
        verification.record(out_dir, report, targets)
        if "docs" in targets:  # show the new results on the site now
            refreshed = run_build(
                project.paths, ["docs"], out_dir, project.templates, options
            )
            if not refreshed.ok:
                report_build(refreshed, "text", False)
    idle = _data_models(specs, targets)
    if fmt == "text":
        for spec_id in idle:
            click.echo(f"NONE {spec_id}: no operations to test (its types only)")
    if target is None:
        built = {"build": build_json(result), "no_operations": idle}
        _print_matrix({**report, **built}, tagged, fmt)
    elif fmt == "json":
        report = {
            "build": build_json(result),
            "results": [r.to_json() for r in results],
            "summary": _tally(results),
            "no_operations": idle,
        }
        click.echo(json.dumps(report, indent=2))
    else:
        _print_results(results)
    if result.plan is not None:
        if fmt == "text":
            print_changes(result.plan)
        click.echo(
            summary(
                "tested",
                len(result.specs),
                targets,
                files_summary(result.plan),
                elapsed(),
            ),
            err=True,
        )
    bad = {"failed"} | ({"not_implemented"} if require_all else set())
    if failed or not result.ok or any(r.status in bad for r in results):
        sys.exit(EXIT_ERRORS)


def _failed_test_build(result, fmt: str, targets: Sequence[str]) -> None:  # type: ignore[no-untyped-def]
    """Report the failed build of `specc test` (no test runs) and exit 1."""
    if fmt == "json":
        report = {"build": build_json(result), "results": [], "summary": _tally([])}
        click.echo(json.dumps(report, indent=2))
        sys.exit(EXIT_ERRORS)
    report_build(result, "text", False, targets)


def _data_models(specs: list, targets: list[str]) -> list[str]:  # type: ignore[type-arg]
    """Return the IDs of specs of types alone, when a code target is tested."""
    from specc.emitters.code import has_operations
    from specc.targets import CODE_TARGETS

    if not set(targets) & set(CODE_TARGETS):
        return []
    return [s.id for s in specs if s.types and not has_operations(s)]


def _run_conformance(targets: list[str], specs: list, out_dir: str, timeout: float):  # type: ignore[no-untyped-def]
    """Run every target's runner; on SIGTERM end the test runs and exit 143."""
    import signal

    from specc.conformance import matrix as verification
    from specc.toolchain import Terminated, sigterm_raises

    try:
        with sigterm_raises():
            return verification.run_targets(targets, specs, out_dir, timeout)
    except Terminated:
        click.echo("specc test: terminated; its test runs were stopped", err=True)
        sys.exit(128 + signal.SIGTERM)


_LABELS = {"passed": "PASS", "failed": "FAIL", "not_implemented": "TODO"}


def _print_matrix(report: dict, tagged: list, fmt: str) -> None:  # type: ignore[type-arg]
    """Print the rule × target matrix (and, as text, each failure's message)."""
    if fmt == "json":
        results = [{"target": t, **r.to_json()} for t, r in tagged]
        click.echo(json.dumps({**report, "results": results}, indent=2))
        return
    from rich.console import Console

    from specc.conformance.matrix import print_matrix

    print_matrix(report, Console(highlight=False))
    for _, r in tagged:
        if r.status == "failed":
            where = f"{r.rule} #{r.example}" if r.example else r.rule
            click.echo(f"FAIL {r.spec} {where}: {r.text}")
            for line in _message_lines(r):
                click.echo(f"     {line}")


def _tally(results: list) -> dict[str, int]:  # type: ignore[type-arg]
    """Count examples (or rules) by status; a spec-wide failure counts every example."""
    counts = {s: sum(r.covers for r in results if r.status == s) for s in _LABELS}
    return {"total": sum(counts.values()), **counts}


def _message_lines(r) -> list[str]:  # type: ignore[no-untyped-def]
    """Return a failure's message lines without a repeat of the example's text."""
    lines = r.message.splitlines()
    repeats = {r.text.strip(), f"{r.rule} #{r.example}: {r.text}".strip()}
    while lines and lines[0].strip() in repeats:
        lines.pop(0)
    return lines


def _print_results(results: list) -> None:  # type: ignore[type-arg]
    colours = {"passed": "green", "failed": "red", "not_implemented": "yellow"}
    colour = sys.stdout.isatty()
    for r in results:
        label = _LABELS[r.status]
        if colour:
            label = click.style(label, fg=colours[r.status], bold=True)
        suffix = " (not implemented)" if r.status == "not_implemented" else ""
        where = (
            f"{r.rule} #{r.example}: {r.text}" if r.example else f"{r.rule}: {r.text}"
        )
        click.echo(f"{label} {r.spec} {where}{suffix}")
        if r.status == "failed" and r.message:
            for line in _message_lines(r):
                click.echo(f"     {line}")
    counts = _tally(results)
    noun = "example" if any(r.example or r.covers > 1 for r in results) else "rule"
    click.echo(
        f"{count(counts['total'], noun)}: {counts['passed']} passed, "
        f"{counts['failed']} failed, {counts['not_implemented']} not implemented"
    )
