"""The `specc` command group: every command, imported from its own module when used."""

from __future__ import annotations

from importlib import import_module

import click

from specc import __version__

COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "check"),
    "ir": ("ir", "ir"),
    "build": ("build", "build"),
    "test": ("test", "test_command"),
    "status": ("status", "status"),
    "eval": ("eval", "eval_command"),
    "diff": ("diff", "diff"),
    "fmt": ("fmt", "fmt"),
    "lsp": ("lsp", "lsp"),
    "implement": ("implement", "implement"),
    "init": ("project", "init"),
    "new": ("project", "new"),
    "config": ("project", "config_command"),
    "watch": ("watch", "watch"),
    "templates": ("project", "templates"),
    "import": ("import_", "import_command"),
}
"""Every command: its name -> the module of `specc.commands` and the name there."""


class _Commands(click.Group):
    """The commands, each imported when it runs or help lists it, not all at start-up
    (importing every command's module cost each run about 10 ms)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name]
            found = import_module(f"specc.commands.{module}")
            self.add_command(getattr(found, attribute), cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="specc")
def main() -> None:
    """specc compiles Markdown specs with rule IDs into code, docs and tests.

    Exit codes: 0 when every spec is clean (warnings allowed), 1 when any spec
    has an error (or a check fails), 2 for a usage error.
    """
    from specc.commands.progress import start_clock

    start_clock()


def run() -> None:
    """Run the command line in a process of its own (`specc`, `python -m specc`)."""
    from specc.memory import own_process

    own_process()
    main()
