"""Progress while a command runs (a rich bar on a terminal, nothing in CI), and its summary."""

from __future__ import annotations

import os
import sys
import time
from typing import Any, TextIO

from specc.naming import plural

__all__ = ["Progress", "elapsed", "files_summary", "plural", "summary", "wanted"]


def wanted(stream: TextIO | None = None) -> bool:
    """Return whether to draw progress: a terminal that is not CI's nor `dumb`."""
    stream = stream or sys.stderr
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """A transient rich progress bar on standard error, or nothing when not wanted."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = wanted() if enabled is None else enabled
        self.started = time.perf_counter()
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("reading specs", total=1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
            self._bar = None

    def step(self, stage: str, item: str, done: int, total: int) -> None:
        """Show that ``stage`` (compile, emit, write, test) started on ``item``."""
        if self._bar is not None:
            # Draw now: rich's own refresh (10 a second) would skip the steps
            # of a fast build, and the bar is there to show them.
            self._bar.update(
                self._task,
                description=f"{stage} {item}",
                completed=done,
                total=total,
                refresh=True,
            )

    @property
    def seconds(self) -> float:
        """Return the time since the command started."""
        return time.perf_counter() - self.started


def files_summary(plan: Any) -> str:
    """Return `out: 3 written, 2 unchanged, 0 removed, 1 scaffold kept` for a write plan."""
    return (
        f"{plan.out_dir}: {len(plan.write)} written, {len(plan.unchanged)} unchanged, "
        f"{len(plan.remove)} removed, {plural(len(plan.kept), 'scaffold')} kept"
    )


def summary(
    verb: str, specs: int, targets: list[str], what: str, seconds: float
) -> str:
    """Return a command's last line: `built 2 specs (ts, docs) in 0.84 s: …`."""
    on = f" ({', '.join(targets)})" if targets else ""
    return f"{verb} {plural(specs, 'spec')}{on} in {seconds:.2f} s: {what}"


_STARTED = [time.perf_counter()]


def start_clock() -> None:
    """Note that a command starts now."""
    _STARTED[0] = time.perf_counter()


def elapsed() -> float:
    """Return the seconds since the command started."""
    return time.perf_counter() - _STARTED[0]
