"""`specc lsp`: the language server, for editors (docs/editors.md)."""

from __future__ import annotations

import click


@click.command("lsp")
@click.option(
    "--stdio",
    is_flag=True,
    help="Talk LSP over standard input and output (the default, and the only way).",
)
def lsp(stdio: bool) -> None:
    """Run the specc language server: diagnostics, hover, navigation, completion,
    rename and formatting for the specs an editor has open."""
    from specc.lsp.features import create_server

    create_server().start_io()
