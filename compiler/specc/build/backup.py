"""Replace a file the user owns (an implementation, specc.toml) so that nothing in it is lost.

`replacing(path)` copies the file to `PATH.specc-backup` before the block
writes over it, and puts it back when the block ends without `keep()`: on an
exception, and at once on SIGINT, SIGTERM or SIGHUP, whose handlers restore
every guarded file and then raise `Stopped`. SIGKILL runs no code: since every
write is atomic the file is then the old one or a complete new one, and the
backup stays beside it. The next `replacing` of that path refuses to start
(`BackupExists` says how to restore it), and `specc build` reports it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from specc.build.writer import atomic_write

SUFFIX = ".specc-backup"
SIGNALS = tuple(
    getattr(signal, name)
    for name in ("SIGINT", "SIGTERM", "SIGHUP")
    if hasattr(signal, name)
)


class Stopped(BaseException):
    """Raised in the main thread on SIGINT, SIGTERM or SIGHUP, after the files are restored."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        """Return the status a shell reports for a process the signal ended."""
        return 128 + self.signum


class BackupExists(Exception):
    """Raised before replacing a file whose backup an interrupted run left behind."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{backup_of(path)} holds {path} as it was before a run stopped")
        self.path = path
        self.backup = backup_of(path)

    @property
    def hint(self) -> str:
        """Return how to restore the file, or keep the current one."""
        return (
            f"to restore it: mv {self.backup} {self.path}; "
            f"to keep the file as it is now: rm {self.backup}"
        )


def backup_of(path: Path) -> Path:
    """Return where ``path``'s backup lives while it is being replaced."""
    return path.with_name(path.name + SUFFIX)


def waiting_backup(path: Path) -> Path | None:
    """Return the backup an interrupted run left for ``path``, if it differs from the file."""
    backup = backup_of(path)
    try:
        saved = backup.read_bytes()
    except OSError:
        return None
    return None if saved == _read(path) else backup


class Replacement:
    """One guarded file: what it held, and whether the new content is to stay."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.original = _read(path)
        self.kept = False

    def write(self, text: str) -> None:
        """Replace the file's content atomically."""
        atomic_write(self.path, text.encode("utf-8"))

    def keep(self) -> None:
        """Let the content written last stay when the block ends."""
        self.kept = True

    def restore(self) -> None:
        """Put the original content back (or remove a file that did not exist)."""
        if self.kept:
            return
        if self.original is None:
            self.path.unlink(missing_ok=True)
        elif _read(self.path) != self.original:
            atomic_write(self.path, self.original)


_active: list[Replacement] = []
_mutex = threading.RLock()  # the signal handler may run while the main thread holds it


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Replacement]:
    """Guard ``path`` while the block replaces it; see the module docstring."""
    backup = backup_of(path)
    if waiting_backup(path) is not None:
        raise BackupExists(path)
    guard = Replacement(path)
    if guard.original is not None:
        atomic_write(backup, guard.original)
    with _mutex:
        _active.append(guard)
    try:
        with _signals_restore():
            yield guard
    finally:
        guard.restore()
        with _mutex:
            _active.remove(guard)
        backup.unlink(missing_ok=True)


@contextlib.contextmanager
def _signals_restore() -> Iterator[None]:
    """Make SIGINT, SIGTERM and SIGHUP restore every guarded file, then raise `Stopped`."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may handle signals; its own guard covers it
        return
    previous = {s: signal.signal(s, _restore_and_stop) for s in SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _restore_and_stop(signum: int, frame: FrameType | None) -> None:
    """Restore every guarded file now (a SIGKILL may follow), then stop the run."""
    with _mutex:
        guards = list(_active)
    for guard in guards:
        with contextlib.suppress(OSError):
            guard.restore()
    raise Stopped(signum)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
