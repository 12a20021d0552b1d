"""`specc watch` as a user runs it: a subprocess that sees edits and rebuilds."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_incremental import tree

SPEC = """\
# {title} {{#{name}}}

## Adding {{#add_{name}}}

`add` MUST return the sum.

```specc
fn add_{name}(a: int, b: int) -> int
```

```examples
add_{name}(1, 2) == 3
```
"""


class Watch:
    """A running `specc watch` whose output lines can be waited for."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "specc", "watch"],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def until(self, pattern: str, timeout: float = 30) -> list[str]:
        """Return the lines printed up to one matching ``pattern``; fail after ``timeout``."""
        deadline = time.monotonic() + timeout
        got: list[str] = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            got.append(line)
            self.seen.append(line)
            if re.search(pattern, line):
                return got
        pytest.fail(
            f"no line matching {pattern!r} in {timeout} s; saw:\n"
            + "\n".join(self.seen)
        )

    def stop(self) -> int:
        """Interrupt it as Ctrl-C does; return its exit status."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=15)
        finally:
            if self.process.poll() is None:  # pragma: no cover - a hung watcher
                self.process.kill()


@pytest.fixture
def project(tmp_path) -> Path:
    """Return a project with two specs building the docs target only."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "specs").mkdir()
    (tmp_path / "specc.toml").write_text('[targets.docs]\ntitle = "First"\n')
    for name in ("alpha", "beta"):
        (tmp_path / "specs" / f"{name}.spec.md").write_text(
            SPEC.format(name=name, title=name.title())
        )
    return tmp_path


def _save(path: Path, text: str) -> None:
    """Write as editors do, so the change is seen even within one mtime tick."""
    path.write_text(text)


def test_watch_rebuilds_changed_specs_survives_errors_and_follows_config(project):
    watch = Watch(project)
    try:
        first = watch.until(r"^watching ")
        assert any(
            re.match(r"built \(alpha.spec.md, beta.spec.md recompiled\)", line)
            for line in first
        ), first
        alpha = project / "specs" / "alpha.spec.md"
        page = project / "out" / "docs" / "alpha.html"
        beta_page = project / "out" / "docs" / "beta.html"
        beta_mtime = beta_page.stat().st_mtime_ns

        # An edit recompiles only that spec and writes only what changed.
        _save(alpha, alpha.read_text().replace("MUST return the sum", "MUST add"))
        got = watch.until(r"^rebuilt ")
        assert "changed specs/alpha.spec.md" in got
        assert got[-1].startswith("rebuilt (alpha.spec.md recompiled): 2 written")
        wrote = watch.until(r"wrote out/docs/search-index.js|^  wrote .*index")
        assert "  wrote out/docs/alpha.html" in wrote
        assert "return the sum" not in page.read_text()
        assert beta_page.stat().st_mtime_ns == beta_mtime

        # A spec with an error is reported and leaves the output alone.
        before = page.read_bytes()
        _save(alpha, alpha.read_text().replace("b: int)", "b: Nope)"))
        got = watch.until(r"^build failed")
        assert any("error[E042]: unknown type `Nope`" in line for line in got), got
        assert "left as it was" in got[-1]
        assert page.read_bytes() == before

        # Fixing it back to what was built last needs nothing: watch rebuilds
        # incrementally, and the build cache knows those bytes.
        _save(alpha, alpha.read_text().replace("b: Nope)", "b: int)"))
        got = watch.until(r"^fixed, rebuilt ")
        assert got[-1].startswith("fixed, rebuilt (no spec recompiled): 0 written")
        assert page.read_bytes() == before

        # Another edit recompiles alpha alone; beta is neither compiled nor written.
        _save(alpha, alpha.read_text().replace("MUST add", "MUST add a and b"))
        got = watch.until(r"^rebuilt ")
        assert got[-1].startswith("rebuilt (alpha.spec.md recompiled): 2 written")
        assert beta_page.stat().st_mtime_ns == beta_mtime

        # A new spec is picked up; the configuration's change rebuilds with it.
        _save(
            project / "specs" / "gamma.spec.md",
            SPEC.format(name="gamma", title="Gamma"),
        )
        got = watch.until(r"^rebuilt ")
        assert "(gamma.spec.md recompiled)" in got[-1]
        assert (project / "out" / "docs" / "gamma.html").is_file()
        _save(project / "specc.toml", '[targets.docs]\ntitle = "Second"\n')
        got = watch.until(r"^rebuilt ")
        assert "changed specc.toml" in got and "(no spec recompiled)" in got[-1]
        assert "Second" in (project / "out" / "docs" / "index.html").read_text()

        # A broken configuration is reported, and watching goes on.
        _save(project / "specc.toml", '[targets.docs]\ntitel = "x"\n')
        got = watch.until(r"configuration has errors")
        assert any("error[E121]" in line for line in got), got
        _save(project / "specc.toml", '[targets.docs]\ntitle = "Third"\n')
        watch.until(r"^rebuilt ")
        assert "Third" in (project / "out" / "docs" / "index.html").read_text()
    finally:
        status = watch.stop()
    assert status == 0
    assert not any("Traceback" in line for line in watch.seen), watch.seen
    # What the incremental rebuilds left is what one full build makes.
    subprocess.run(
        [sys.executable, "-m", "specc", "build", "--no-cache", "--out", "full"],
        cwd=project,
        check=True,
        capture_output=True,
    )
    assert tree(project / "out") == tree(project / "full")


def test_watch_rebuilds_when_a_template_changes(project):
    (project / "tpl" / "docs").mkdir(parents=True)
    (project / "specc.toml").write_text(
        'templates = ["tpl"]\n\n[targets.docs]\ntitle = "First"\n'
    )
    override = project / "tpl" / "docs" / "base.html.jinja"
    override.write_text(
        '{% extends "!docs/base.html.jinja" %}'
        "{% block title %}ONE {{ super() }}{% endblock %}\n"
    )
    watch = Watch(project)
    try:
        watch.until(r"^watching ")
        index = project / "out" / "docs" / "index.html"
        assert "<title>ONE " in index.read_text()
        _save(override, override.read_text().replace("ONE", "TWO"))
        got = watch.until(r"^rebuilt ")
        assert "changed tpl/docs/base.html.jinja" in got
        assert "<title>TWO " in index.read_text()
    finally:
        assert watch.stop() == 0


def test_watching_a_path_that_does_not_exist_says_so_and_exits_2(tmp_path):
    """Rather than watch nothing forever, print E001 and stop as a usage error."""
    done = subprocess.run(
        [sys.executable, "-m", "specc", "watch", "nope/"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "nope/:1:1: error[E001]: cannot read nope/" in done.stderr
    assert "watching" not in done.stdout + done.stderr


def test_specs_compiled_in_worker_processes_are_named_and_their_errors_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changed specs enough to share out are compiled in forked workers (see
    `specc.build.workers`); the watch still names them and prints what they found."""
    from specc.build import workers
    from specc.build.watch import Printer, Settings, Watcher

    monkeypatch.setattr(workers, "MIN_BYTES", 0)
    monkeypatch.setenv("SPECC_JOBS", "2")
    specs = tmp_path / "specs"
    specs.mkdir()
    for name in ("alpha", "beta"):
        (specs / f"{name}.spec.md").write_text(
            SPEC.format(name=name, title=name.title())
        )
    lines: list[str] = []
    shown: list[str] = []
    printer = Printer(
        lines.append,
        lambda compiled, _: shown.extend(
            d.code for c in compiled for d in c.diagnostics
        ),
    )
    settings = Settings([str(specs)], str(tmp_path / "out"), ["docs"])
    watcher = Watcher(lambda: (settings, []), printer)
    assert watcher.reload() and watcher.rebuild()
    assert lines[0].startswith("built (alpha.spec.md, beta.spec.md recompiled): ")

    alpha, beta = specs / "alpha.spec.md", specs / "beta.spec.md"
    alpha.write_text(alpha.read_text().replace("b: int)", "b: Nope)"))
    beta.write_text(beta.read_text().replace("MUST return the sum", "MUST add"))
    assert not watcher.rebuild()
    assert shown == ["E042"]
    assert lines[-1].startswith(
        "build failed (1 error; recompiled alpha.spec.md, beta.spec.md): "
    )

    # Fixed: alpha is as last built, and beta alone is compiled, here, and kept.
    alpha.write_text(alpha.read_text().replace("b: Nope)", "b: int)"))
    assert watcher.rebuild()
    assert summary(lines).startswith("fixed, rebuilt (beta.spec.md recompiled): ")
    # A new option re-emits both specs, in workers: beta's IR, which they
    # inherit, serves; alpha (only ever compiled in a worker) is compiled.
    settings.options = {"docs": {"title": "Second"}}
    assert watcher.rebuild()
    assert summary(lines).startswith("rebuilt (alpha.spec.md recompiled): ")
    assert "Second" in (tmp_path / "out" / "docs" / "alpha.html").read_text()


def summary(lines: list[str]) -> str:
    """Return the last line a rebuild printed that is not a file it wrote."""
    return next(line for line in reversed(lines) if not line.startswith("  "))
