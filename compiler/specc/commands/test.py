"""`specc test`: build, run each target's conformance tests, report per rule."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

import click

from specc.commands.common import (
    EXIT_ERRORS,
    build_json,
    build_options,
    configure,
    finish_llm,
    format_option,
    llm_options,
    print_changes,
    project_inputs,
    report_build,
    start_llm,
    table_console,
    target_names,
    target_option,
)
from specc.commands.progress import plural

if TYPE_CHECKING:
    from specc import ir
    from specc.build.driver import BuildResult
    from specc.conformance import Result
    from specc.llm.client import Client
    from specc.project.inputs import Inputs


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
@click.option(
    "--mutate",
    is_flag=True,
    help="Then mutate the ts, python and rust implementations and report, per "
    "rule, how many mutants its examples kill (OUT/report/mutation.json).",
)
@click.option(
    "--max-mutants",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="With --mutate: at most N mutants per spec and target, spread over the code.",
)
@click.option(
    "--min-score",
    type=click.FloatRange(min=0, max=1),
    default=None,
    metavar="SCORE",
    help="With --mutate: exit 1 when a rule's mutation score is below SCORE (0-1).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="With --mutate: mutants run N at a time (default: the number of CPUs).",
)
@llm_options
@click.option(
    "--python",
    "python",
    type=click.Path(),
    metavar="PATH",
    help="Run the Python target's tests in this interpreter or virtual environment, "
    "installing the package and its dependencies there (default: "
    "`[targets.python] python`, else specc's own).",
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
    mutate: bool,
    max_mutants: int | None,
    min_score: float | None,
    workers: int | None,
    python: str | None,
    **llm_flags: Any,
) -> None:
    """Build, then run each target's conformance tests and report per rule and example.

    Exit status 1 when any example failed (or, with --require-all, is not implemented).
    Every run updates OUT/report/tests.json, which the docs site shows. With
    --mutate, it also fails when a rule scores below --min-score. The
    build uses the LLM-assisted backends as `specc build` does (`[llm]`,
    --llm/--no-llm), so it tests what `specc build` writes.
    """
    project = project_inputs(paths, out_dir, templates)
    targets = _chosen_targets(target, project)
    options = _interpreter(project, configure(project, targets, option_pairs), python)
    session = start_llm(project.paths, **llm_flags)
    build = _Build(project, targets, options, session.client)
    result, tagged, errors = _build_and_test(build, fmt, timeout)
    mutation = None
    if mutate:
        from specc.commands.mutate import mutation_report

        mutation = mutation_report(
            project.out_dir,
            targets,
            result.given_specs,
            tagged,
            timeout,
            max_mutants,
            workers,
        )
    report = _record(build, result.given_specs, tagged, errors)
    scope = {f"{t}/{s.id}" for t in targets for s in result.specs}
    finish_llm(session, scope if result.ok else None)
    _print_report(result, report, tagged, target, targets, fmt, mutation)
    _print_summary(result, targets, fmt)
    weak = False
    if mutation is not None and min_score is not None:
        from specc.commands.mutate import print_weak

        weak = print_weak(mutation, min_score)
    if not _passed(result, tagged, errors, require_all) or weak:
        sys.exit(EXIT_ERRORS)


def _chosen_targets(target: str | None, project: Inputs) -> list[str]:
    """Return `--target`'s targets, else the project's, else every target of the matrix."""
    from specc.targets import MATRIX_TARGETS

    if target or project.config.project.targets:
        return target_names(target, project.config, default=None)
    return list(MATRIX_TARGETS)


@dataclass(frozen=True)
class _Build:
    """What `specc test` builds: the project, its targets and options, and the model."""

    project: Inputs
    targets: list[str]
    options: dict[str, dict[str, object]]
    llm: Client | None

    def run(self, targets: list[str], **more: Any) -> BuildResult:
        """Build ``targets`` of the project as `specc build` would."""
        from specc.build.driver import build as run_build

        p = self.project
        return run_build(
            p.paths,
            targets,
            p.out_dir,
            p.templates,
            self.options,
            llm=self.llm,
            project=p.sources,
            hold=False,
            **more,
        )


def _build_and_test(
    build: _Build, fmt: str, timeout: float
) -> tuple[BuildResult, list[tuple[str, Result]], dict[str, str]]:
    """Build, then run the conformance tests; return the build, the results, the errors.

    A failed build is reported and exits 1. A target whose toolchain could not
    run is reported here (E088) and fails the run at its end.
    """
    from specc.commands.progress import Progress

    targets = build.targets
    with Progress() as progress:
        result = build.run(targets, progress=progress.step)
        if not result.ok:
            progress.__exit__(None, None, None)
            _failed_test_build(result, fmt, targets)
        progress.step("test", ", ".join(targets), 0, 1)
        tagged, errors = _run_conformance(
            targets,
            result.given_specs,
            build.project.out_dir,
            timeout,
            _runner_settings(build.options),
        )
    for name, message in errors.items():
        click.echo(f"error[E088]: {name}: {message}", err=True)
    return result, tagged, errors


def _record(
    build: _Build,
    specs: list[ir.Spec],
    tagged: list[tuple[str, Result]],
    errors: dict[str, str],
) -> dict[str, Any]:
    """Return the rule × target report; save it, and rebuild the docs site that shows it."""
    from specc.conformance import matrix as verification

    report = verification.matrix(specs, build.targets, tagged, errors)
    if specs:
        verification.record(build.project.out_dir, report, build.targets)
        if "docs" in build.targets:  # show the new results on the site now
            refreshed = build.run(["docs"])
            if not refreshed.ok:
                report_build(refreshed, "text", False)
    return report


def _print_report(
    result: BuildResult,
    report: dict[str, Any],
    tagged: list[tuple[str, Result]],
    target: str | None,
    targets: list[str],
    fmt: str,
    mutation: dict[str, Any] | None = None,
) -> None:
    """Print the results: the matrix without --target, else one line per example.

    With --mutate the mutation scores follow (as text), or sit under
    `mutation` (as JSON).
    """
    idle = _data_models(result.given_specs, targets)
    if fmt == "text":
        for spec_id in idle:
            click.echo(f"NONE {spec_id}: no operations to test (its types only)")
    results = [r for _, r in tagged]
    extra = {} if mutation is None else {"mutation": mutation}
    if target is None:
        built = {"build": build_json(result), "no_operations": idle, **extra}
        _print_matrix({**report, **built}, tagged, fmt)
    elif fmt == "json":
        shown = {
            "build": build_json(result),
            "results": [{"target": t, **r.to_json()} for t, r in tagged],
            "summary": _tally(results),
            "no_operations": idle,
            **extra,
        }
        click.echo(json.dumps(shown, indent=2))
    else:
        _print_results(results)
    if mutation is not None and fmt == "text":
        from specc.commands.mutate import print_mutation

        print_mutation(mutation)


def _print_summary(result: BuildResult, targets: list[str], fmt: str) -> None:
    """Print what the build wrote (as text) and the closing summary line."""
    from specc.commands.progress import elapsed, files_summary, summary

    if result.plan is None:
        return
    if fmt == "text":
        print_changes(result.plan)
    files = files_summary(result.plan)
    line = summary("tested", len(result.given_specs), targets, files, elapsed())
    click.echo(line, err=True)


def _passed(
    result: BuildResult,
    tagged: list[tuple[str, Result]],
    errors: dict[str, str],
    require_all: bool,
) -> bool:
    """Return whether the run passed: built, every toolchain ran, no example failed.

    With ``require_all`` an example not implemented yet fails the run too.
    """
    bad = {"failed"} | ({"not_implemented"} if require_all else set())
    failed = any(r.status in bad for _, r in tagged)
    return not errors and result.ok and not failed


def _failed_test_build(
    result: BuildResult, fmt: str, targets: Sequence[str]
) -> NoReturn:
    """Report the failed build of `specc test` (no test runs) and exit 1."""
    if fmt == "json":
        report = {"build": build_json(result), "results": [], "summary": _tally([])}
        click.echo(json.dumps(report, indent=2))
    else:
        report_build(result, "text", False, targets)  # exits 1 itself
    sys.exit(EXIT_ERRORS)


def _data_models(specs: list[ir.Spec], targets: list[str]) -> list[str]:
    """Return the IDs of specs of types alone, when a code target is tested."""
    from specc.emitters.code import has_operations
    from specc.targets import CODE_TARGETS

    if not set(targets) & set(CODE_TARGETS):
        return []
    return [s.id for s in specs if s.types and not has_operations(s)]


def _interpreter(
    project: Inputs, options: dict[str, dict[str, object]], flag: str | None
) -> dict[str, dict[str, object]]:
    """Return ``options`` with the Python target's interpreter: `--python`, else the
    option, a configured path read relative to the configuration file."""
    chosen = options.get("python", {}).get("python")
    configured = project.config.project.targets.get("python", {}).get("python")
    if flag:
        chosen = flag
    elif isinstance(chosen, str) and chosen == configured and "/" in chosen:
        chosen = project.config.resolve(chosen)
    if not chosen:
        return options
    return {**options, "python": {**options.get("python", {}), "python": chosen}}


def _runner_settings(
    options: dict[str, dict[str, object]],
) -> dict[str, dict[str, Any]]:
    """Return the runners' keyword arguments the options hold (the Python interpreter)."""
    chosen = options.get("python", {}).get("python")
    return {"python": {"python": chosen}} if chosen else {}


def _run_conformance(
    targets: list[str],
    specs: list[ir.Spec],
    out_dir: str,
    timeout: float,
    settings: dict[str, dict[str, Any]] | None = None,
) -> tuple[list[tuple[str, Result]], dict[str, str]]:
    """Run every target's runner; on SIGTERM end the test runs and exit 143."""
    import signal

    from specc.conformance import matrix as verification
    from specc.toolchain import Terminated, sigterm_raises

    try:
        with sigterm_raises():
            return verification.run_targets(targets, specs, out_dir, timeout, settings)
    except Terminated:
        click.echo("specc test: terminated; its test runs were stopped", err=True)
        sys.exit(128 + signal.SIGTERM)


_LABELS = {"passed": "PASS", "failed": "FAIL", "not_implemented": "TODO"}


def _print_matrix(
    report: dict[str, Any], tagged: list[tuple[str, Result]], fmt: str
) -> None:
    """Print the rule × target matrix (and, as text, each failure's message)."""
    if fmt == "json":
        results = [{"target": t, **r.to_json()} for t, r in tagged]
        click.echo(json.dumps({**report, "results": results}, indent=2))
        return
    from specc.conformance.matrix import print_matrix

    print_matrix(report, table_console())
    for _, r in tagged:
        if r.status == "failed":
            where = f"{r.rule} #{r.example}" if r.example else r.rule
            click.echo(f"FAIL {r.spec} {where}: {r.text}")
            for line in _message_lines(r):
                click.echo(f"     {line}")


def _tally(results: list[Result]) -> dict[str, int]:
    """Count examples (or rules) by status; a spec-wide failure counts every example."""
    counts = {s: sum(r.covers for r in results if r.status == s) for s in _LABELS}
    return {"total": sum(counts.values()), **counts}


def _message_lines(r: Result) -> list[str]:
    """Return a failure's message lines without a repeat of the example's text."""
    lines = r.message.splitlines()
    repeats = {r.text.strip(), f"{r.rule} #{r.example}: {r.text}".strip()}
    while lines and lines[0].strip() in repeats:
        lines.pop(0)
    return lines


def _print_results(results: list[Result]) -> None:
    """Print one line per example (failures with their message) and the counts."""
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
        f"{plural(counts['total'], noun)}: {counts['passed']} passed, "
        f"{counts['failed']} failed, {counts['not_implemented']} not implemented"
    )
