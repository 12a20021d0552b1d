"""Keeping Python's cycle collector out of the way while specc builds what it keeps."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cycle collector off (unless it is off already).

    Compiling and emitting make hundreds of thousands of small objects that
    live on: the IR, the outputs. Left on, the collector walks them again and
    again as they age, every few hundred allocations: half the time of
    compiling a spec of 3000 examples. Paused, what the block made is walked
    once, by the next collection after it. What specc makes holds almost no
    cycles (`specc.templating.render` breaks the one Jinja makes), so little
    waits for that collection.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_ONE_COMMAND = False
"""Whether this process runs one command and ends (`own_process`)."""


def own_process() -> None:
    """Say that this process runs one command and ends (the `specc` script)."""
    global _ONE_COMMAND
    _ONE_COMMAND = True


def stop_collector() -> None:
    """Turn the cycle collector off for the rest of a one-shot command's process.

    The process ends with the command, so the collection a paused block
    leaves for later (one walk over everything the build made) need not run
    at all, not even at exit, where Python runs one if the collector is on.
    In-process callers (tests, `specc watch`) keep their collector.
    """
    if _ONE_COMMAND:
        gc.disable()


def give_back() -> None:
    """Return the C heap's free pages to the system (glibc's `malloc_trim`).

    An emitter's working set (the text it joins, the layouts it tries) is
    freed when it ends, but glibc keeps the pages it freed in its heap,
    counted in the process's memory, where the next target's allocations of
    other sizes do not all fit: at N = 10 000 records the peak grew by about
    60 MB over four targets. Elsewhere (no glibc) this does nothing, and so it
    does in a process that has never held `TRIM_ABOVE` bytes: what a small
    build frees is too little to matter, and it skips loading `ctypes`.
    """
    global _TRIM
    if _peak() < TRIM_ABOVE:
        return
    if _TRIM is None:
        _TRIM = _malloc_trim()
    if _TRIM:
        _TRIM(0)


_TRIM: Any = None

TRIM_ABOVE = 256 * 2**20
"""The peak resident memory (bytes) from which `give_back` trims the heap."""


def _peak() -> int:
    """Return the process's peak resident memory in bytes (0 where unknown; on
    Linux, where `give_back` trims, the kernel counts it in KiB)."""
    try:
        import resource
    except ImportError:  # pragma: no cover (Windows)
        return 0
    kilobytes: int = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kilobytes * 1024


def _malloc_trim() -> Any:
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return False
