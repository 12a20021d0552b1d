"""`specc init`, `specc new`, `specc config` and `specc templates`: start and inspect a project."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from specc.commands.common import EXIT_ERRORS, exit_stopped, project_inputs

if TYPE_CHECKING:
    from specc.config import Config
    from specc.project.scaffold import Created
    from specc.project.uses import Used


@click.command()
@click.argument("folder", required=False, default=".", type=click.Path(file_okay=False))
def init(folder: str) -> None:
    """Start a spec project in FOLDER (default: here): specc.toml, an example spec, .gitignore."""
    from specc.build.backup import Stopped
    from specc.project.scaffold import ScaffoldError
    from specc.project.scaffold import init as run_init

    try:
        created = run_init(Path(folder))
    except Stopped as stopped:
        exit_stopped("init", stopped, "an existing .gitignore is as it was")
    except ScaffoldError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_ERRORS)
    _report(created)
    from specc.commands.progress import elapsed, plural

    click.echo(
        f"started a spec project in {folder} in {elapsed():.2f} s: "
        f"{plural(len(created), 'file')} written; next: `specc build` to generate, "
        "`specc test` to run the examples, `specc new NAME` to start a spec",
        err=True,
    )


@click.command()
@click.argument("name")
@click.option("--title", help="The spec's title (default: NAME in words).")
@click.option(
    "--template",
    type=click.Path(dir_okay=False, exists=True),
    help="A Jinja template to start from instead of the built-in one "
    "(given `name`, `title`, `function` and `uses`; `{## ##}` are its comments).",
)
@click.option(
    "--use",
    "uses",
    multiple=True,
    metavar="SPEC[.TYPE]",
    help="A spec of the project the new one builds on: `billing` adds "
    "`billing ^1.2` (a caret range on its version) to `uses`; `billing.Money` or "
    "'billing.{Money, Currency}' also writes `use billing.{…}`. Repeatable.",
)
def new(
    name: str, title: str | None, template: str | None, uses: tuple[str, ...]
) -> None:
    """Start the spec NAME in the project's spec folder, and register it in the project."""
    from specc.project.scaffold import ScaffoldError, new_spec

    config = project_inputs(()).config if _has_config() else _no_config()
    from specc.build.backup import Stopped

    used = _uses(name, uses, config)
    try:
        created = new_spec(
            config, name, title, Path(template) if template else None, used
        )
    except Stopped as stopped:
        exit_stopped(
            "new", stopped, f"{config.path or 'the configuration'} is as it was"
        )
    except ScaffoldError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_ERRORS)
    _report(created)
    from specc.commands.progress import elapsed

    registered = " and registered it" if len(created) > 1 else ""
    click.echo(
        f"started spec `{name}` in {elapsed():.2f} s: wrote {created[0].path}"
        f"{registered}; `specc build` generates its code",
        err=True,
    )


def _uses(name: str, values: tuple[str, ...], config: Config) -> list[Used]:
    """Return the specs ``values`` (`--use`) name, checked; a usage error if one is wrong."""
    from specc.frontend.compile import find_specs
    from specc.frontend.project import project_files
    from specc.project.uses import UseError, resolve

    if not values:
        return []
    sources = [p for p in config.spec_paths if Path(p).exists()]
    files = project_files(find_specs(sources)[0], sources)
    try:
        return resolve(name, values, files)
    except UseError as error:
        raise click.BadParameter(str(error), param_hint="'--use'") from None


def _has_config() -> bool:
    """Return whether a specc.toml is found from here upwards."""
    from specc.config import find

    return find() is not None


def _no_config() -> Config:
    """Return the defaults a project without specc.toml runs with."""
    from specc.config import Config

    return Config()


@click.command(name="config")
@click.option("--schema", is_flag=True, help="Print the JSON Schema of specc.toml.")
def config_command(schema: bool) -> None:
    """Print the project configuration in effect (found from here upwards) as JSON."""
    from specc.project.schema import json_schema
    from specc.records.data import to_data

    if schema:
        click.echo(json.dumps(json_schema(), indent=2, sort_keys=True))
        return
    project = project_inputs(())
    config = project.config
    shown = {
        "file": str(config.path) if config.path else None,
        "specs": project.paths,
        "out": project.out_dir,
        "templates": project.templates,
        "targets": config.project.targets,
        "llm": to_data(config.llm),
    }
    click.echo(json.dumps(shown, indent=2))


def _report(created: list[Created]) -> None:
    """Print each file written, with its note."""
    for item in created:
        note = f" ({item.note})" if item.note else ""
        click.echo(f"  wrote {item.path}{note}", err=True)


@click.command()
@click.option(
    "--templates",
    "templates",
    multiple=True,
    type=click.Path(file_okay=False, exists=True),
    help="Template folders to show overrides from (default: the project's).",
)
def templates(templates: tuple[str, ...]) -> None:
    """List the built-in templates and their blocks, and which ones you override."""
    from specc.templating import template_blocks

    folders = project_inputs((), None, templates).templates
    for name, blocks, shadow in template_blocks(folders):
        line = f"{name}: {', '.join(blocks) or '(no blocks)'}"
        click.echo(line + (f"  [overridden by {shadow}]" if shadow else ""))
