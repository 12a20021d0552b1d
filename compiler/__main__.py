"""Run the command line as ``python -m specc``."""

from specc.cli import main

main()
