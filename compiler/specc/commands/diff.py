"""`specc diff`: what changed between two versions of the specs, and the bump it needs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from specc.commands.common import EXIT_ERRORS, print_diagnostics, project_inputs

if TYPE_CHECKING:
    from specc import ir
    from specc.diagnostics import Diagnostic
    from specc.diff.versions import SpecDiff
    from specc.frontend.compile import Compiled
    from specc.frontend.project import Project

    Pair = tuple[ir.Spec | None, ir.Spec | None]
    """The old and the new IR of one spec; None where it does not exist."""


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--since",
    metavar="REV",
    help="Compare the specs under PATHS (default: the project's) with git revision REV.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print the changes.",
)
def diff(paths: tuple[str, ...], since: str | None, fmt: str) -> None:
    """Compare OLD and NEW spec files (or folders), or PATHS with --since REV.

    Every change is marked breaking or not, with the semver bump it needs;
    a breaking change lists where the project's other specs import the types
    it touches.
    Exit status 1 when a change is breaking and the spec's version was not
    bumped accordingly (or a spec has errors), so CI can gate on it.
    """
    from specc.diff.compare import diff_specs

    pairs, compiled, problems, project = _pairs(paths, since)
    if problems or any(not c.ok for c in compiled):
        print_diagnostics(compiled, problems, False)
        sys.exit(EXIT_ERRORS)
    diffs = [diff_specs(old, new) for old, new in pairs]
    diffs = [d for d in diffs if d.changes]
    _importers(diffs, project)
    if fmt == "json":
        report = {"ok": all(d.ok for d in diffs), "specs": [d.to_json() for d in diffs]}
        click.echo(json.dumps(report, indent=2))
    else:
        _print(diffs)
    if not all(d.ok for d in diffs):
        sys.exit(EXIT_ERRORS)


def _pairs(
    paths: tuple[str, ...], since: str | None
) -> tuple[list[Pair], list[Compiled], list[Diagnostic], Project]:
    """Return (old, new) IR pairs, every compile result, problems, and the new project.

    Each side is compiled as a project, so a spec finds the specs it uses on
    its own side: OLD and NEW folders are each a project, a file is read with
    the specs beside it, and with --since the project's specs as they were at
    the revision.
    """
    from specc.frontend.compile import find_specs
    from specc.frontend.project import Project, project_files

    if since is None:
        if len(paths) != 2:
            raise click.UsageError("give OLD and NEW, or --since REV")
        old_files, new_files, problems = _paired_files(*paths)
        old_project = Project(_beside(old_files.values(), paths[1]))
        new_project = Project(_beside(new_files.values(), paths[0]))
        olds = {k: old_project.compile(v) for k, v in old_files.items()}
    else:
        names = list(paths) or _default_paths()
        new_list, problems = find_specs([n for n in names if Path(n).exists()])
        sources = project_inputs(()).sources
        new_files = {f: f for f in new_list}
        new_project = Project(project_files(new_list, sources))
        before, context = _at_revision(since, names, sources, problems)
        at = {f"{since}:{f}": data for f, data in {**context, **before}.items()}
        old_project = Project(list(at), contents=at)
        olds = {f: old_project.compile(f"{since}:{f}") for f in before}
    news = {k: new_project.compile(v) for k, v in new_files.items()}
    compiled = list(olds.values()) + list(news.values())
    keys = sorted(set(olds) | set(news))
    pairs = [
        (olds[k].spec if k in olds else None, news[k].spec if k in news else None)
        for k in keys
    ]
    return pairs, compiled, problems, new_project


def _paired_files(
    old: str, new: str
) -> tuple[dict[str, str], dict[str, str], list[Diagnostic]]:
    """Pair two files, or the specs of two folders by their path inside each."""
    from specc.frontend.compile import find_specs

    if not (Path(old).is_dir() and Path(new).is_dir()):
        return {new: old}, {new: new}, []
    old_list, problems = find_specs([old])
    new_list, more = find_specs([new])
    olds = {str(Path(f).relative_to(old)): f for f in old_list}
    news = {str(Path(f).relative_to(new)): f for f in new_list}
    return olds, news, problems + more


def _beside(files: Iterable[str], other: str) -> list[str]:
    """Return ``files`` and the specs beside them, less the other side's file."""
    from specc.frontend.project import project_files

    other_path = Path(other).resolve()
    return [f for f in project_files(list(files)) if Path(f).resolve() != other_path]


def _at_revision(
    since: str, names: list[str], sources: list[str], problems: list[Diagnostic]
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Return the specs under ``names`` at ``since``, and the rest of its project then."""
    from specc.diagnostics import Diagnostic
    from specc.diff.history import GitError, specs_at
    from specc.source import Span

    try:
        before = specs_at(since, names)
    except GitError as error:
        problems.append(Diagnostic("E150", str(error), Span(path=names[0], line=1)))
        return {}, {}
    folders = [str(Path(n).parent) for n in names if not Path(n).is_dir()]
    try:
        context = specs_at(since, [*sources, *dict.fromkeys(folders)])
    except GitError:
        context = {}
    return before, context


def _importers(diffs: list[SpecDiff], project: Project) -> None:
    """Fill in, for each spec with breaking changes, where the project imports them."""
    from specc.diff.importers import find_importers

    if not any(d.breaking for d in diffs):
        return
    specs = []
    for path in project.data:
        result = project.compile(path)
        if result.spec is not None:
            specs.append((result.spec, result.source))
    for d in diffs:
        d.importers = find_importers(d, specs)


def _default_paths() -> list[str]:
    """Return the project's spec paths (specs/ without a project config)."""

    return project_inputs(()).paths


_LABELS = {"major": "BREAKING", "minor": "minor", "patch": "patch"}


def _print(diffs: list[SpecDiff]) -> None:
    """Print each spec's changes and its version verdict."""
    from specc.commands.progress import elapsed, plural

    colour = sys.stdout.isatty()
    for d in diffs:
        click.echo(f"{d.spec} {d.old_version or '-'} -> {d.new_version or '-'}")
        for c in d.changes:
            label = f"{_LABELS[c.bump]:<8}"
            if colour and c.breaking:
                label = click.style(label, fg="red", bold=True)
            click.echo(f"  {label} {c.path}:{c.line}: {c.subject}: {c.message}")
        click.echo(f"  {_verdict(d)}")
        if d.importers:
            click.echo("  imported by:")
        for i in d.importers:
            click.echo(f"    {i.spec} {i.path}:{i.line}: {i.how}")
    total = sum(len(d.changes) for d in diffs)
    breaking = sum(1 for d in diffs for c in d.changes if c.breaking)
    failed = sum(1 for d in diffs if not d.ok)
    lack = (
        "lacks the version bump it needs"
        if failed == 1
        else "lack the version bump they need"
    )
    click.echo(
        f"{plural(len(diffs), 'spec')} changed: {plural(total, 'change')}, "
        f"{breaking} breaking; {failed} {lack}; {elapsed():.2f} s"
    )


def _verdict(d: SpecDiff) -> str:
    """Say which bump the changes need and whether the version has it."""
    if d.ok:
        found = d.found
        seen = f", the version has {found}" if found not in (None, "none") else ""
        return f"needs a {d.needed} bump{seen}: ok"
    if d.found is None:
        return (
            f"needs a {d.needed} bump, but the versions "
            f"`{d.old_version or '-'}` -> `{d.new_version or '-'}` cannot show one"
        )
    return f"needs a {d.needed} bump, the version has {d.found}: bump `version:`"
