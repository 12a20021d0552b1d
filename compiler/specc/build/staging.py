"""Write a build's files as its targets make them, and put them in place at the end.

A build of 10 000 records makes about 200 MB of text. Holding all of it until
every emitter has succeeded (a failed build writes nothing) cost that much
memory, so a `Staging` takes each target's files as soon as they are made:
it compares each with the disk (`writer.consider`), writes those to create or
rewrite into a private folder, `OUT/.specc-staging-PID/`, and lets the text
go. A large file made as a `Streamed` one (a docs page, a Python module) is
written to its staged file part by part as it renders, so not even that file
is held whole; it is then compared with the disk, and not staged if the disk
already holds it. Only when every emitter has succeeded does `writer.apply`
rename them into place (the staging folder is inside the output folder, on
its file system, so a rename is atomic); files whose bytes did not change are
never touched.

A failed build, an exception, Ctrl-C (SIGINT), SIGTERM and SIGHUP remove the
staging folder, so the output folder is as it was (the build then releases the
folder's lock, and a signal ends the process as it would have); a folder a SIGKILL left
behind is removed by the next build (which holds the folder's lock: no other
build is staging). With ``check`` nothing is staged: files are compared and
let go.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from specc.build import writer
from specc.emitters.base import OutputFile, Parts, Streamed, drain
from specc.memory import give_back

STAGING = ".specc-staging-"
"""Names the folder (``OUT/.specc-staging-PID``) a build stages its files in."""


@dataclass(frozen=True)
class Staged(OutputFile):
    """A file compared with the disk, and staged if it is to be written: its text
    is not held (a scaffold's, which is small and read again, is)."""

    sha256: str = ""


@dataclass(frozen=True)
class OnDisk(OutputFile):
    """A file the build cache found on disk as a build made it (`Cache.unit`): its
    text, its digest, and the disk's (size, mtime, inode) when it was read. While
    the disk says the same, `Staging` takes it as unchanged without reading it
    again; otherwise it is compared as any other file."""

    sha256: str = ""
    stat: tuple[int, int, int] = (-1, -1, -1)


def stat_of(result: os.stat_result) -> tuple[int, int, int]:
    """Return what `OnDisk.stat` keeps of a file's status."""
    return (result.st_size, result.st_mtime_ns, result.st_ino)


def digest(output: OutputFile) -> str:
    """Return the SHA-256 of a file's bytes, held or staged."""
    if isinstance(output, (Staged, OnDisk)):
        return output.sha256
    return writer.Text(_text(output)).sha256


def _text(output: OutputFile) -> str | tuple[str, ...]:
    """Return a file's text, or the parts it is held as (`Parts`), never joined."""
    return output.parts if isinstance(output, Parts) else output.content


def _write_streamed(path: Path, output: Streamed) -> writer.Written:
    """Write a `Streamed` file's parts to ``path`` (a new file) as they are
    rendered; return its text as written. A `Fix` the rendering asks for is
    applied to the text read back, and the file written again."""
    written = writer.Written(path)
    with open(path, "xb") as handle:
        fix = drain(output.render(), partial(written.write, handle))
    if fix is not None:
        text = fix(path.read_bytes().decode("utf-8"))
        written = writer.Written(path)
        with open(path, "wb") as handle:
            written.write(handle, text)
    return written


class Staging:
    """The files of one build, compared with the disk and staged as they come."""

    def __init__(self, out_dir: Path, targets: list[str], check: bool, hold: bool):
        self.plan = writer.Plan(out_dir, targets)
        self.plan.previous, self.plan.as_written = writer.read_manifest_file(out_dir)
        self.check, self.hold = check, hold
        self.folder = out_dir / f"{STAGING}{os.getpid()}"
        self.checked = writer.Checker(out_dir)
        self.unsafe: list[str] = []
        self.failure: OSError | None = None
        self.target = ""

    def take(self, target: str, files: list[OutputFile]) -> list[OutputFile]:
        """Compare (and stage) a target's files; return them as the build keeps them.

        Raises only what rendering a `Streamed` file raises (the emitter's
        failure): a path outside the folder or a failed write is reported when
        the build ends (`finish`), not as the emitter's failure.
        """
        if target != self.target:  # once per target: the one before has ended
            self.target = target
            give_back()
        return [self._take(f"{target}/{output.path}", output) for output in files]

    def _take(self, relative: str, output: OutputFile) -> OutputFile:
        if isinstance(output, Staged) or self.failure is not None:
            return output
        try:
            path, found = self.checked.status(relative)
        except writer.UnsafePath:
            self.unsafe.append(relative)
            return output
        if isinstance(output, Streamed):
            if not (self.check or self.hold):
                return self._take_streamed(relative, output)
            output = output.held()
        if (
            isinstance(output, OnDisk)
            and output.kind != "scaffold"  # a scaffold on disk is kept, not unchanged
            and self._still(path, found, output)
        ):
            self.plan.manifest[relative] = self.plan.entry(
                relative, output, output.sha256
            )
            self.plan.unchanged.append(relative)
            return self._light(output, output.sha256)
        data = writer.Text(_text(output))
        status = writer.consider(self.plan, relative, output, data)
        if status == "write" and not self.check:
            try:
                self.plan.staged[relative] = self._stage(relative, data)
            except OSError as error:
                self.failure = error
                return output
        return self._planned(relative, output, data.sha256)

    def _take_streamed(self, relative: str, output: Streamed) -> OutputFile:
        """Stage a `Streamed` file as it renders, then compare the staged file with
        the disk: one it already holds is not staged after all."""
        path = self._staged_path(relative)
        try:
            data = _write_streamed(path, output)
        except OSError as error:
            self.failure = error
            return output
        if writer.consider(self.plan, relative, output, data) == "write":
            self.plan.staged[relative] = path
        else:
            path.unlink()
        return self._planned(relative, output, data.sha256)

    def _planned(self, relative: str, output: OutputFile, sha256: str) -> OutputFile:
        light = self._light(output, sha256)
        for held in (self.plan.write, self.plan.kept):
            if relative in held:
                held[relative] = light  # the plan keeps no text either
        return light

    def _light(self, output: OutputFile, sha256: str) -> OutputFile:
        """Return the file as the build keeps it: whole with ``hold``, else without
        its text (but a scaffold's)."""
        if self.hold:
            return output
        content = output.content if output.kind == "scaffold" else ""
        values = {
            k: v
            for k, v in vars(output).items()
            if k not in ("content", "parts", "render", "sha256", "stat")
        }
        return Staged(content=content, sha256=sha256, **values)

    @staticmethod
    def _still(path: str, status: os.stat_result | None, output: OnDisk) -> bool:
        """Return whether the disk still holds the file the cache read (its size,
        mtime and inode are as they were then): ``status`` is the file's own when
        it is no link (`writer.Checker.status`), else the disk is asked."""
        try:
            return stat_of(os.stat(path) if status is None else status) == output.stat
        except OSError:
            return False

    def _stage(self, relative: str, data: writer.Text) -> Path:
        path = self._staged_path(relative)
        with open(path, "xb") as handle:
            for chunk in data.chunks():
                handle.write(chunk)
        return path

    def _staged_path(self, relative: str) -> Path:
        path = self.folder.joinpath(*relative.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def finish(self, files: dict[str, OutputFile], scope: writer.Scope) -> writer.Plan:
        """Return the plan of the whole build: every file of ``files`` considered
        (those no target handed over as it went, now), the removals, in order.

        Raises `writer.UnsafePath` for a path outside the folder, and the
        `OSError` a staged write met.
        """
        for relative, output in sorted(files.items()):
            if relative not in self.plan.manifest and relative not in self.unsafe:
                self._take(relative, output)
        if self.unsafe:
            raise writer.UnsafePath(sorted(self.unsafe)[0])
        if self.failure is not None:
            raise self.failure
        plan = self.plan
        plan.write = dict(sorted(plan.write.items()))
        plan.kept = dict(sorted(plan.kept.items()))
        plan.unchanged.sort()
        plan.manifest = dict(sorted(plan.manifest.items()))
        writer.plan_removals(plan, plan.previous, files, scope)
        return plan

    def discard(self) -> None:
        """Remove the staging folder and what is in it."""
        _remove(self.folder)


@contextlib.contextmanager
def staging(
    out_dir: Path, targets: list[str], check: bool, hold: bool
) -> Iterator[Staging]:
    """Stage a build's files for the block; remove what is staged when it ends.

    `writer.apply` moves the staged files out before the block ends; whatever
    is still staged then (a failure, an exception, a signal) goes.
    """
    if not check:
        sweep(out_dir)
    stage = Staging(out_dir, targets, check, hold)
    give_back()  # what compiling freed, before the first target starts
    try:
        with _signals_discard(stage):
            yield stage
    finally:
        stage.discard()


def sweep(out_dir: Path) -> None:
    """Remove staging folders that killed builds left in ``out_dir``."""
    try:
        entries = list(os.scandir(out_dir))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(STAGING) and entry.is_dir(follow_symlinks=False):
            _remove(Path(entry.path))


def _remove(folder: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(folder, ignore_errors=True)


HANDLED = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))
"""Signals that end the process without running its cleanup (SIGINT raises
`KeyboardInterrupt`, which does)."""


class Interrupted(BaseException):
    """Raised by SIGTERM or SIGHUP while a build stages, so that its cleanup runs;
    `deliver` then ends the process by the signal, as it would have ended."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    def deliver(self) -> NoReturn:
        """End the process by the signal (its default action), now that all is clean."""
        signal.signal(self.signum, signal.SIG_DFL)
        os.kill(os.getpid(), self.signum)
        raise SystemExit(128 + self.signum)  # only if the signal is blocked


@contextlib.contextmanager
def _signals_discard(stage: Staging) -> Iterator[None]:
    """Make SIGTERM and SIGHUP remove the staging folder; one that would have ended
    the process raises `Interrupted`, another handler runs as before."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Any] = {}
    for number in HANDLED:
        handler = signal.getsignal(number)
        if handler is signal.SIG_IGN or handler is None:
            continue  # an ignored signal stops nothing; one set outside Python is kept
        previous[number] = handler

        def discard_then(
            signum: int, frame: FrameType | None, before: Any = handler
        ) -> None:
            stage.discard()
            if callable(before):
                before(signum, frame)
                return
            raise Interrupted(signum)

        signal.signal(number, discard_then)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
