"""Run the command line as ``python -m specc``."""

from specc.commands.main import run

run()
