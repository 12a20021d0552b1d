"""The command line's LLM options, shared by `build` and `implement`, and their session."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Callable, Sequence

import click

if TYPE_CHECKING:
    from specc.llm_session import Session


def llm_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add `--llm`, `--frozen`, `--model`, `--llm-concurrency` and `--max-requests`."""
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
        help="Answer only from specc.lock, never call out (implies --llm).",
    )(f)
    f = click.option(
        "--llm",
        "use_llm",
        is_flag=True,
        help="Use the LLM-assisted backends (also `llm = true` in specc.toml).",
    )(f)
    return f


def start(
    paths: Sequence[str],
    use_llm: bool,
    frozen: bool,
    model: str | None,
    llm_concurrency: int | None,
    max_requests: int | None,
    required: bool = False,
) -> Session:
    """Open the run's LLM session; print its notice; exit 1 on a configuration problem.

    With ``required`` (a command that only works with a model), a missing
    endpoint is an error instead of a notice.
    """
    from specc.cli import EXIT_ERRORS, print_diagnostics
    from specc.llm_session import LlmFlags, open_session

    flags = LlmFlags(use_llm or required, frozen, model, llm_concurrency, max_requests)
    session = open_session(list(paths) or ["specs"], flags)
    if session.diagnostics:
        print_diagnostics([], session.diagnostics, False)
        sys.exit(EXIT_ERRORS)
    if session.notice:
        if required:
            click.echo(
                "error[E130]: " + session.notice.removeprefix("notice: "), err=True
            )
            sys.exit(EXIT_ERRORS)
        click.echo(session.notice, err=True)
    return session


def finish(session: Session, scope: set[str] | None, write: bool = True) -> None:
    """Save the lock and print the run's LLM statistics."""
    line = session.finish(scope, write)
    if line:
        click.echo(line, err=True)
