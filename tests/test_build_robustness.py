"""Builds that race or die: a lock per output folder, and writes that survive SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SPEC = """\
---
spec: part{n}
version: 1.0.{version}
summary: Part {n}, version {version}.
---

# Part {n} {{#part{n}}}

## Sizing {{#size{n}}}

Sizing MUST be exact (version {version}).

```specc
record Box{n} {{ width: int, height: int, label: string = "v{version}" }}
fn area{n}(box: Box{n}) -> int
```

```examples
area{n}({{width: 2, height: 3}}) == 6
area{n}({{width: 0, height: 3}}) == 0
```
"""

TARGETS = "ts,docs"


def write_specs(folder: Path, count: int, version: int) -> Path:
    """Write ``count`` small specs whose every output names ``version``."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        text = SPEC.format(n=n, version=version)
        (folder / f"part{n}.spec.md").write_text(text)
    return folder


def specc(*args: str, **env: str) -> subprocess.Popen[str]:
    """Start the real `specc` command as its own process."""
    return subprocess.Popen(
        [sys.executable, "-m", "specc", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    """Wait for a process; return its exit status and standard error."""
    _, stderr = process.communicate(timeout=300)
    return process.returncode, stderr


def contents(out: Path) -> dict[str, bytes]:
    """Return every file under ``out`` with its bytes (but the build cache's)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.relative_to(out).as_posix().startswith(CACHE)
    }


CACHE = ".specc-cache/"
"""Holds what the incremental build remembers; its bytes depend on history."""


def build_into(out: Path, *specs: Path) -> dict[str, bytes]:
    """Build each folder of specs in turn into ``out``; return what it holds."""
    for folder in specs:
        code, stderr = finish(
            specc("build", str(folder), "-t", TARGETS, "--out", str(out))
        )
        assert code == 0, stderr
    return contents(out)


# --- two builds at once -----------------------------------------------------------


@pytest.mark.slow
def test_two_builds_at_once_end_cleanly_with_one_builds_output(tmp_path: Path) -> None:
    """Two builds of different specs into one folder, overlapping: never a mix.

    The first is frozen (SIGSTOP) in the middle of its writes while the second
    starts; once the second has finished or is waiting for the lock, the first
    goes on. Both end with status 0 and the folder holds one build's output.
    """
    first = write_specs(tmp_path / "a" / "specs", 30, 1)
    second = write_specs(tmp_path / "b" / "specs", 30, 2)
    # the references sit at the race's depth, so their manifests name specs alike
    first_then_second = build_into(tmp_path / "ab" / "out", first, second)
    second_then_first = build_into(tmp_path / "ba" / "out", second, first)
    assert first_then_second != second_then_first
    out = tmp_path / "race" / "out"
    old = build_into(out, first)
    writer = specc("build", str(second), "-t", TARGETS, "--out", str(out))
    try:
        wait_for_change(out / "docs" / "index.html", old["docs/index.html"], writer)
        writer.send_signal(signal.SIGSTOP)  # frozen half-way through its writes
        rival = specc("build", str(first), "-t", TARGETS, "--out", str(out))
        # ends without a lock; waits with one
        waits_for_lock(rival, out / ".specc-lock")
        writer.send_signal(signal.SIGCONT)
        for process in (writer, rival):
            code, stderr = finish(process)
            assert code == 0 and "Traceback" not in stderr, stderr
    finally:
        writer.send_signal(signal.SIGCONT)
        if writer.poll() is None:
            writer.kill()
    assert contents(out) in (first_then_second, second_then_first)
    assert not (out / ".specc-lock").exists()


def waits_for_lock(process: subprocess.Popen[str], lock: Path) -> None:
    """Return once ``process`` has ended, or has had ``lock`` open for 2 s on end
    and still runs: it is waiting to lock it (it opens the file, then polls)."""
    since = None
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if has_open(process.pid, lock):
            since = since if since is not None else time.monotonic()
            if time.monotonic() - since >= 2:
                return
        else:
            since = None
        time.sleep(0.05)


def has_open(pid: int, path: Path) -> bool:
    """Return whether process ``pid`` has ``path`` open."""
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(fd) == str(path):
                return True
        except OSError:
            continue
    return False


def test_a_build_that_cannot_get_the_lock_fails_with_e090(tmp_path: Path) -> None:
    """While another process holds out/'s lock, a build waits, then fails clearly."""
    specs = write_specs(tmp_path / "specs", 1, 1)
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from specc.build.lock import locked\n"
            f"with locked(Path({str(out)!r})):\n"
            "    print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        started = time.monotonic()
        build = specc(
            "build", str(specs), "-t", "ts", "--out", str(out), SPECC_LOCK_WAIT="1"
        )
        code, stderr = finish(build)
        assert code == 1
        assert f"error[E090]: another specc build is writing {out}; waited 1 s" in (
            stderr
        )
        assert time.monotonic() - started < 30
        assert not (out / "ts").exists()
    finally:
        holder.kill()
        holder.wait()
    code, stderr = finish(specc("build", str(specs), "-t", "ts", "--out", str(out)))
    assert code == 0, stderr  # the dead holder's lock is gone with it
    assert not (out / ".specc-lock").exists()


# --- a build killed half-way ------------------------------------------------------


def wait_for_change(path: Path, old: bytes, build: subprocess.Popen[str]) -> None:
    """Return as soon as ``path`` no longer holds ``old`` (or the build ended)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and build.poll() is None:
        try:
            if path.read_bytes() != old:
                return
        except OSError:
            pass
        time.sleep(0.0005)


@pytest.mark.parametrize("attempt", range(2))
def test_a_killed_build_leaves_whole_files_and_a_rebuild_repairs_it(
    tmp_path: Path, attempt: int
) -> None:
    """SIGKILL during the writes: each file is old or new; a rebuild completes it."""
    specs = write_specs(tmp_path / "specs", 30, 1)
    out = tmp_path / "work" / "out"  # references sit at the same depth
    old = build_into(out, specs)
    write_specs(specs, 60, 2)  # every file changes, and 30 new specs appear
    new = build_into(tmp_path / "reference" / "out", specs)
    build = specc("build", str(specs), "-t", TARGETS, "--out", str(out))
    try:
        # files are written in path order: part30's page is the first new one
        wait_for_file(out / "docs" / "part30.html", build)
        build.send_signal(signal.SIGKILL)
    finally:
        build.communicate()
    after = contents(out)
    for relative, data in after.items():
        if ".specc-tmp-" in relative or relative.startswith(".specc-"):
            continue  # leftovers and the manifest, checked by the rebuild below
        assert data in (old.get(relative), new.get(relative)), relative
    # specs the killed build had begun to write go again before the rebuild:
    # their new files must still be known to specc, and removed
    for n in range(30, 40):
        (specs / f"part{n}.spec.md").unlink()
    final = build_into(tmp_path / "final" / "out", specs)
    repaired = build_into(out, specs)
    assert sorted(repaired) == sorted(final)
    assert repaired == final


def wait_for_file(path: Path, build: subprocess.Popen[str]) -> None:
    """Return as soon as ``path`` exists (or the build ended)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and build.poll() is None and not path.exists():
        time.sleep(0.0005)
