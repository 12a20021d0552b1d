"""Keeping Python's cycle collector out of the way while specc builds what it keeps."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
