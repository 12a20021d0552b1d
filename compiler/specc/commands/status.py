"""`specc status`: per target, the rules that changed since they passed, never passed, or fail."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from specc.commands.common import (
    EXIT_ERRORS,
    EXIT_OK,
    format_option,
    print_diagnostics,
    project_inputs,
    target_names,
    target_option,
)
from specc.commands.progress import plural

if TYPE_CHECKING:
    from specc import ir
    from specc.drift import TargetStatus
    from specc.project.inputs import Inputs


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@target_option(
    "Targets to report on, comma-separated (default: the project's targets, "
    "else those `specc test` last ran, else every code target)."
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Output folder whose report/ holds the test runs (default: out/).",
)
@format_option(
    "`json` prints {targets: {NAME: {changed, never_implemented, failing}}, clean}, "
    "each entry {spec, rule}."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when any rule is listed (for CI).",
)
def status(
    paths: tuple[str, ...],
    target: str | None,
    out_dir: str | None,
    fmt: str,
    strict: bool,
) -> None:
    """List, per target, the rules whose spec changed since the implementation last
    passed them, the rules it never passed, and the rules whose tests fail now.

    Reads OUT/report/ as `specc test` left it; runs nothing. Exit status 1 when
    a spec has errors, or with --strict when any rule is listed.
    """
    from specc import drift
    from specc.reports import PASSES, TESTS, read_report

    project = project_inputs(paths, out_dir)
    specs = _compile(project)
    tests = read_report(project.out_dir, TESTS)
    targets = _targets(target, project, tests)
    found = drift.status(specs, targets, tests, read_report(project.out_dir, PASSES))
    clean = all(s.clean for s in found.values())
    if fmt == "json":
        shown = {t: s.to_json() for t, s in found.items()}
        click.echo(json.dumps({"targets": shown, "clean": clean}, indent=2))
    else:
        _print(found)
    sys.exit(EXIT_ERRORS if strict and not clean else EXIT_OK)


def _compile(project: Inputs) -> list[ir.Spec]:
    """Compile the specs in their project (with the specs they use); print their
    errors and exit 1 if any does not compile."""
    from specc.frontend.compile import find_specs
    from specc.frontend.project import Project, project_files

    files, problems = find_specs(project.paths)
    compiler = Project(project_files(files, project.sources))
    results = [compiler.compile(f) for f in files]
    if problems or not all(r.ok for r in results):
        print_diagnostics(results, problems, False)
        sys.exit(EXIT_ERRORS)
    return [r.spec for r in results if r.spec is not None]


def _targets(target: str | None, project: Any, tests: Any) -> list[str]:
    """Return `--target`'s targets, else the project's, else those the report has."""
    from specc.conformance.matrix import report_targets
    from specc.targets import CODE_TARGETS

    if target or project.config.project.targets:
        return target_names(target, project.config, default=None)
    if isinstance(tests, dict) and isinstance(tests.get("specs"), dict):
        try:
            found = report_targets(tests)
        except (KeyError, TypeError, AttributeError):
            found = []
        if found:
            return found
    return list(CODE_TARGETS)


_HEADINGS = {
    "changed": "changed since last pass",
    "never_implemented": "never implemented",
    "failing": "failing",
}


def _print(found: dict[str, TargetStatus]) -> None:
    """Print each target's lists, one rule a line, then a closing count."""
    listed = 0
    for target, state in found.items():
        counts = ", ".join(
            f"{len(getattr(state, kind))} {words}" for kind, words in _HEADINGS.items()
        )
        click.echo(f"{target}: {counts}")
        for kind, words in _HEADINGS.items():
            for spec, rule in getattr(state, kind):
                click.echo(f"  {words:<24} {spec} {rule}")
                listed += 1
    click.echo(
        f"{plural(listed, 'rule')} listed over {plural(len(found), 'target')}",
        err=True,
    )
