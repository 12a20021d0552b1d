"""Shared fixtures: where the shared examples and corpus are, and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLES = SHARED / "examples"
CORPUS = SHARED / "corpus"
MODEL_SPEC = CORPUS / "model_spec.md"
DATA = Path(__file__).resolve().parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite golden files from the current output instead of comparing.",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """Return whether golden files should be rewritten."""
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def cli():
    """Return a function that runs the specc CLI in-process and returns the result."""
    from click.testing import CliRunner

    from specc.cli import main

    def run(*args: str):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run
