"""One build at a time per output folder: an exclusive lock on `OUT/.specc-lock`.

Two `specc build` processes on one folder would each plan from what is on
disk and write their files in turns, leaving a mix of both builds. The lock
makes the second wait (a bounded time) until the first has written
everything, so the folder ends as one build's output or the other's. The
lock file is removed when the build ends; a holder that dies (even by
SIGKILL) releases it, as the kernel drops its `flock`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Iterator
from pathlib import Path

LOCK = ".specc-lock"
WAIT = 120.0
"""Seconds a build waits for another to finish before it gives up
(the environment variable `SPECC_LOCK_WAIT` sets another)."""
_POLL = 0.05


class Busy(Exception):
    """Raised when another build holds the folder's lock longer than we wait."""


@contextlib.contextmanager
def locked(out_dir: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the output folder's lock for the block (creating the folder if needed)."""
    wait = wait_seconds() if wait is None else wait
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK
    deadline = time.monotonic() + wait
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            _acquire(fd, deadline)
        except BaseException:
            os.close(fd)
            raise
        if _still_there(fd, path):
            break
        os.close(fd)  # the holder removed it as we waited: lock the new one
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()  # while still holding it, so no one locks a stale file
        os.close(fd)


def wait_seconds() -> float:
    """Return how long to wait for another build: `SPECC_LOCK_WAIT`, else `WAIT`."""
    try:
        return max(0.0, float(os.environ.get("SPECC_LOCK_WAIT", WAIT)))
    except ValueError:
        return WAIT


def _acquire(fd: int, deadline: float) -> None:
    """Take the exclusive lock on ``fd``, polling until ``deadline``."""
    import fcntl

    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise
        if time.monotonic() >= deadline:
            raise Busy()
        time.sleep(_POLL)


def _still_there(fd: int, path: Path) -> bool:
    """Return whether ``fd`` is still the file at ``path`` (not unlinked meanwhile)."""
    try:
        on_disk = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)
