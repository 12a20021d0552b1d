"""Toolchains specc runs: found on PATH, run in their own process group, killed as a whole.

A runner starts `node --test`, `pytest` or `cargo test`, which start children
of their own. Each toolchain runs in a new session (so a Ctrl-C in the
terminal reaches specc, not the tests half-way), and when its time is up, or
specc is interrupted (SIGINT) or asked to stop (SIGTERM), the whole group is
killed, grandchildren included, so no `node` or `pytest` is left behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import subprocess


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent() -> None:
    """In a child process: have Linux kill it when its parent dies, even when
    the parent is killed outright. Elsewhere this does nothing."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


class Terminated(BaseException):
    """Raised in specc's main thread when it receives SIGTERM (see `sigterm_raises`)."""


def start(
    args: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.Popen[str]:
    """Start a toolchain in its own session, capturing stdout and stderr as text."""
    import subprocess  # not at start-up: a build that runs no toolchain needs none

    return subprocess.Popen(
        list(args),
        cwd=cwd,
        env=None if env is None else dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
    )


def kill_group(process: subprocess.Popen[Any]) -> None:
    """Kill a process started by `start` and everything it started, then reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()  # the leader may have left its group
    process.wait()


@contextlib.contextmanager
def spawned(
    args: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen[str]]:
    """Start a toolchain for the block's use; kill its whole group when the block ends."""
    process = start(args, cwd, env)
    try:
        yield process
    finally:
        kill_group(process)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def run_group(
    args: Sequence[str],
    cwd: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a toolchain to its end; raise `subprocess.TimeoutExpired` (with its output)."""
    import subprocess

    with spawned(args, cwd, env) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            kill_group(process)
            stdout, stderr = process.communicate()
            raise subprocess.TimeoutExpired(
                error.cmd, timeout, output=stdout, stderr=stderr
            ) from None
        return subprocess.CompletedProcess(
            process.args, process.returncode, stdout, stderr
        )


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM into `Terminated` in the block, so cleanup code runs."""

    def handler(signum: int, frame: object) -> None:
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class ToolchainError(Exception):
    """Raised when a target's toolchain is missing or cannot run at all."""


def tool(name: str, hint: str) -> str:
    """Return the path of a program on PATH, or raise `ToolchainError` with a hint."""
    found = shutil.which(name)
    if found is None:
        raise ToolchainError(f"`{name}` is not installed; {hint}")
    return found


class TimedOut(ToolchainError):
    """Raised when a toolchain command runs past its time; carries what it printed."""

    def __init__(self, message: str, stdout: str, stderr: str) -> None:
        super().__init__(message)
        self.stdout = stdout
        self.stderr = stderr


def execute(
    args: Sequence[str],
    cwd: Path,
    timeout: float = 600,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a toolchain command in its own process group, capturing its output as text.

    On timeout, interrupt (SIGINT) or `Terminated` (SIGTERM) the whole group is
    killed before the exception goes on; a timeout raises `TimedOut`.
    """
    import subprocess

    try:
        return run_group(args, cwd, timeout, env)
    except subprocess.TimeoutExpired as error:
        raise TimedOut(
            f"`{' '.join(args)}` took longer than {timeout:g} s",
            _text(error.output),
            _text(error.stderr),
        ) from error


def _text(data: str | bytes | None) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return data or ""


def first_lines(text: str, count: int = 8) -> str:
    """Return the first non-blank lines of tool output, for a failure message."""
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    return "\n".join(lines[:count])


def cache_dir() -> Path:
    """Return specc's cache folder: `$SPECC_CACHE_DIR`, else the user's cache folder."""
    chosen = os.environ.get("SPECC_CACHE_DIR")
    if chosen:
        return Path(chosen)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData/Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "specc"
