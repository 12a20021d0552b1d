"""What the commands share: options, the project's inputs, diagnostics and build reports."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem
    from rich.console import Console

    from specc.build.backup import Stopped
    from specc.build.driver import BuildResult
    from specc.build.writer import Plan
    from specc.config import Config
    from specc.diagnostics import Diagnostic
    from specc.frontend.compile import Compiled
    from specc.llm.session import LlmFlags, Session
    from specc.project.inputs import Inputs

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2

Command = TypeVar("Command", bound=Callable[..., Any])
"""A command's function, as the option decorators take and return it."""


def format_option(help: str) -> Callable[[Command], Command]:
    """Return the `--format text|json` option every command shares."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help,
    )


def target_option(help: str) -> Callable[[Command], Command]:
    """Return the `--target NAME[,NAME…]` option, completed from the known targets."""
    return click.option(
        "--target",
        "-t",
        "target",
        shell_complete=complete_targets,
        default=None,
        metavar="NAME[,NAME…]",
        help=help,
    )


def complete_targets(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Complete the last name of a `--target a,b` list from the known targets."""
    from click.shell_completion import CompletionItem

    from specc.emitters import external, registry
    from specc.targets import BUILTIN

    done, _, last = incomplete.rpartition(",")
    try:
        names = set(registry.available()) | set(external.names_on_path()) | {"all"}
    except registry.RegistryError:
        names = set(BUILTIN) | {"all"}
    prefix = f"{done}," if done else ""
    return [
        CompletionItem(prefix + name)
        for name in sorted(names)
        if name.startswith(last) and name not in done.split(",")
    ]


def build_options(f: Command) -> Command:
    """Options shared by `build` and `test`."""
    f = click.option(
        "--templates",
        "templates",
        multiple=True,
        type=click.Path(file_okay=False, exists=True),
        help="A folder of templates that shadow the built-in ones "
        "(repeatable; `!name` extends the built-in).",
    )(f)
    f = click.option(
        "--option",
        "-O",
        "option_pairs",
        multiple=True,
        metavar="TARGET.KEY=VALUE",
        help="Set an emitter option (repeatable).",
    )(f)
    f = click.option(
        "--out",
        "out_dir",
        default=None,
        type=click.Path(file_okay=False),
        help="Output folder (default: the project's, else out).",
    )(f)
    return f


def llm_options(f: Command) -> Command:
    """Add `--llm/--no-llm` and the `model_options`, for commands a model may help."""
    f = model_options(f)
    return click.option(
        "--llm/--no-llm",
        "use_llm",
        default=None,
        help="Use the LLM-assisted backends, or not (default: `[llm] enabled` "
        "in specc.toml).",
    )(f)


def model_options(f: Command) -> Command:
    """Add `--frozen`, `--model`, `--llm-concurrency` and `--max-requests`."""
    f = click.option(
        "--max-requests",
        type=click.IntRange(min=0),
        metavar="N",
        help="Stop, before sending, a run that would send more than N requests.",
    )(f)
    f = click.option(
        "--llm-concurrency",
        type=click.IntRange(min=1, max=256),
        metavar="N",
        help="Requests in flight at once (default 8, or [llm] concurrency).",
    )(f)
    f = click.option(
        "--model",
        metavar="NAME",
        help="The model to ask (default: [llm] model in specc.toml).",
    )(f)
    f = click.option(
        "--frozen",
        is_flag=True,
        help="Answer only from specc.lock, never call out.",
    )(f)
    return f


def llm_flags(
    frozen: bool = False,
    model: str | None = None,
    llm_concurrency: int | None = None,
    max_requests: int | None = None,
    use_llm: bool | None = None,
    required: bool = False,
) -> LlmFlags:
    """Return what the LLM options asked for; `--frozen --no-llm` is a usage error.

    ``use_llm`` is `--llm` (True), `--no-llm` (False) or neither (the project
    decides); ``required`` is for a command that only works with a model.
    """
    from specc.llm.session import LlmFlags

    if use_llm is False and frozen:
        raise click.UsageError(
            "--frozen answers from the lock; it cannot go with --no-llm"
        )
    enabled = True if required else use_llm
    return LlmFlags(enabled, frozen, model, llm_concurrency, max_requests)


def start_llm(paths: Sequence[str], required: bool = False, **options: Any) -> Session:
    """Open the run's LLM session; print its notice; exit 1 on a configuration problem.

    ``options`` are the LLM options' values (see `llm_flags`). With
    ``required``, no endpoint and no lock is an error instead of a notice.
    """
    from specc.llm.session import NO_ENDPOINT, open_session

    flags = llm_flags(required=required, **options)
    session = open_session(list(paths) or ["specs"], flags)
    if session.diagnostics:
        print_diagnostics([], session.diagnostics, False)
        sys.exit(EXIT_ERRORS)
    if required and session.no_endpoint:
        click.echo(f"error[E130]: {NO_ENDPOINT}", err=True)
        sys.exit(EXIT_ERRORS)
    if session.notice:
        click.echo(session.notice, err=True)
    return session


def finish_llm(session: Session, scope: set[str] | None, write: bool = True) -> None:
    """Save the lock and print the run's LLM statistics."""
    line = session.finish(scope, write)
    if line:
        click.echo(line, err=True)


def exit_stopped(command: str, stopped: Stopped, state: str) -> NoReturn:
    """Say that a signal stopped ``command`` and what it left; exit as the signal would.

    `os._exit`, because a worker thread may still wait for an answer nobody
    will read, and a normal exit would wait with it.
    """
    import os

    click.echo(f"specc {command}: stopped by {stopped}; {state}", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(stopped.exit_status)


#: Columns a table may take when standard output is a file or a pipe: wide
#: enough that no cell is cut, as rich would at its default of 80.
PIPED_WIDTH = 10_000


def table_console() -> Console:
    """Return the rich console that prints tables: the terminal's width, else full width."""
    from rich.console import Console

    if sys.stdout.isatty():
        return Console(highlight=False)
    return Console(highlight=False, width=PIPED_WIDTH)


def project_inputs(
    paths: Sequence[str], out_dir: str | None = None, templates: Sequence[str] = ()
) -> Inputs:
    """Return the command's inputs from the project configuration; exit 1 on its problems."""
    from specc.project import inputs as project

    found = project.inputs(paths, out_dir, templates)
    stop_on_config_problems(found.problems)
    return found


def stop_on_config_problems(problems: list[Diagnostic]) -> None:
    """Print configuration problems with their source line, and exit 1 if there are any."""
    if not problems:
        return
    print_loose_diagnostics(problems)
    sys.exit(EXIT_ERRORS)


def print_loose_diagnostics(problems: list[Diagnostic]) -> None:
    """Print diagnostics that belong to no compiled spec, reading their file for the caret."""
    from pathlib import Path

    from specc.diagnostics import render
    from specc.source import SourceFile

    colour = sys.stderr.isatty()
    for d in problems:
        try:
            source = SourceFile(d.span.path, Path(d.span.path).read_text("utf-8"))
        except (OSError, UnicodeDecodeError):
            source = None
        click.echo(render(d, source, colour) + "\n", err=True)


def print_diagnostics(
    results: list[Compiled], extra: list[Diagnostic], show_hints: bool
) -> None:
    """Print diagnostics as text on standard error."""
    from specc.diagnostics import Severity, render

    colour = sys.stderr.isatty()
    sources = {r.path: r.source for r in results}
    for d in extra:
        click.echo(render(d, sources.get(d.span.path), colour), err=True)
    for result in results:
        for d in result.diagnostics:
            if d.severity is Severity.HINT and not show_hints:
                continue
            click.echo(render(d, result.source, colour), err=True)
            click.echo("", err=True)


def target_names(
    value: str | None, config: Config | None = None, default: str | None = "all"
) -> list[str]:
    """Return the targets of `--target`, else the configured ones, else ``default``."""
    from specc.targets import BUILTIN

    names = [t.strip() for t in (value or "").split(",") if t.strip()]
    if value is not None and not names:  # `--target ""`, from an empty variable
        raise click.BadParameter(
            f"{value!r} names no target: give NAME[,NAME…] or `all`",
            param_hint="'--target'",
        )
    if not names and config is not None:
        names = list(config.project.targets)
    if not names and default is not None:
        names = [default]
    if not names:
        raise click.UsageError(
            "give --target NAME, or list targets in specc.toml ([targets.NAME])"
        )
    if names == ["all"]:
        return list(BUILTIN)
    return list(dict.fromkeys(names))


def configure(
    project: Inputs, targets: list[str], option_pairs: tuple[str, ...]
) -> dict[str, dict[str, object]]:
    """Return the emitter options for ``targets``: configured, then `-O`; exit on problems."""
    from specc.project.inputs import check_targets, merge_options

    stop_on_config_problems(check_targets(project.config, targets))
    return merge_options(project.config, targets, parse_options(option_pairs, targets))


def parse_options(
    pairs: tuple[str, ...], targets: list[str]
) -> dict[str, dict[str, object]]:
    """Turn `--option target.key=value` (or `key=value` for a single target) into a dict."""
    options: dict[str, dict[str, object]] = {}
    if not pairs:
        return options
    import yaml  # only for an option given: most builds have none

    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(
                f"`{pair}` is not KEY=VALUE", param_hint="--option"
            )
        target, dot, name = key.partition(".")
        if not dot:
            if len(targets) != 1:
                raise click.BadParameter(
                    f"`{key}` needs a target prefix, such as ts.{key}",
                    param_hint="--option",
                )
            target, name = targets[0], key
        try:
            value = yaml.safe_load(raw) if raw else ""
        except yaml.YAMLError:
            value = raw
        options.setdefault(target, {})[name] = value
    return options


def report_build(
    result: BuildResult, fmt: str, check: bool, targets: Sequence[str] = ()
) -> None:
    """Print a build's diagnostics, what it wrote and a summary line; exit 1 if it failed."""
    from specc.commands.progress import elapsed, files_summary, plural, summary

    plan = result.plan
    drift = plan.drift if plan is not None else []
    if fmt == "json":
        click.echo(json.dumps(build_json(result), indent=2))
    else:
        print_diagnostics(result.compiled, result.diagnostics, False)
        specs, names = len(result.compiled), list(targets)
        if plan is not None and check:
            for status, path in drift:
                click.echo(f"{status}: {plan.out_dir / path}", err=True)
            what = f"{plan.out_dir}: " + (
                f"{plural(len(drift), 'file')} out of date; "
                "run `specc build` to refresh them"
                if drift
                else "up to date"
            )
            click.echo(summary("checked", specs, names, what, elapsed()), err=True)
        elif plan is not None:
            print_changes(plan)
            what = files_summary(plan) + _recompiled(result)
            click.echo(summary("built", specs, names, what, elapsed()), err=True)
        else:
            what = "build failed: nothing was written"
            click.echo(summary("compiled", specs, names, what, elapsed()), err=True)
    if not result.ok or (check and drift):
        sys.exit(EXIT_ERRORS)


def _recompiled(result: BuildResult) -> str:
    """Return `; 1 compiled (common.spec.md), 3 unchanged` when some specs were reused."""
    from pathlib import Path

    from specc.commands.progress import plural

    compiled = result.recompiled
    if compiled is None or len(compiled) == len(result.compiled):
        return ""
    names = ", ".join(Path(p).name for p in compiled)
    unchanged = len(result.compiled) - len(compiled)
    return (
        f"; {len(compiled)} compiled"
        + (f" ({names})" if names else "")
        + (f", {plural(unchanged, 'spec')} unchanged")
    )


def build_json(result: BuildResult) -> dict[str, object]:
    """Return a build's diagnostics and changes as a JSON-ready mapping."""
    plan = result.plan
    diagnostics = [d.to_json() for d in result.diagnostics]
    diagnostics += [d.to_json() for c in result.compiled for d in c.diagnostics]
    report: dict[str, object] = {"diagnostics": diagnostics, "ok": result.ok}
    if result.recompiled is not None:
        report["compiled"] = list(result.recompiled)
    if plan is not None:
        report.update(
            written=sorted(plan.write),
            unchanged=len(plan.unchanged),
            kept=sorted(plan.kept),
            removed=sorted(plan.remove),
            drift=[{"status": s, "path": p} for s, p in plan.drift],
        )
    return report


def print_changes(plan: Plan) -> None:
    """Print each file a build wrote and removed, on standard error."""
    for path in sorted(plan.write):
        click.echo(f"  wrote {plan.out_dir / path}", err=True)
    for path in plan.remove:
        click.echo(f"  removed {plan.out_dir / path}", err=True)
