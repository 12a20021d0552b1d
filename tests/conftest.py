"""Shared fixtures: where the example specs and the corpus are, a CLI runner, an LSP client."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
import pytest_asyncio

if TYPE_CHECKING:
    from pytest_lsp import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "examples" / "specs"
CORPUS = DATA / "corpus"
MODEL_SPEC = CORPUS / "model_spec.md"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite golden files from the current output instead of comparing.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Let Ctrl-C reach the specc processes the tests start and stop with SIGINT.

    A shell without job control starts a background job (`pytest &` in a
    script) with SIGINT ignored, and a child inherits that: the tests that
    stop `specc test` or `specc watch` with SIGINT would then wait for a
    process that never hears it.
    """
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests marked `slow` first, each group in its own order.

    The suite runs on two or more workers that take work from each other
    (pytest-xdist's worksteal): long tests started early overlap the short
    ones, where one started last would keep a single worker busy at the end.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def under_ci() -> bool:
    """Return whether the tests run under CI, where a missing tool is a failure."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_unless_ci(reason: str) -> NoReturn:
    """Skip for ``reason`` on a developer's machine; fail for it under CI."""
    if under_ci():
        pytest.fail(f"{reason} (under CI this fails instead of skipping)")
    pytest.skip(reason)


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """Return whether golden files should be rewritten."""
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def cli():
    """Return a function that runs the specc CLI in-process and returns the result."""
    from click.testing import CliRunner

    from specc.commands.main import main

    def run(*args: str):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run


TS_TOOLCHAIN = ROOT / ".cache" / "node"
"""Where typescript and @types/node are installed once (scripts/install-toolchains)."""


@contextlib.contextmanager
def installing(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (a shared install) for the block.

    The suite runs in several worker processes (pytest-xdist), and the
    toolchain cache under `.cache/` is one for all of them: the worker that
    installs holds the lock, and the others wait, then find the install done.
    Callers check whether the install is needed again inside the block.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def ts_node_modules() -> Path:
    """Return a node_modules folder holding typescript and @types/node, installed once."""
    import shutil
    import subprocess

    modules = TS_TOOLCHAIN / "node_modules"
    with installing(TS_TOOLCHAIN):  # another worker may be installing it now
        if (modules / "typescript" / "bin" / "tsc").is_file():
            return modules
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is not installed; run scripts/install-toolchains")
        TS_TOOLCHAIN.mkdir(parents=True, exist_ok=True)
        manifest = TS_TOOLCHAIN / "package.json"
        if not manifest.exists():
            manifest.write_text('{"private": true}\n')
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--silent"]
            + ["typescript@~5.9.3", "@types/node@^20.11.0"],
            cwd=TS_TOOLCHAIN,
            check=True,
        )
    return modules


@pytest.fixture(scope="module")
def shared_typescript(
    tmp_path_factory: pytest.TempPathFactory, ts_node_modules: Path
) -> Iterator[Path]:
    """Point specc's cache at one holding the suite's TypeScript install (no download)."""
    from specc.conformance.ts_toolchain import default_versions, install_dir

    cache = tmp_path_factory.mktemp("specc-cache")
    before = os.environ.get("SPECC_CACHE_DIR")
    os.environ["SPECC_CACHE_DIR"] = str(cache)
    folder = install_dir(default_versions())
    folder.parent.mkdir(parents=True)
    folder.symlink_to(ts_node_modules.parent, target_is_directory=True)
    yield cache
    if before is None:
        del os.environ["SPECC_CACHE_DIR"]
    else:
        os.environ["SPECC_CACHE_DIR"] = before


@dataclass(frozen=True)
class Built:
    """What one build wrote; tests read it and copy a package before changing it."""

    out: Path
    """The build's output folder, holding `<target>/` and the manifest."""
    target: str
    specs: dict[str, Any]
    """The compiled specs (`specc.ir.Spec`) by ID, in the order the build met them."""
    files: dict[str, Any]
    """The build's `OutputFile`s by path relative to ``out``."""

    @property
    def folder(self) -> Path:
        """Return the target's folder of packages."""
        return self.out / self.target


@pytest.fixture(scope="session")
def build_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[..., Built]:
    """Return a function that builds specs (the shared examples by default) for one
    target, once per session: every module that asks again gets the same output."""
    from specc.build.driver import build

    builds: dict[tuple[str, str], Built] = {}

    def once(target: str, specs: Path = EXAMPLES) -> Built:
        key = (target, str(specs))
        if key not in builds:
            out = tmp_path_factory.mktemp(f"{target}-{specs.stem}") / "out"
            result = build([str(specs)], [target], out)
            assert result.ok, [d.message for d in result.diagnostics]
            specs_by_id = {s.id: s for s in result.specs}
            builds[key] = Built(out, target, specs_by_id, dict(result.files))
        return builds[key]

    return once


TEST_API_KEY = "sk-specc-test-5f0c1a9e-never-written"
"""The key the test server demands; tests check it lands in no file."""


@pytest.fixture
def llm_server(monkeypatch: pytest.MonkeyPatch):
    """Start a real OpenAI-compatible server on 127.0.0.1 and point OPENAI_* at it."""
    from llm_server import LlmServer

    server = LlmServer(api_key=TEST_API_KEY).start()
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", TEST_API_KEY)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def no_llm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset the OPENAI_* variables so no endpoint is configured."""
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client() -> AsyncIterator[LanguageClient]:
    """One `specc lsp` server for a test module, as an editor keeps one."""
    from lsp_client import start

    lsp = await start()
    yield lsp
    await lsp.shutdown_session()
