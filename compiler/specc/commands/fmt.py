"""`specc fmt`: lay out specs' `specc` and `examples` blocks canonically, prose untouched."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from specc.commands.common import (
    EXIT_ERRORS,
    EXIT_OK,
    print_loose_diagnostics,
    project_inputs,
)
from specc.commands.progress import plural

if TYPE_CHECKING:
    from specc.frontend.project import Project


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--check",
    is_flag=True,
    help="Change no file; print a diff and exit 1 if any spec would change.",
)
def fmt(paths: tuple[str, ...], check: bool) -> None:
    """Format specs: files, or folders searched for *.spec.md (default: specs/).

    Only ```specc and ```examples blocks change; every spec is compiled before
    and after, and left as is if its meaning would change.
    """
    from specc.frontend.compile import find_specs
    from specc.frontend.project import Project, project_files

    inputs = project_inputs(paths)
    files, problems = find_specs(inputs.paths)
    print_loose_diagnostics(problems)
    project = Project(project_files(files, inputs.sources))
    changed = unchanged = failed = 0
    for name in files:
        outcome = _format_file(name, check, project)
        changed += outcome == "changed"
        unchanged += outcome == "unchanged"
        failed += outcome == "failed"
    verb = "would be reformatted" if check else "reformatted"
    parts = [f"{plural(changed, 'spec')} {verb}" if changed else ""]
    parts.append(f"{plural(unchanged, 'spec')} left unchanged" if unchanged else "")
    parts.append(f"{plural(failed, 'spec')} failed to format" if failed else "")
    click.echo(", ".join(p for p in parts if p) or "no specs", err=True)
    bad = failed or problems or (check and changed)
    sys.exit(EXIT_ERRORS if bad else EXIT_OK)


def _format_file(name: str, check: bool, project: Project) -> str:
    """Format one spec (checked in its project); return `changed`, `unchanged` or
    `failed`."""
    import difflib

    from specc.fmt.document import MeaningChanged, check_meaning, format_text
    from specc.frontend.compile import compile_file, decode

    path = Path(name)
    try:
        data = path.read_bytes()
    except OSError:
        print_loose_diagnostics(compile_file(name).diagnostics)
        return "failed"
    source, problem = decode(name, data)
    if source is None:
        print_loose_diagnostics([problem] if problem else [])
        return "failed"
    text = data.decode("utf-8-sig")
    formatted = format_text(name, text)
    if formatted == text:
        return "unchanged"
    try:
        check_meaning(name, text, formatted, project.imports(name))
    except MeaningChanged as error:
        click.echo(f"error: {error}; left as is (please report it)", err=True)
        return "failed"
    if check:
        click.echo(f"would reformat {name}", err=True)
        diff = difflib.unified_diff(
            text.splitlines(keepends=True),
            formatted.splitlines(keepends=True),
            f"{name} (as is)",
            f"{name} (formatted)",
        )
        click.echo("".join(diff), nl=False)
        return "changed"
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    path.write_bytes(bom + formatted.encode("utf-8"))
    click.echo(f"reformatted {name}", err=True)
    return "changed"
