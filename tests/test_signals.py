"""Real signals against a real `specc implement`: nothing the user wrote is ever lost.

Each test starts `specc implement --force` over a file the user edited, lets
the model's first (wrong) answer land in the file, holds the second answer
back at the test server, and signals the process while it waits for it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from impls.breakages import implementation

from conftest import EXAMPLES

IMPLEMENTATION = Path("python/todo/src/todo/implementation.py")
BACKUP = IMPLEMENTATION.with_name(IMPLEMENTATION.name + ".specc-backup")


def _answer(broken: bool) -> str:
    code = implementation("python", "todo", broken)
    return f"The whole file:\n\n```python\n{code}```\n"


@pytest.fixture
def project(tmp_path: Path, cli) -> Path:
    """Return a built todo project whose implementation file the user has edited."""
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(EXAMPLES / "todo.spec.md", specs)
    (specs / "specc.toml").write_text('[llm]\nmodel = "test-model"\n')
    out = tmp_path / "out"
    built = cli("build", str(specs), "--target", "python", "--out", str(out))
    assert built.exit_code == 0, built.output
    path = out / IMPLEMENTATION
    path.write_text(path.read_text() + "\n# mine: notes nobody else has\n")
    return tmp_path


def _start(project: Path) -> subprocess.Popen[str]:
    """Start `specc implement --force` as its own process, as a user would."""
    return subprocess.Popen(
        [sys.executable, "-m", "specc", "implement", str(project / "specs")]
        + ["--target", "python", "--out", str(project / "out"), "--force"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _interrupt_mid_run(llm_server, project: Path, signum: int):  # type: ignore[no-untyped-def]
    """Run implement until it waits for its second answer, signal it, return it ended."""
    mine = (project / "out" / IMPLEMENTATION).read_text()
    llm_server.reply(_answer(broken=True), times=1)
    llm_server.reply(_answer(broken=False), delay=120)
    process = _start(project)
    try:
        deadline = time.monotonic() + 240
        while not (len(llm_server.completions()) == 1 and llm_server.in_flight() == 1):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "implement never asked again"
            time.sleep(0.05)
        # The signal lands mid-run: the user's file holds the rejected attempt.
        written = (project / "out" / IMPLEMENTATION).read_text()
        assert written == implementation("python", "todo", broken=True)
        assert (project / "out" / BACKUP).read_text() == mine
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return process.returncode, stdout + stderr, mine


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_mid_run_puts_the_users_file_back(llm_server, project, name):
    signum = getattr(signal, name)
    started = time.monotonic()
    status, output, mine = _interrupt_mid_run(llm_server, project, signum)
    assert status == 128 + signum, output
    assert f"specc implement: stopped by {name}" in output
    assert (project / "out" / IMPLEMENTATION).read_text() == mine
    assert not (project / "out" / BACKUP).exists()
    assert "Traceback" not in output
    # It stops at once, without waiting for the answer held back for 120 s.
    assert time.monotonic() - started < 100


def test_sigkill_mid_run_leaves_a_whole_file_and_a_backup_the_next_run_reports(
    llm_server, project, cli
):
    status, _, mine = _interrupt_mid_run(llm_server, project, signal.SIGKILL)
    assert status == -signal.SIGKILL
    path, backup = project / "out" / IMPLEMENTATION, project / "out" / BACKUP
    # A whole file (the attempt), never half of one, and the user's beside it.
    assert path.read_text() == implementation("python", "todo", broken=True)
    assert backup.read_text() == mine
    sent = len(llm_server.completions())
    # The next build reports it...
    built = cli(
        "build", str(project / "specs"), "-t", "python", "--out", str(project / "out")
    )
    assert "warning[W139]" in built.output and str(backup) in built.output
    # ... and the next implement refuses to replace the file, and says how to restore.
    again = subprocess.run(
        [sys.executable, "-m", "specc", "implement", str(project / "specs")]
        + ["--target", "python", "--out", str(project / "out"), "--force"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 1, again.stderr
    assert "error[E138]" in again.stderr and len(llm_server.completions()) == sent
    assert path.read_text() == implementation("python", "todo", broken=True)
    restore = re.search(r"to restore it: (mv \S+ \S+);", again.stderr)
    assert restore is not None, again.stderr
    subprocess.run(restore.group(1), shell=True, check=True, cwd=project)
    assert path.read_text() == mine and not backup.exists()


def test_a_backup_equal_to_the_file_is_not_reported(project, cli):
    # Killed before the first answer was written: nothing to choose between.
    path = project / "out" / IMPLEMENTATION
    shutil.copy(path, project / "out" / BACKUP)
    built = cli(
        "build", str(project / "specs"), "-t", "python", "--out", str(project / "out")
    )
    assert built.exit_code == 0 and "W139" not in built.output


def test_new_restores_specc_toml_when_a_signal_lands_mid_write(tmp_path, monkeypatch):
    """`specc new` registers a spec in specc.toml; a SIGTERM then leaves it as it was."""
    from specc.build import backup
    from specc.config import load
    from specc.project.scaffold import new_spec

    config_path = tmp_path / "specc.toml"
    original = 'specs = ["specs/a.spec.md"]\n# my comment\n'
    config_path.write_text(original)
    (tmp_path / "specs").mkdir()
    config, problems = load(tmp_path)
    assert not problems
    before = signal.getsignal(signal.SIGTERM)

    def write_then_signal(self, text: str) -> None:  # type: ignore[no-untyped-def]
        written(self, text)
        os.kill(os.getpid(), signal.SIGTERM)

    written = backup.Replacement.write
    monkeypatch.setattr(backup.Replacement, "write", write_then_signal)
    with pytest.raises(backup.Stopped):
        new_spec(config, "b", None, None)
    assert config_path.read_text() == original
    assert not backup.backup_of(config_path).exists()
    assert signal.getsignal(signal.SIGTERM) is before
